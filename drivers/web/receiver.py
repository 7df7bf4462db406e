"""``web://HOST:PORT``: phones on the room's own network vote beside the clickers.

It listens only while it is open, only on the address given, and hands on each vote
as a packet like any receiver's (so it is captured and replayed too). Parameters:
``code=ABCD`` fixes the round code (else a new one per poll); ``open=1`` lets every
browser vote under a pseudonym with no sign-in; ``cert=`` and ``key=`` serve HTTPS;
``rate=`` requests a second per client (20); ``phones=`` the most connections (1000).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import socket
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

from drivers.base import Receiver
from drivers.errors import ReceiverError, ReceiverUrlError
from drivers.packets import RawPacket
from drivers.status import JoinInfo, ReceiverState
from drivers.threads import background_thread
from drivers.url import ReceiverUrl
from drivers.web.addresses import join_addresses
from drivers.web.app import Changes, RateLimit, build_app
from drivers.web.room import CODE_LETTERS, PhoneRoster, Room

log = logging.getLogger("drivers.web")
DEFAULT_PORT = 8765
START_TIMEOUT_S = 10.0


class WebReceiver(Receiver):
    scheme: ClassVar[str] = "web"
    parameters: ClassVar[frozenset[str]] = frozenset(
        {"code", "open", "cert", "key", "rate", "phones"}
    )

    def __init__(self, url: ReceiverUrl, *, auto_reconnect: bool = True) -> None:
        super().__init__(url, auto_reconnect=False)
        host, _, port = url.target.rpartition(":") if ":" in url.target else (url.target, "", "")
        self.host = host.strip("[]") or "127.0.0.1"
        try:
            self.port = int(port) if port else DEFAULT_PORT
        except ValueError:
            raise ReceiverUrlError(f"{url.text}: {port!r} is not a port number") from None
        code = url.param("code", "").upper()
        if code and (len(code) != 4 or any(c not in CODE_LETTERS for c in code)):
            raise ReceiverUrlError(
                f"{url.text}: code={code!r} is not 4 of the letters {CODE_LETTERS}"
            )
        self.cert, self.key = url.param("cert", ""), url.param("key", "")
        if bool(self.cert) != bool(self.key):
            raise ReceiverUrlError(f"{url.text}: HTTPS needs both cert= and key=")
        self.rate = url.float_param("rate", 20.0)
        self.max_phones = url.int_param("phones", 1000)
        self.room = Room(
            url.text or "web", fixed_code=code, open_session=url.param("open", "") in ("1", "yes")
        )
        self._server: object | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._changes: Changes | None = None
        self.bound_port = 0
        self._addresses: list[str] = []

    # -- what the base station tells it ----------------------------------
    def set_roster(self, roster: PhoneRoster | None) -> None:
        """Who may sign in (a session without a roster: open or paired phones only)."""
        self.room.roster = roster

    def question_shown(self, text: str | None, answers: tuple[str, ...]) -> None:
        self.room.show_question(text, answers)

    def seats_told(self) -> dict[str, str]:
        return self.room.seats_told()

    def groups_formed(self, partners: Mapping[str, tuple[str, ...]]) -> None:
        self.room.groups_formed(dict(partners))

    def handset_pressed(self, handset: str, letter: str) -> None:
        self.room.pressed(handset, letter)

    def join_info(self) -> JoinInfo:
        return JoinInfo(
            tuple(self.addresses()), self.room.poll.code, self.room.phones(), self.room.poll.open
        )

    def addresses(self) -> list[str]:
        """Every address a phone can use (found once, as the server starts)."""
        return list(self._addresses)

    def describe(self) -> str:
        return self.url.text or f"web://{self.host}:{self.port}"

    def expected_answer(self) -> str:
        return "the server to start"

    # -- the Receiver steps ------------------------------------------------
    def _open(self) -> None:
        import uvicorn

        for path in (self.cert, self.key):
            if path and not Path(path).is_file():
                raise ReceiverError(f"{self.describe()}: no file {path}")
        listener = self._bind()
        self.bound_port = listener.getsockname()[1]
        scheme = "https" if self.cert else "http"
        self._addresses = [
            f"{scheme}://{host}:{self.bound_port}/" for host in join_addresses(self.host)
        ]
        started = threading.Event()
        failure: list[BaseException] = []

        def serve() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            changes = self._changes = Changes()

            def changed() -> None:
                with contextlib.suppress(RuntimeError):  # the server has stopped
                    loop.call_soon_threadsafe(changes.bump)

            self.room.on_change = changed
            app = build_app(self.room, RateLimit(self.rate), changes, secure=bool(self.cert))
            config = uvicorn.Config(
                app,
                log_config=None,
                access_log=False,
                limit_concurrency=self.max_phones,
                timeout_keep_alive=5,
                timeout_graceful_shutdown=1,
                ssl_certfile=self.cert or None,
                ssl_keyfile=self.key or None,
                lifespan="off",
            )
            server = uvicorn.Server(config)
            self._server = server
            try:
                config.load()
                loop.call_soon(started.set)
                loop.run_until_complete(server.serve(sockets=[listener]))
            except BaseException as error:  # an unreadable certificate, a broken loop
                failure.append(error)
                started.set()
            finally:
                listener.close()
                loop.close()

        self._thread = background_thread(serve, "web receiver")
        self._thread.start()
        if not started.wait(START_TIMEOUT_S) or failure:
            reason = failure[0] if failure else "it did not start"
            raise ReceiverError(f"{self.describe()} cannot serve phones: {reason}")
        self.state = ReceiverState.CONNECTED

    def _bind(self) -> socket.socket:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        # proto given: asyncio sets TCP_NODELAY only on sockets that say they are TCP (a
        # reply's two writes would otherwise wait 40 ms for the phone's delayed ACK)
        listener = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            listener.bind((self.host, self.port))
            listener.listen(256)
        except OSError as error:
            listener.close()
            why = "is in use" if error.errno == errno.EADDRINUSE else f"cannot be used ({error})"
            raise ReceiverError(f"{self.host}:{self.port} {why}") from None
        listener.setblocking(False)
        return listener

    def _close(self) -> None:
        changes, loop = self._changes, self._loop
        if changes is not None and loop is not None and not loop.is_closed():
            changes.stopping = True
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(changes.bump)
        if self._server is not None:
            self._server.should_exit = True  # type: ignore[attr-defined]
        if self._thread is not None:
            self._thread.join(5.0)
        self._server = self._thread = None

    def _read(self, wait: float) -> list[RawPacket]:
        return self.room.take_packets(wait)

    def _open_poll(self) -> None:
        self.room.open_poll()

    def _close_poll(self) -> None:
        self.room.close_poll()

    def _proven(self) -> bool:
        return True
