"""An iClicker USB base station as a state machine: it takes 64-byte command
reports and answers with echoes and vote records, as the real base does.

A round of the class plays each time a poll starts. Newer ("pushed") bases
send two records per report by themselves and re-send some records they
already sent; older ("polled") bases keep records until the host asks for
them. After a channel change a few junk records appear. While unplugged the
base hears nothing new and answers nothing; handsets keep retransmitting, so
the votes of that time arrive after it is plugged back in.
"""

from __future__ import annotations

import random
import threading
import time
from collections import deque
from dataclasses import dataclass, field

from firmware_protocol.iclicker_base import (
    MAX_POLLED_RECORDS,
    PUSHED_VOTE,
    REPORT_BYTES,
    BaseVariant,
    VoteRecord,
    encode_polled_batch,
    encode_pushed_record,
    pad_report,
)
from simulators.iclicker_vendor_order import VendorOrder
from simulators.link_receiver import ScheduledRound

RESEND_PROBABILITY = 0.2
RESEND_DELAY_S = 0.15
JUNK_AFTER_CHANNEL_CHANGE = 3


@dataclass
class EmulatedBase:
    rounds: list[ScheduledRound]
    variant: BaseVariant = BaseVariant.PUSHED
    speed: float = 1.0
    seed: int = 0
    serial_number: str = "BASE0001"
    lcd: list[str] = field(default_factory=lambda: ["", ""])
    channel: str = "AA"
    commands: list[bytes] = field(default_factory=list)
    plugged: bool = True
    resent_records: int = 0
    """Records of the current round that the base sends a second time."""
    order: VendorOrder = field(default_factory=VendorOrder)
    """The host's commands checked against the vendor's order."""
    _reports: deque[bytes] = field(default_factory=deque)
    _schedule: deque[tuple[float, VoteRecord]] = field(default_factory=deque)
    _held: list[VoteRecord] = field(default_factory=list)
    _next_round: int = 0
    _cursor: int = 0
    _interrupted: bool = False
    _seq: int = 0
    _poll_open: bool = False
    _lock: threading.Condition = field(default_factory=threading.Condition)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    @property
    def manufacturer(self) -> str:
        return "iclicker" if self.variant is BaseVariant.PUSHED else "I-Clicker USB Base"

    @property
    def round_finished(self) -> bool:
        with self._lock:
            return not self._schedule

    # -- host -> base ---------------------------------------------------------------
    def command(self, report: bytes) -> None:
        command = bytes(report).rstrip(b"\x00") or bytes(report[:2])
        with self._lock:
            self.commands.append(command)
            self.order.take(command)
            self._reports.append(pad_report(bytes((report[0], report[1], 0xAA))))
            self._handle(command)
            self._lock.notify_all()

    def _handle(self, command: bytes) -> None:
        code = command[1] if len(command) > 1 else None
        if code == 0x11:  # start poll
            refusal = self.order.may_start()
            if refusal is not None:
                self.order.errors.append(f"poll refused: {refusal}")
            elif self._interrupted:  # back after an unplug: the handsets still retransmit
                self._interrupted = False
                self._poll_open = True
            elif not self._poll_open:
                self._start_round()
        elif code == 0x12:  # stop poll (the init sequence sends one too)
            self._poll_open = False
            if not self._interrupted:
                self._schedule.clear()
        elif code == 0x10 and len(command) >= 4:  # set channel
            self.channel = "ABCD"[command[2] - 0x21] + "ABCD"[command[3] - 0x41]
            for _ in range(JUNK_AFTER_CHANNEL_CHANGE):
                self._reports.append(
                    pad_report(
                        bytes(
                            (
                                0x02,
                                0x13,
                                self._rng.choice((0x00, 0x13, 0x7F, 0x90)),
                                *self._rng.randbytes(4),
                            )
                        )
                    )
                )
        elif code in (0x13, 0x14):
            self.lcd[code - 0x13] = command[2:18].decode("ascii", "replace").rstrip()
        elif (
            code == 0x17
            and len(command) >= 5
            and command[2] == 0x01
            and self.variant is BaseVariant.POLLED
        ):
            self._answer_poll(command[3])

    def _start_round(self) -> None:
        self._poll_open = True
        self._held = []
        self._cursor = 0
        if self._next_round >= len(self.rounds):
            return
        scheduled = self.rounds[self._next_round]
        self._next_round += 1
        now = time.monotonic()
        self._seq = 0
        self.resent_records = 0
        entries: list[tuple[float, VoteRecord]] = []
        last: dict[tuple[str, str], int] = {}
        for transmission in scheduled.transmissions:
            if not transmission.intact:
                continue  # the base checks the payload checksum itself
            key = (transmission.handset, transmission.answer)
            at = now + transmission.time / self.speed
            resends = self.variant is BaseVariant.PUSHED
            if key in last:  # a retransmission the base already took: maybe re-sent
                if resends and self._rng.random() < RESEND_PROBABILITY:
                    entries.append((at, VoteRecord(key[0], key[1], last[key])))
                    self.resent_records += 1
                continue
            self._seq = (self._seq + 1) & 0xFF
            last = {k: v for k, v in last.items() if k[0] != key[0]}
            last[key] = self._seq
            entries.append((at, VoteRecord(key[0], key[1], self._seq)))
            if resends and self._rng.random() < RESEND_PROBABILITY:
                entries.append(
                    (at + RESEND_DELAY_S / self.speed, VoteRecord(key[0], key[1], self._seq))
                )
                self.resent_records += 1
        entries.sort(key=lambda entry: entry[0])
        self._schedule = deque(entries)

    def _answer_poll(self, index: int) -> None:
        # The index is one byte: it names the next position at or after the last one asked.
        position = self._cursor + ((index - self._cursor) & 0xFF)
        self._cursor = position
        batch = self._held[position : position + MAX_POLLED_RECORDS]
        more = position + len(batch) < len(self._held)
        self._reports.append(encode_polled_batch(batch, more, position))

    # -- base -> host ---------------------------------------------------------------
    def read_report(self, timeout_s: float) -> bytes | None:
        """The next interrupt report, waiting up to ``timeout_s``."""
        deadline = time.monotonic() + timeout_s
        with self._lock:
            while True:
                self._collect(time.monotonic())
                if self._reports and self.plugged:
                    return self._reports.popleft()
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                due = self._schedule[0][0] - time.monotonic() if self._schedule else remaining
                self._lock.wait(max(0.0, min(remaining, due)))

    def _collect(self, now: float) -> None:
        if not self.plugged:
            return
        due: list[VoteRecord] = []
        while self._schedule and self._schedule[0][0] <= now:
            due.append(self._schedule.popleft()[1])
        if self.variant is BaseVariant.POLLED:
            self._held += due
            return
        for start in range(0, len(due), 2):
            pair = b"".join(encode_pushed_record(r) for r in due[start : start + 2])
            self._reports.append(pair.ljust(REPORT_BYTES, b"\x00"))

    # -- the cable ------------------------------------------------------------------
    def unplug(self) -> None:
        with self._lock:
            self.plugged = False
            self._interrupted = self._poll_open
            self.order = VendorOrder(errors=self.order.errors)  # powered off: opened anew
            # votes the host had not read yet were never acknowledged: their handsets send
            # them again, so they still arrive after the replug; echoes are gone for good
            self._reports = deque(r for r in self._reports if r[:2] == bytes(PUSHED_VOTE))
            self._lock.notify_all()

    def replug(self) -> None:
        with self._lock:
            self.plugged = True
            self._lock.notify_all()
