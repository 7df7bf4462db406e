"""The two public iSkipper firmwares as state machines, for a pseudo-terminal.

Built from the firmwares' own behaviour (``../shared/reference/receivers.md`` §1-2,
which cites their sources), not from the project's driver:

- :class:`CaptureSketch` (wizard97/iSkipper ``examples/capture``): resets when the
  port opens, prints ``Started promiscous`` about 1 s later and then every packet it
  hears as ``Captured: C (42, 80, 71, B3) \\n`` followed by an empty line, with the
  radio library's short debug lines in between. It needs no command.
- :class:`InOnePackage` (charlescao460/iSkipper-Software): resets when the port
  opens, prints its waiting prompt every 3 s and nothing else until it reads ``I``;
  then reads ``\\0``-terminated commands (``C`` starts capturing, ``c,XY`` changes
  channel); while capturing it reads single bytes and only ``s`` stops it.

A round of the class plays each time the host opens the port (capture sketch) or
starts a capture (in-one-package). Only intact packets are printed: the radio
library drops packets whose checksum fails.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from simulators.link_receiver import ScheduledRound

BOOT_S = 1.0
PROMPT_EVERY_S = 3.0
DEBUG_LINE_EVERY = 7
"""The capture sketch's radio library prints a short hex line now and then."""
ACK_LINE = b"\x06\r\n"
IDLE_MARK_LINE = b"\x05\r\n"
ISKIPPER_ID = "CDCDCDCD"
CHANNELS = {a + b for a in "ABCD" for b in "ABCD"}


@dataclass
class LineFirmware:
    """A receiver firmware that prints text lines; one round per reset or capture."""

    rounds: list[ScheduledRound]
    speed: float = 1.0
    events: list[str] = field(default_factory=list)
    """What happened, in order: ``reset``, ``got I``, ``got C``, ``vote`` … (tests read it)."""
    _outbox: bytearray = field(default_factory=bytearray)
    _queue: deque[tuple[float, bytes]] = field(default_factory=deque)
    _next_round: int = 0
    _booted_at: float | None = None

    def power_on(self, now: float) -> None:
        """Power without a host: nothing happens until the port opens (a reset)."""

    def host_opened(self, now: float) -> None:
        """Opening the port resets the board."""
        self.events.append("reset")
        self._queue.clear()
        self._booted_at = now + BOOT_S
        self._reset(now)

    def next_due(self) -> float | None:
        due = [
            t for t in (self._queue[0][0] if self._queue else None, self._timer()) if t is not None
        ]
        return min(due) if due else None

    @property
    def finished(self) -> bool:
        return self._next_round >= len(self.rounds) and not self._queue

    def transmit(self, now: float) -> bytes:
        self._tick(now)
        while self._queue and self._queue[0][0] <= now:
            self._outbox += self._queue.popleft()[1]
            self.events.append("vote")
        out = bytes(self._outbox)
        self._outbox.clear()
        return out

    def _play_next_round(self, now: float) -> None:
        if self._next_round >= len(self.rounds):
            return
        scheduled = self.rounds[self._next_round]
        self._next_round += 1
        heard = [t for t in scheduled.transmissions if self._heard(t.payload, t.intact)]
        self._queue = deque(
            (now + t.time / self.speed, self._line(index, t.handset, t.answer, t.payload))
            for index, t in enumerate(heard)
        )

    def _reset(self, now: float) -> None: ...

    def _tick(self, now: float) -> None: ...

    def _timer(self) -> float | None:
        return None

    def _heard(self, payload: bytes, intact: bool) -> bool:
        """What the firmware prints: the radio library drops packets that fail its check."""
        return intact

    def _line(self, index: int, handset: str, answer: str, payload: bytes) -> bytes:
        raise NotImplementedError


@dataclass
class CaptureSketch(LineFirmware):
    _banner_due: float | None = None

    def receive(self, data: bytes, now: float) -> None:
        """The sketch reads nothing from the host."""

    def _reset(self, now: float) -> None:
        self._banner_due = now + BOOT_S
        self._play_next_round(now + BOOT_S)

    def _tick(self, now: float) -> None:
        if self._banner_due is not None and now >= self._banner_due:
            self._outbox += b"Started promiscous\r\n"
            self._banner_due = None

    def _timer(self) -> float | None:
        return self._banner_due

    def _line(self, index: int, handset: str, answer: str, payload: bytes) -> bytes:
        pairs = ", ".join(handset[i : i + 2] for i in range(0, 8, 2))
        debug = f"{index * 37 % 256:02X}\r\n".encode() if index % DEBUG_LINE_EVERY == 3 else b""
        return debug + f"Captured: {answer} ({pairs}) \n\r\n".encode("ascii")


@dataclass
class InOnePackage(LineFirmware):
    state: str = "off"
    channel: str = "AA"
    _command: bytearray = field(default_factory=bytearray)
    _prompt_at: float | None = None

    def _reset(self, now: float) -> None:
        self.state, self._prompt_at = "waiting", now + BOOT_S
        self._command.clear()

    def receive(self, data: bytes, now: float) -> None:
        for byte in data:
            self._byte(byte, now)

    def _byte(self, byte: int, now: float) -> None:
        if self.state == "waiting" and byte == ord("I"):
            self.events.append("got I")
            self.state = "command"
            self._outbox += (
                b"Connection Established! iSkipper ID:\r\n"
                + ACK_LINE
                + ISKIPPER_ID.encode()
                + b"\r\n"
            )
            self._prompt_at = now + PROMPT_EVERY_S
        elif self.state == "capturing":
            if byte == ord("s"):  # any other byte is read and lost
                self.events.append("got s")
                self.state = "command"
                self._queue.clear()
                self._outbox += b"End Capture\r\n"
                self._prompt_at = now + PROMPT_EVERY_S
        elif self.state == "command":
            if byte == 0:
                self._run(bytes(self._command).decode("ascii", "replace"), now)
                self._command.clear()
            else:
                self._command.append(byte)

    def _run(self, command: str, now: float) -> None:
        op, _, argument = command.partition(",")
        if op == "C":
            self.events.append("got C")
            self.state = "capturing"
            self._outbox += b"Start capture\r\n" + ACK_LINE
            self._play_next_round(now)
        elif op == "c":
            self.events.append(f"got c,{argument}")
            if argument in CHANNELS:
                self.channel = argument
                changed = f"Successfully change channel to: {argument}\r\n"
                self._outbox += ACK_LINE + changed.encode("ascii")
            else:
                self._outbox += b"Illegal input Channel...\r\n\xff\r\n"

    def _tick(self, now: float) -> None:
        if self._prompt_at is None or now < self._prompt_at or self.state == "capturing":
            return
        if self.state == "waiting":
            self._outbox += b"Initialization Complete. Waiting for COM command...\r\n"
        elif self.state == "command":
            self._outbox += IDLE_MARK_LINE + b"No Running Progress, waiting for commands...\r\n"
        self._prompt_at = now + PROMPT_EVERY_S

    def _timer(self) -> float | None:
        return None if self.state == "capturing" else self._prompt_at

    def _line(self, index: int, handset: str, answer: str, payload: bytes) -> bytes:
        return f"Captured,{answer},{handset}\n".encode("ascii")
