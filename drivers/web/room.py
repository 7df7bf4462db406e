"""The phones' side of the poll, shared by the web server's thread and the station's:
who each browser votes as, the round code, pairing a phone with a clicker, and the
votes waiting to be read as packets. Every method takes the one lock.

A browser votes as a handset: its student's clicker (paired, or owned by a student
who signed in), ``P-…`` for a signed-in student without one, ``W-…`` for a browser of
an open session. So the vote buffer's one-vote rule, grading and exports treat a
phone as one more handset of its student; two browsers of one student count once.
"""

from __future__ import annotations

import hashlib
import hmac
import queue
import re
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from drivers.packets import PacketKind, RawPacket
from firmware_protocol.phone import CONFIDENCES, encode_phone_confidence, encode_phone_vote

CODE_LETTERS = "ACDEFHJKMNPRTUVWXY3479"
"""Round-code symbols that cannot be mistaken for each other on a projector."""
PAIRING_LETTERS = "ABCDE"
"""Any clicker has these five buttons."""
MAX_BROWSERS = 5000
SEAT = re.compile(r"\s*([A-Za-z]{1,3})\s*-?\s*(\d{1,4})\s*")
"""Row letters and a number (``C12``), as the base station's seating reads them."""
ACTIVE_S = 120.0


class PhoneRoster(Protocol):
    """How a student signs in: their student ID and personal code give the handset
    they vote as, or None (the base station's database answers this)."""

    def sign_in(self, student_id: str, code: str) -> str | None: ...


def _pairing_letters() -> str:
    """Three buttons, none the same as the one before: a second press of the same
    button within seconds is a retransmission to the vote buffer, never counted."""
    letters = secrets.choice(PAIRING_LETTERS)
    while len(letters) < 3:
        letters += secrets.choice([c for c in PAIRING_LETTERS if c != letters[-1]])
    return letters


@dataclass
class Browser:
    token: str
    voter: str | None = None
    how: str = ""
    """``student``, ``clicker`` or ``open``."""
    name: str = ""
    code_for_poll: int = 0
    """The poll whose round code this browser gave (it is not asked again)."""
    pairing: str = ""
    vote: tuple[str, float] | None = None
    vote_poll: int = 0
    seen_at: float = 0.0
    streams: int = 0
    seat: str = ""
    seat_asked: bool = False
    """The seat question was answered or skipped (it is asked once a session)."""
    sure: str = ""
    """How sure the student said they are of this poll's vote."""


@dataclass(frozen=True)
class Outcome:
    ok: bool
    message: str


@dataclass
class PollView:
    number: int = 0
    open: bool = False
    code: str = ""
    text: str = ""
    answers: tuple[str, ...] = ("A", "B", "C", "D", "E")


