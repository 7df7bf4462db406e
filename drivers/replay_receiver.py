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
from bisect import bisect_left, bisect_right
from pathlib import Path
from typing import cast

from drivers.base import Receiver
from drivers.errors import DeviceGone, NoSuchDevice, ReceiverEnded, ReceiverError, ReceiverUrlError
from drivers.packets import RawPacket
from drivers.replay_polls import PlayedPoll, RecordedPoll, played, recorded_polls
from drivers.url import ReceiverUrl


class ReplayReceiver(Receiver):
    scheme = "replay"
    parameters = frozenset({"speed"})

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
        self._playing = PlayedPoll([], [], [])
        self._next_entry = 0
        """The next item of the poll playing to hand on."""
        self._away = False

    def _open(self) -> None:
        if not self.polls:
            try:
                self.polls = recorded_polls(self.path)
            except ValueError as error:
                raise ReceiverError(str(error)) from error
        if self._away:
            playing, back = self._playing, self._next_entry
            if self.round_finished or playing.due[back] > time.monotonic():
                raise NoSuchDevice("the replayed receiver is still unplugged")
            if playing.items[back] == "back":
                self._next_entry += 1
            self._away = False

    def _close(self) -> None:
        return None

    def close(self) -> None:
        """Closed for good (a replayed unplug only closes the transport): the capture's
        packets are let go at once, not when the collector finds the station's cycles."""
        super().close()
        self.polls, self._playing, self._next_entry = [], PlayedPoll([], [], []), 0

    def _open_poll(self) -> None:
        if not self.round_finished:
            return  # reopened after a replayed unplug: the same poll goes on
        if self._next_poll >= len(self.polls):
            return
        poll = self.polls[self._next_poll]
        self._next_poll += 1
        self._playing = played(poll, time.monotonic(), self.speed, time.time() - poll.opened_at)
        self._next_entry = 0

    def _read(self, wait: float) -> list[RawPacket]:
        now = time.monotonic()
        deadline = now + wait
        due, items, marks = self._playing
        start = self._next_entry
        end = bisect_right(due, now, lo=start)
        while marks and start < end:
            mark = marks[bisect_left(marks, start)] if marks[-1] >= start else end
            if mark > start or mark >= end:
                end = min(end, mark)
                break
            start = self._next_entry = mark + 1
            if items[mark] == "gone":
                self._away = True
                raise DeviceGone("the replayed receiver was unplugged here")
        if start < end:
            self._next_entry = end
            return cast(list[RawPacket], items[start:end])
        if self.round_finished and self._next_poll >= len(self.polls):
            raise ReceiverEnded(f"{self.path} has been played to the end")
        wake = deadline if self.round_finished else due[self._next_entry]
        time.sleep(max(0.0, min(wake, deadline) - now))
        return []

    @property
    def round_finished(self) -> bool:
        return self._next_entry >= len(self._playing.items)
