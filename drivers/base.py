"""The :class:`Receiver` base class: the public behaviour every driver shares.

It owns opening, closing, the read loop and its deadline, reconnecting after the
device goes away, translating OS errors into the project's own, and remembering
whether a poll is open so that a reconnected device is put back into the same
state (python-can's ``recv`` / ``_recv_internal`` split). A driver implements only
the small device-specific steps (``_open``, ``_close``, ``_read``, ``_open_poll``,
``_close_poll``).
"""

from __future__ import annotations

import logging
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import ClassVar

from drivers.errors import DeviceGone, ReceiverEnded, ReceiverError
from drivers.packets import RawPacket, packets_heard
from drivers.status import OPEN_STATES, JoinInfo, MemberStatus, ReceiverState
from drivers.url import ReceiverUrl

log = logging.getLogger(__name__)


class Receiver(ABC):
    """A source of :class:`RawPacket` objects."""

    scheme: ClassVar[str] = ""
    reconnect_interval_s: ClassVar[float] = 0.25
    answer_timeout_s: ClassVar[float] = 3.0
    parameters: ClassVar[frozenset[str]] = frozenset()
    """The URL parameters this driver understands; any other is refused by name."""

    @classmethod
    def accepted_parameters(cls, url: ReceiverUrl) -> frozenset[str]:
        """:attr:`parameters`, or more where the URL itself says so (a pyserial URL's
        own options, a USB backend's)."""
        return cls.parameters

    def __init__(self, url: ReceiverUrl, *, auto_reconnect: bool = True) -> None:
        self.url = url
        self.auto_reconnect = auto_reconnect
        self.state = ReceiverState.CLOSED
        self.reconnects = 0
        self.last_error: str = ""
        self.instructor: str | None = None
        self._poll_open = False
        self._next_reconnect_at = 0.0
        self._opened_at = 0.0
        self._notices: list[str] = []
        self.packets_read = 0

    # -- public behaviour -------------------------------------------------
    def open(self) -> None:
        """Open the device; raises NoSuchDevice, PermissionDenied or ReceiverError.
        The receiver is CONNECTED once it has proven itself, CHECKING until then."""
        self._open()
        self._opened()

    def close(self) -> None:
        if self.state in (*OPEN_STATES, ReceiverState.ENDED):
            self._close_quietly()
        self.state = ReceiverState.CLOSED

    def read(self, timeout: float) -> list[RawPacket]:
        """Packets heard within ``timeout`` seconds (maybe none).

        While the device is away this returns [] and retries in the background
        of successive calls; raises :class:`ReceiverEnded` when a finite source
        is exhausted and :class:`DeviceGone` only if ``auto_reconnect`` is off.
        """
        if self.state is ReceiverState.CLOSED:
            raise ReceiverError("the receiver is not open")
        if self.state is ReceiverState.ENDED:
            raise ReceiverEnded(f"{self.describe()} has ended")
        if self.state not in OPEN_STATES and not self._try_reconnect():
            time.sleep(min(timeout, self.reconnect_interval_s))
            return []
        deadline = time.monotonic() + timeout
        try:
            while True:
                packets = self._read(max(0.0, deadline - time.monotonic()))
                if self.state is not ReceiverState.CONNECTED:
                    self._check_answer()
                if packets or time.monotonic() >= deadline:
                    self.packets_read += packets_heard(packets)
                    return packets
        except DeviceGone as error:
            self._lost(error)
            return []
        except OSError as error:
            self._lost(DeviceGone(f"{self.describe()} stopped answering: {error}"))
            return []
        except ReceiverEnded:
            self.state = ReceiverState.ENDED
            raise

    def open_poll(self) -> None:
        """Tell the device a poll is open (kept across reconnects)."""
        self._poll_open = True
        self._command(self._open_poll)

    def close_poll(self) -> None:
        self._poll_open = False
        self._command(self._close_poll)

    def set_channel(self, channel: str) -> None:
        """Tune to a two-letter channel (AA..DD)."""
        channel = channel.upper()
        if len(channel) != 2 or any(letter not in "ABCD" for letter in channel):
            raise ReceiverError(f"channel {channel!r} is not one of AA..DD")
        self._command(lambda: self._set_channel(channel))

    def turningpoint_only(self) -> bool:
        """Every handset it hears is a TurningPoint ResponseCard (ten keys, A-J)."""
        return False

    def question_opened(self, key: str | None) -> None:
        """The poll about to open has this key (None: none set). A real receiver has no
        use for it; a simulated class answers with it."""
        return None

    def question_shown(self, text: str | None, answers: tuple[str, ...]) -> None:
        """The question about to be polled (phones show it; a radio ignores it)."""
        return None

    def handset_pressed(self, handset: str, answer: str) -> None:
        """A vote accepted from any receiver (a phone pairing with a clicker waits)."""
        return None

    def seats_told(self) -> dict[str, str]:
        """Handset -> the seat its student typed (phones ask once a session)."""
        return {}

    def groups_formed(self, partners: Mapping[str, tuple[str, ...]]) -> None:
        """After vote 1: each handset's discussion partners, by seat (a phone shows them);
        an empty mapping when the discussion is over."""
        return None

    def parts(self) -> list[Receiver]:
        """The receivers this one reads: itself, or a group's members."""
        return [self]

    def join_info(self) -> JoinInfo | None:
        """How phones join, for a receiver that serves them (None for the others)."""
        return None

    def set_instructor(self, handset: str) -> None:
        """Tell the receiver which handset is the instructor's remote (bases that know
        about remotes treat its presses specially; others need not be told). Before
        :meth:`open`, it is part of opening."""
        self.instructor = handset
        self._command(lambda: self._set_instructor(handset))

    @property
    def poll_open(self) -> bool:
        return self._poll_open

    def take_notices(self) -> list[str]:
        """What the user should be told about this receiver since the last call (it does
        not acknowledge handsets, it does not answer, …)."""
        notices, self._notices = [*self._notices, *self._device_notices()], []
        return notices

    def expected_answer(self) -> str:
        """What this receiver proves itself with (for the "no answer" message)."""
        return "a first message"

    @property
    def round_finished(self) -> bool:
        """A scripted source (a simulator, a capture) has sent all of the round its open
        poll started; a real receiver never knows, so False."""
        return False

    def members(self) -> list[MemberStatus]:
        """Each physical receiver behind this one (itself, unless it is a group)."""
        return [MemberStatus(self.describe(), self.state.value, self.packets_read, self.last_error)]

    def describe(self) -> str:
        return self.url.text or self.scheme

    def stats(self) -> dict[str, int]:
        """Counters of what the link dropped, for the operator and the store."""
        return {}

    def __enter__(self) -> Receiver:
        self.open()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    # -- device-specific steps ---------------------------------------------
    @abstractmethod
    def _open(self) -> None: ...

    @abstractmethod
    def _close(self) -> None: ...

    @abstractmethod
    def _read(self, wait: float) -> list[RawPacket]:
        """What the device has handed on, waiting at most about ``wait`` seconds (it may
        return [] sooner: :meth:`read` calls again until its deadline); with ``wait``
        0, what is there already, without blocking (the dashboard's worker takes the
        rest of a burst so). Raises DeviceGone (or an OSError) when the device went
        away, ReceiverEnded when a finite source is exhausted."""

    def _open_poll(self) -> None:
        """Most receivers forward everything they hear; those that need a command override."""
        return None

    def _close_poll(self) -> None:
        """See :meth:`_open_poll`."""
        return None

    def _set_channel(self, channel: str) -> None:
        """Receivers without channels ignore it."""
        return None

    def _set_instructor(self, handset: str) -> None:
        """Receivers without a notion of a remote ignore it."""
        return None

    def _proven(self) -> bool:
        """Whether what the device sent so far shows it is this kind of receiver."""
        return True

    def _device_notices(self) -> list[str]:
        return []

    # -- proving itself --------------------------------------------------------
    def _opened(self) -> None:
        self._opened_at = time.monotonic()
        self.state = ReceiverState.CHECKING
        self._check_answer()

    def _check_answer(self) -> None:
        if self._proven():
            if self.state is ReceiverState.SILENT:
                log.warning("%s answers now", self.describe())
            self.state = ReceiverState.CONNECTED
        elif (
            self.state is ReceiverState.CHECKING
            and time.monotonic() - self._opened_at >= self.answer_timeout_s
        ):
            self.state = ReceiverState.SILENT
            self.last_error = (
                f"no receiver answers on {self.describe()}: is it the right "
                f"protocol? (expected {self.expected_answer()} within "
                f"{self.answer_timeout_s:g} s)"
            )
            self._notices.append(self.last_error)

    # -- reconnecting --------------------------------------------------------
    def _command(self, step: Callable[[], None]) -> None:
        if self.state not in OPEN_STATES:
            return  # replayed by _try_reconnect
        try:
            step()
        except DeviceGone as error:
            self._lost(error)

    def _lost(self, error: DeviceGone) -> None:
        self.last_error = str(error)
        self._close_quietly()
        if not self.auto_reconnect:
            self.state = ReceiverState.GONE
            raise error
        log.warning("%s went away (%s); reconnecting", self.describe(), error)
        self.state = ReceiverState.RECONNECTING
        self._next_reconnect_at = 0.0

    def _try_reconnect(self) -> bool:
        now = time.monotonic()
        if now < self._next_reconnect_at:
            return False
        self._next_reconnect_at = now + self.reconnect_interval_s
        try:
            self._open()
            if self._poll_open:
                self._open_poll()
        except ReceiverError as error:
            self.last_error = str(error)
            self._close_quietly()
            return False
        self._opened()
        self.reconnects += 1
        log.warning("%s is back", self.describe())
        return True

    def _close_quietly(self) -> None:
        try:
            self._close()
        except (ReceiverError, OSError) as error:
            log.debug("closing %s: %s", self.describe(), error)
