"""A serial receiver running our link v1 firmware, as a pure state machine.

Host bytes go in with :meth:`receive`; :meth:`transmit` returns the bytes the
receiver sends up to a given time. A round of the class script plays each time
the host opens a poll, so nothing is sent before anybody listens. The same
emulator backs the pseudo-terminal simulator and the in-process ``sim://``
receiver.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field, replace

from firmware_protocol.link import FrameType, LinkDecoder, encode_frame
from firmware_protocol.link_messages import (
    PROTOCOL_VERSION,
    RADIO_ICLICKER,
    RADIO_TURNINGPOINT,
    Hello,
    RadioPacket,
    Reply,
    Status,
)
from simulators.radio import Transmission, payload_for

FIRMWARE_VERSION = (1, 0, 0)
STATUS_INTERVAL_S = 1.0
RESULT_OK = 0
RESULT_BAD_COMMAND = 1
RESULT_NO_ROUND = 2
VALID_CHANNEL_LETTERS = "ABCD"
RADIO_CODES = {"iclicker": RADIO_ICLICKER, "turningpoint": RADIO_TURNINGPOINT}
"""HELLO's radio byte (1 = iClicker 900 MHz, 2 = TurningPoint 2.4 GHz)."""


@dataclass
class ScheduledRound:
    """A round's transmissions, with times in class seconds from the poll opening."""

    question: int
    round: int
    correct: str
    transmissions: list[Transmission]


@dataclass
class LinkReceiverEmulator:
    """Speaks link v1 like our receiver firmware. ``speed`` divides class time."""

    rounds: list[ScheduledRound]
    receiver_id: int = 0x0000BA5E
    channel: str = "AA"
    speed: float = 1.0
    rssi: int = -55
    radio: int = RADIO_ICLICKER
    _decoder: LinkDecoder = field(default_factory=LinkDecoder)
    _outbox: bytearray = field(default_factory=bytearray)
    _queue: deque[tuple[float, bytes]] = field(default_factory=deque)
    _next_round: int = 0
    _seq: int = 0
    _started_at: float | None = None
    _next_status_at: float = 0.0
    _heard: int = 0
    _poll_open: bool = False

    @property
    def finished(self) -> bool:
        """Every round has been played and every packet of it sent."""
        return self._next_round >= len(self.rounds) and not self._queue

    @property
    def packets_sent(self) -> int:
        """Radio packets forwarded to the host so far."""
        return self._heard

    def power_on(self, now: float) -> None:
        self._started_at = now
        self._next_status_at = now + STATUS_INTERVAL_S
        self._send(FrameType.HELLO, self._hello().encode())

    def receive(self, data: bytes, now: float) -> None:
        """Handle host commands."""
        if self._started_at is None:
            self.power_on(now)
        for frame in self._decoder.feed(data):
            self._handle(frame.type, frame.seq, frame.body, now)

    def transmit(self, now: float) -> bytes:
        """Everything sent up to ``now``."""
        if self._started_at is None:
            self.power_on(now)
        queue = self._queue
        while queue and queue[0][0] <= now:
            _, payload = queue.popleft()
            self._heard += 1
            clock_us = int((now - (self._started_at or now)) * 1e6)
            self._send(FrameType.RADIO_PACKET, RadioPacket(clock_us, self.rssi, payload).encode())
        if now >= self._next_status_at:
            self._next_status_at = now + STATUS_INTERVAL_S
            uptime_ms = int((now - (self._started_at or now)) * 1000) & 0xFFFFFFFF
            self._send(FrameType.STATUS, Status(uptime_ms, self._heard, 0).encode())
        out = bytes(self._outbox)
        self._outbox.clear()
        return out

    def press(self, payload: bytes, now: float) -> None:
        """A handset pressed outside the class script (the instructor's remote): heard
        at once, poll open or not, as a real receiver forwards every packet."""
        queue, index = self._queue, 0
        while index < len(queue) and queue[index][0] <= now:  # in order with what is due
            index += 1
        queue.insert(index, (now, payload))

    def answer_with(self, key: str | None, radio: str) -> None:
        """The next round's presses as if its right answer were ``key``: the script's
        right answer and ``key`` trade places (copies garbled on the air stay as they
        were: they are no answer). Nothing changes without a key, or with the script's."""
        if self._poll_open or self._next_round >= len(self.rounds):
            return
        scheduled = self.rounds[self._next_round]
        scripted = scheduled.correct
        if key is None or key == scripted or key not in {t.answer for t in scheduled.transmissions}:
            return
        swap = {scripted: key, key: scripted}
        self.rounds[self._next_round] = replace(
            scheduled,
            correct=key,
            transmissions=[
                t
                if not t.intact or t.answer not in swap
                else replace(
                    t, answer=swap[t.answer], payload=payload_for(radio, t.handset, swap[t.answer])
                )
                for t in scheduled.transmissions
            ],
        )

    def next_due(self) -> float | None:
        """When the next radio packet is due, if any is scheduled."""
        return self._queue[0][0] if self._queue else None

    def _handle(self, frame_type: int, seq: int, body: bytes, now: float) -> None:
        if frame_type == FrameType.OPEN_POLL:
            self._open_round(seq, now)
        elif frame_type == FrameType.CLOSE_POLL:
            self._poll_open = False
            self._queue.clear()
            self._reply(seq, RESULT_OK)
        elif frame_type == FrameType.SET_CHANNEL:
            channel = body.decode("ascii", errors="replace")
            if len(channel) == 2 and all(c in VALID_CHANNEL_LETTERS for c in channel):
                self.channel = channel
                self._reply(seq, RESULT_OK)
            else:
                self._reply(seq, RESULT_BAD_COMMAND, f"bad channel {channel!r}")
        elif frame_type == FrameType.PING:
            self._reply(seq, RESULT_OK)
        elif frame_type == FrameType.GET_INFO:
            self._reply(seq, RESULT_OK)
            self._send(FrameType.HELLO, self._hello().encode())
        else:
            self._reply(seq, RESULT_BAD_COMMAND, f"unknown command 0x{frame_type:02X}")

    def _open_round(self, seq: int, now: float) -> None:
        if self._poll_open:  # the host reconnected and says it again: the round goes on
            self._reply(seq, RESULT_OK, "poll already open")
            return
        self._poll_open = True
        if self._next_round >= len(self.rounds):
            self._reply(seq, RESULT_OK, "no more rounds in the class script")
            return
        scheduled = self.rounds[self._next_round]
        self._next_round += 1
        scale = 1.0 / self.speed
        self._queue = deque((now + t.time * scale, t.payload) for t in scheduled.transmissions)
        self._reply(seq, RESULT_OK, f"question {scheduled.question} round {scheduled.round}")

    def _hello(self) -> Hello:
        return Hello(PROTOCOL_VERSION, FIRMWARE_VERSION, self.receiver_id, self.radio, self.channel)

    def _reply(self, seq: int, result: int, text: str = "") -> None:
        self._send(FrameType.REPLY, Reply(seq, result, text).encode())

    def _send(self, frame_type: int, body: bytes) -> None:
        self._outbox += encode_frame(frame_type, self._seq, body)
        self._seq = (self._seq + 1) & 0xFF
