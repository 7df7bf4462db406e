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
from bisect import bisect_right
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple

from drivers.base import Receiver
from drivers.capture import CapturedPacket, CaptureEvent, read_capture
from drivers.errors import DeviceGone, NoSuchDevice, ReceiverEnded, ReceiverError, ReceiverUrlError
from drivers.packets import RawPacket
from drivers.url import ReceiverUrl

Entry = CapturedPacket | CaptureEvent


class RecordedPoll(NamedTuple):
    opened_at: float
    entries: list[Entry]
    """In time order (file order breaks ties), times as recorded."""


def split_polls(entries: list[Entry]) -> list[RecordedPoll]:
    """The entries of each recorded poll, from its ``poll-open`` to its ``poll-close``."""
    polls: list[RecordedPoll] = []
    current: list[Entry] | None = None
    for entry in entries:
        if isinstance(entry, CaptureEvent) and entry.name == "poll-open":
            current = []
            polls.append(RecordedPoll(entry.t, current))
        elif isinstance(entry, CaptureEvent) and entry.name == "poll-close":
            current = None
        elif current is not None:
            current.append(entry)
    for poll in polls:
        poll.entries.sort(key=_time_of)  # stable
    return polls


_time_of = itemgetter(0)


def _replayed(packet: RawPacket, host_time: float, copies: int) -> RawPacket:
    kind, payload, receiver, _, receiver_time_us, rssi, base_seq, _ = packet
    # tuple.__new__ skips the named tuple's Python-level constructor, once per packet
    return tuple.__new__(RawPacket, (kind, payload, receiver, host_time, receiver_time_us,
                                     rssi, base_seq, copies))


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
        self.polls: list[RecordedPoll] = []
        self._next_poll = 0
        self._due: list[float] = []
        """When each entry of the poll playing is due, on the monotonic clock."""
        self._entries: list[Entry] = []
        self._next_entry = 0
        self._host_offset = 0.0
        """Added to a recorded time to give the replayed packet's host time."""
        self._away = False

    def _open(self) -> None:
        if not self.polls:
            try:
                _, entries = read_capture(self.path)
            except ValueError as error:
                raise ReceiverError(str(error)) from error
            self.polls = split_polls(entries)
        if self._away:
            if self.round_finished or self._due[self._next_entry] > time.monotonic():
                raise NoSuchDevice("the replayed receiver is still unplugged")
            self._next_entry += 1  # the "back" event
            self._away = False

    def _close(self) -> None:
        return None

    def _open_poll(self) -> None:
        if not self.round_finished:
            return  # reopened after a replayed unplug: the same poll goes on
        if self._next_poll >= len(self.polls):
            return
        opened_at, entries = self.polls[self._next_poll]
        self._next_poll += 1
        now = time.monotonic()
        self._host_offset = time.time() - opened_at
        self._entries, self._next_entry = entries, 0
        speed = self.speed
        self._due = [now + (t - opened_at) / speed for t in map(_time_of, entries)]

    def _read(self, wait: float) -> list[RawPacket]:
        deadline = time.monotonic() + wait
        now = time.monotonic()
        start = self._next_entry
        end = bisect_right(self._due, now, lo=start)
        packets: list[RawPacket] = []
        kept: RawPacket | None = None  # the packet waiting for its copies
        kept_key: tuple[object, ...] = ()
        kept_at, copies = 0.0, 0
        for index in range(start, end):
            t, item = self._entries[index]
            if isinstance(item, str):  # an event
                if item != "gone":
                    continue
                if kept is not None:
                    end = index
                    break
                self._next_entry = index + 1
                self._away = True
                raise DeviceGone("the replayed receiver was unplugged here")
            key = (item.kind, item.payload, item.receiver, t, item.base_seq)
            if key == kept_key:  # a copy right after itself: handed on as one packet
                copies += item.copies
                continue
            if kept is not None:
                packets.append(_replayed(kept, kept_at + self._host_offset, copies))
            kept, kept_key, kept_at, copies = item, key, t, item.copies
        if kept is not None:
            packets.append(_replayed(kept, kept_at + self._host_offset, copies))
        self._next_entry = end
        if packets:
            return packets
        if self.round_finished and self._next_poll >= len(self.polls):
            raise ReceiverEnded(f"{self.path} has been played to the end")
        wake = deadline if self.round_finished else self._due[self._next_entry]
        time.sleep(max(0.0, min(wake, deadline) - now))
        return []

    @property
    def round_finished(self) -> bool:
        return self._next_entry >= len(self._entries)
