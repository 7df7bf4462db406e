"""``replay://FILE?speed=N``: play a capture back through the same pipeline.

Like a receiver, it sends a poll's packets when a poll opens: each poll
recorded in the file (from its ``poll-open`` to its ``poll-close``) plays on the
next ``open_poll``. Times are divided by ``speed`` (``speed=max`` plays at
once); packets keep their recorded spacing in ``host_time`` so that duplicate
detection sees the room as it was. A recorded unplug (``gone`` … ``back``) is
played as a receiver that goes away and comes back.
"""

from __future__ import annotations

import time
from collections import deque
from pathlib import Path

from drivers.base import Receiver
from drivers.capture import CapturedPacket, CaptureEvent, read_capture
from drivers.errors import DeviceGone, NoSuchDevice, ReceiverEnded, ReceiverError, ReceiverUrlError
from drivers.packets import RawPacket
from drivers.url import ReceiverUrl

Entry = CapturedPacket | CaptureEvent


def split_polls(entries: list[Entry]) -> list[list[Entry]]:
    """The entries of each recorded poll, times made relative to its opening."""
    polls: list[list[Entry]] = []
    current: list[Entry] | None = None
    opened_at = 0.0
    for entry in entries:
        if isinstance(entry, CaptureEvent) and entry.name == "poll-open":
            current, opened_at = [], entry.t
            polls.append(current)
        elif isinstance(entry, CaptureEvent) and entry.name == "poll-close":
            current = None
        elif current is not None:
            current.append(_shift(entry, -opened_at))
    for poll in polls:
        poll.sort(key=lambda entry: entry.t)  # stable: file order breaks ties
    return polls


def _shift(entry: Entry, by: float) -> Entry:
    if isinstance(entry, CaptureEvent):
        return CaptureEvent(entry.t + by, entry.name)
    return CapturedPacket(entry.t + by, entry.packet)


class ReplayReceiver(Receiver):
    scheme = "replay"

    def __init__(self, url: ReceiverUrl, *, auto_reconnect: bool = True) -> None:
        super().__init__(url, auto_reconnect=auto_reconnect)
        if not url.target:
            raise ReceiverUrlError(f"{url.text}: expected replay://<capture file>")
        self.path = Path(url.target)
        speed = url.param("speed", "1")
        try:
            self.speed = float("inf") if speed == "max" else float(speed)
        except ValueError:
            raise ReceiverUrlError(f"{url.text}: speed must be a number or max") from None
        if self.speed <= 0:
            raise ReceiverUrlError(f"{url.text}: speed must be above 0")
        self.polls: list[list[Entry]] = []
        self._next_poll = 0
        self._queue: deque[tuple[float, Entry]] = deque()
        self._poll_started = 0.0
        self._away = False

    def _open(self) -> None:
        if not self.polls:
            try:
                _, entries = read_capture(self.path)
            except ValueError as error:
                raise ReceiverError(str(error)) from error
            self.polls = split_polls(entries)
        if self._away:
            if not self._queue or self._queue[0][0] > time.monotonic():
                raise NoSuchDevice("the replayed receiver is still unplugged")
            self._queue.popleft()  # the "back" event
            self._away = False

    def _close(self) -> None:
        return None

    def _open_poll(self) -> None:
        if self._queue:
            return  # reopened after a replayed unplug: the same poll goes on
        if self._next_poll >= len(self.polls):
            return
        entries = self.polls[self._next_poll]
        self._next_poll += 1
        now = time.monotonic()
        self._poll_started = time.time()
        self._queue = deque((now + entry.t / self.speed, entry) for entry in entries)

    def _read(self, wait: float) -> list[RawPacket]:
        deadline = time.monotonic() + wait
        now = time.monotonic()
        packets: list[RawPacket] = []
        while self._queue and self._queue[0][0] <= now:
            _, entry = self._queue[0]
            if isinstance(entry, CaptureEvent):
                if entry.name == "gone":
                    if packets:
                        return packets
                    self._queue.popleft()
                    self._away = True
                    raise DeviceGone("the replayed receiver was unplugged here")
                self._queue.popleft()
                continue
            self._queue.popleft()
            packets.append(entry.packet._replace(host_time=self._poll_started + entry.t))
        if packets:
            return packets
        if not self._queue and self._next_poll >= len(self.polls):
            raise ReceiverEnded(f"{self.path} has been played to the end")
        wake = self._queue[0][0] if self._queue else deadline
        time.sleep(max(0.0, min(wake, deadline) - now))
        return []

    @property
    def round_finished(self) -> bool:
        return not self._queue
