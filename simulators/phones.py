"""Students on phones against a web receiver, over real HTTP: each one a browser with its
own cookie and connection that signs in (or votes in an open session), votes, and may
change its vote, as the page's script does it (form posts asking for JSON).

It knows only what a student in the room knows: the address, the round code on the
projector, and (to play a class that mostly gets it right) a key it was told.
"""

from __future__ import annotations

import http.client
import json
import random
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

LETTERS = "ABCDEFGHIJ"


class PhoneRefused(Exception):
    """The receiver said no (a status line and its reason)."""


@dataclass
class Phone:
    url: str
    student: str = ""
    code: str = ""
    cookie: str = ""
    latencies: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        self._host, self._port = parts.hostname or "127.0.0.1", parts.port or 80
        self._secure = parts.scheme == "https"
        self._connection: http.client.HTTPConnection | None = None

    def _connect(self) -> http.client.HTTPConnection:
        if self._connection is None:
            if self._secure:
                import ssl

                context = ssl.create_default_context()
                context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
                self._connection = http.client.HTTPSConnection(
                    self._host, self._port, timeout=30, context=context
                )
            else:
                self._connection = http.client.HTTPConnection(self._host, self._port, timeout=30)
        return self._connection

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> dict[str, object]:
        body = urlencode(form or {}).encode()
        headers = {"Accept": "application/json"}
        if method == "POST":
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": f"{'https' if self._secure else 'http'}://{self._host}:{self._port}",
            }
        if self.cookie:
            headers["Cookie"] = self.cookie
        for attempt in range(2):
            connection = self._connect()
            try:
                connection.request(
                    method, path, body=body if method == "POST" else None, headers=headers
                )
                response = connection.getresponse()
                data = response.read()
                break
            except (ConnectionError, http.client.HTTPException):
                connection.close()
                self._connection = None
                if attempt:
                    raise
        cookie = response.getheader("set-cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        if response.status >= 400:
            message = data.decode("utf-8", "replace")
            if response.getheader("content-type", "").startswith("application/json"):
                message = str(json.loads(data).get("message", message))
            raise PhoneRefused(f"{response.status}: {message.strip()}")
        return dict(json.loads(data)) if data.startswith(b"{") else {}

    def sign_in(self) -> None:
        self.request("GET", "/")
        if self.student:
            self.request("POST", "/signin", {"student": self.student, "code": self.code})

    def vote(self, letter: str, round_code: str) -> dict[str, object]:
        started = time.perf_counter()
        answer = self.request("POST", "/vote", {"letter": letter, "round": round_code})
        self.latencies.append(time.perf_counter() - started)
        return answer

    def tell_seat(self, seat: str) -> dict[str, object]:
        """Answer the page's seat question (an empty seat: "I have no seat number")."""
        return self.request("POST", "/seat", {"seat": seat} if seat else {"no_seat": "1"})

    def say_sure(self, confidence: str) -> dict[str, object]:
        """guessing, unsure or sure, of this poll's vote."""
        return self.request("POST", "/sure", {"sure": confidence})

    def page(self) -> dict[str, object]:
        """What the page shows now (its JSON view)."""
        return self.request("GET", "/")

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()


@dataclass
class PhoneClass:
    """``students``: (student ID, code) pairs to sign in with; empty: an open session."""

    url: str
    phones: int
    round_code: str
    seed: int = 0
    key: str = ""
    right_share: float = 0.6
    votes_each: int = 1
    answers: str = "ABCDE"
    students: Sequence[tuple[str, str]] = ()
    workers: int = 32

    def play(self) -> tuple[list[Phone], list[str]]:
        """Every phone signs in, then votes ``votes_each`` times (changing its mind
        between). Returns the phones (with their latencies) and each one's last vote."""
        random_ = random.Random(self.seed)
        phones = [
            Phone(self.url, *(self.students[i] if i < len(self.students) else ("", "")))
            for i in range(self.phones)
        ]
        plans = [self._plan(random_) for _ in phones]
        with ThreadPoolExecutor(self.workers) as pool:
            list(pool.map(Phone.sign_in, phones))
            for step in range(self.votes_each):
                letters = [plan[step] for plan in plans]
                codes = [self.round_code] * len(phones)
                list(pool.map(Phone.vote, phones, letters, codes))
        for phone in phones:
            phone.close()
        return phones, [plan[-1] for plan in plans]

    def _plan(self, random_: random.Random) -> list[str]:
        last = (
            self.key
            if self.key and random_.random() < self.right_share
            else random_.choice(self.answers)
        )
        return [random_.choice(self.answers) for _ in range(self.votes_each - 1)] + [last]