@dataclass
class Room:
    receiver_name: str
    fixed_code: str = ""
    open_session: bool = False
    roster: PhoneRoster | None = None
    clock: Callable[[], float] = time.time
    poll: PollView = field(default_factory=PollView)
    outbox: queue.SimpleQueue[RawPacket] = field(default_factory=queue.SimpleQueue)
    on_change: Callable[[], None] = lambda: None
    """Called (under no lock) when what every page shows has changed."""

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._browsers: dict[str, Browser] = {}
        self._pairings: dict[str, str] = {}
        self._presses: dict[str, deque[str]] = {}
        self._key = secrets.token_bytes(16)
        self._partners: dict[str, tuple[str, ...]] = {}
        self.poll.code = self._new_code()

    def _new_code(self) -> str:
        """The next poll's round code, made when the last one closes, so that it can be
        told before the poll opens (``record`` prints it)."""
        return self.fixed_code or "".join(secrets.choice(CODE_LETTERS) for _ in range(4))

    # -- the station's side -------------------------------------------------
    def show_question(self, text: str | None, answers: Sequence[str]) -> None:
        with self._lock:
            self.poll.text, self.poll.answers = text or "", tuple(answers)

    def open_poll(self) -> None:
        with self._lock:
            self.poll.number += 1
            self.poll.open = True
            self._partners = {}  # the discussion is over
        self.on_change()

    def groups_formed(self, partners: dict[str, tuple[str, ...]]) -> None:
        """Each voter's discussion partners by seat; every page then says whom to talk to."""
        with self._lock:
            self._partners = dict(partners)
        self.on_change()

    def seats_told(self) -> dict[str, str]:
        with self._lock:
            return {b.voter: b.seat for b in self._browsers.values() if b.voter and b.seat}

    def close_poll(self) -> None:
        with self._lock:
            self.poll.open = False
            self.poll.code = self._new_code()
        self.on_change()

    def pressed(self, handset: str, letter: str) -> None:
        """A clicker's accepted press: the third of three pairing letters binds the
        phone that shows them to this clicker."""
        with self._lock:
            if not self._pairings:
                return
            recent = self._presses.setdefault(handset, deque(maxlen=3))
            recent.append(letter)
            token = self._pairings.pop("".join(recent), None)
            browser = self._browsers.get(token or "")
            if browser is None:
                return
            browser.voter, browser.how, browser.pairing = handset, "clicker", ""
            self._presses.pop(handset, None)

    def phones(self) -> int:
        """Browsers with a live page, or that asked for something in the last minutes."""
        now = self.clock()
        with self._lock:
            return sum(
                1
                for b in self._browsers.values()
                if b.voter and (b.streams or now - b.seen_at < ACTIVE_S)
            )

    # -- the browsers' side --------------------------------------------------
    def browser(self, token: str | None) -> Browser:
        """The browser of this cookie, or a new one (with a new token to set)."""
        with self._lock:
            found = self._browsers.get(token or "")
            if found is None:
                if len(self._browsers) >= MAX_BROWSERS:
                    self._forget_oldest()
                found = Browser(secrets.token_urlsafe(24))
                if self.open_session:
                    digest = hmac.new(self._key, found.token.encode(), hashlib.sha256)
                    found.voter, found.how = "W-" + digest.hexdigest()[:10].upper(), "open"
                self._browsers[found.token] = found
            found.seen_at = self.clock()
            return found

    def known(self, token: str | None) -> bool:
        with self._lock:
            return (token or "") in self._browsers

    def _forget_oldest(self) -> None:
        oldest = min(self._browsers.values(), key=lambda b: b.seen_at)
        del self._browsers[oldest.token]

    def sign_in(self, browser: Browser, student_id: str, code: str) -> Outcome:
        roster = self.roster
        if roster is None:
            return Outcome(False, "this session has no sign-in: pair your clicker instead")
        voter = roster.sign_in(student_id.strip(), code.strip().upper())
        if voter is None:
            return Outcome(False, "that student ID and code do not match")
        with self._lock:
            browser.voter, browser.how, browser.name = voter, "student", student_id.strip()
        return Outcome(True, f"signed in as {student_id.strip()}")

    def start_pairing(self, browser: Browser) -> str:
        with self._lock:
            if browser.pairing and self._pairings.get(browser.pairing) == browser.token:
                return browser.pairing
            for _ in range(200):
                letters = _pairing_letters()
                if letters not in self._pairings:
                    break
            else:
                return ""
            self._pairings[letters] = browser.token
            browser.pairing = letters
            return letters

    def vote(self, browser: Browser, letter: str, round_code: str) -> Outcome:
        letter = letter.strip().upper()
        with self._lock:
            poll = self.poll
            if browser.voter is None:
                return Outcome(False, "sign in first")
            if not poll.open:
                return Outcome(False, "voting is closed")
            if browser.code_for_poll != poll.number:
                if not hmac.compare_digest(round_code.strip().upper().encode(), poll.code.encode()):
                    return Outcome(False, "that is not the round code on the screen")
                browser.code_for_poll = poll.number
            if letter not in poll.answers:
                return Outcome(False, f"{letter[:1] or 'that'} is not a choice of this question")
            now = self.clock()
            browser.vote, browser.vote_poll, browser.sure = (letter, now), poll.number, ""
            payload = encode_phone_vote(browser.voter, letter)
        self.outbox.put(RawPacket(PacketKind.PHONE_VOTE, payload, self.receiver_name, now))
        return Outcome(
            True, f"{letter} counted at {time.strftime('%H:%M:%S', time.localtime(now))}"
        )

    def set_seat(self, browser: Browser, text: str) -> Outcome:
        """The student's seat (``C12``); empty text: they have none, and are not asked again."""
        match = SEAT.fullmatch(text) if text.strip() else None
        if text.strip() and match is None:
            return Outcome(False, "a seat is its row letters and a number, like C12")
        with self._lock:
            browser.seat_asked = True
            browser.seat = f"{match.group(1).upper()}{int(match.group(2))}" if match else ""
        return Outcome(True, f"seat {browser.seat} noted" if browser.seat else "no seat noted")

    def set_sure(self, browser: Browser, confidence: str) -> Outcome:
        """How sure the student is of this poll's vote (kept with it)."""
        with self._lock:
            voted = browser.vote_poll == self.poll.number and browser.vote is not None
            if browser.voter is None or not voted or not self.poll.open:
                return Outcome(False, "vote first, while voting is open")
            if confidence not in CONFIDENCES:
                return Outcome(False, "choose guessing, unsure or sure")
            browser.sure = confidence
            payload = encode_phone_confidence(browser.voter, confidence)
        packet = RawPacket(PacketKind.PHONE_CONFIDENCE, payload, self.receiver_name, self.clock())
        self.outbox.put(packet)
        return Outcome(True, f"noted: {confidence}")

    def stream_opened(self, browser: Browser, opened: bool) -> None:
        with self._lock:
            browser.streams += 1 if opened else -1
            browser.seen_at = self.clock()

    def view(self, browser: Browser) -> dict[str, object]:
        """What this browser's page shows now."""
        with self._lock:
            poll = self.poll
            voted = browser.vote if browser.vote_poll == poll.number else None
            return {
                "signed_in": browser.voter is not None,
                "how": browser.how,
                "name": browser.name,
                "sign_in": self.roster is not None,
                "pairing": browser.pairing,
                "poll": poll.number,
                "open": poll.open,
                "needs_code": poll.open and browser.code_for_poll != poll.number,
                "text": poll.text,
                "answers": list(poll.answers),
                "voted": voted[0] if voted else "",
                "voted_at": voted[1] if voted else 0.0,
                "sure": browser.sure if voted else "",
                "ask_seat": not browser.seat_asked,
                "seat": browser.seat,
                "talk_to": list(self._partners.get(browser.voter or "", ())),
            }

    def take_packets(self, wait: float) -> list[RawPacket]:
        """The votes that came in, waiting up to ``wait`` seconds for the first."""
        packets: list[RawPacket] = []
        try:
            packets.append(self.outbox.get(timeout=wait) if wait > 0 else self.outbox.get_nowait())
            while True:
                packets.append(self.outbox.get_nowait())
        except queue.Empty:
            return packets
