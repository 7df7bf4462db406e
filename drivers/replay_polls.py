"""The polls of a capture, as the replay receiver plays them: read from a JSON or binary
capture, then each made ready to play when it opens."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import accumulate, compress, count, repeat
from operator import add, eq, itemgetter, le, sub
from pathlib import Path
from typing import Any, NamedTuple, cast

from drivers.capture.binary import PacketBlock, is_binary_capture, read_binary_blocks
from drivers.capture.json_lines import read_json_capture
from drivers.capture.records import CapturedPacket, CaptureEvent, capture_bytes, collector_paused
from drivers.packets import RawPacket

_new = tuple.__new__
_time_of = itemgetter(0)


class RecordedPoll(NamedTuple):
    """One recorded poll, from its ``poll-open`` to its ``poll-close``, in file order."""

    opened_at: float
    columns: tuple[list[Any], ...]
    """The packets as columns, in the order of :class:`RawPacket`'s fields; the host
    times are the recorded times."""
    events: list[tuple[int, float, str]]
    """"gone" and "back" (the receiver unplugged and back): how many packets came before
    each, its time, its name."""


def recorded_polls(path: Path) -> list[RecordedPoll]:
    """Every poll of the capture at ``path``; :class:`~drivers.capture.CaptureError` if it
    cannot be read."""
    data = capture_bytes(path)
    builder = _PollBuilder()
    with collector_paused():
        if is_binary_capture(data):
            for block in read_binary_blocks(path, data)[1]:
                if type(block) is PacketBlock:
                    builder.block(block)
                else:
                    builder.event(cast(CaptureEvent, block))
        else:
            for entry in read_json_capture(path, data)[1]:
                if type(entry) is CapturedPacket:
                    builder.pending.append(entry.packet)
                else:
                    builder.event(cast(CaptureEvent, entry))
        builder.event(None)
    return builder.polls


class _PollBuilder:
    def __init__(self) -> None:
        self.polls: list[RecordedPoll] = []
        self.columns: tuple[list[Any], ...] | None = None
        """The columns of the poll being read, if any."""
        self.pending: list[RawPacket] = []
        """Packets of JSON lines, put into the columns at the next event."""

    def block(self, block: PacketBlock) -> None:
        if self.columns is not None:
            for column, values in zip(self.columns, block, strict=True):
                column.extend(values)

    def event(self, event: CaptureEvent | None) -> None:
        """The next event, or None at the end of the file."""
        if self.pending:
            pending, self.pending = self.pending, []
            self.block(cast(PacketBlock, tuple(zip(*pending, strict=True))))
        if event is None:
            return
        if event.name == "poll-open":
            self.columns = tuple([] for _ in RawPacket._fields)
            self.polls.append(RecordedPoll(event.t, self.columns, []))
        elif event.name == "poll-close":
            self.columns = None
        elif self.columns is not None:
            self.polls[-1].events.append((len(self.columns[0]), event.t, event.name))


class PlayedPoll(NamedTuple):
    """A recorded poll ready to play: what a read hands on, and when each is due."""

    due: list[float]
    """On the monotonic clock, one per item."""
    items: list[RawPacket | str]
    """Packets with their replayed host times (copies right after themselves collapsed
    into one, as a receiver hands them on), and the events "gone" and "back"."""
    marks: list[int]
    """Where the events sit in ``items``, in order."""


def played(poll: RecordedPoll, now: float, speed: float, host_offset: float) -> PlayedPoll:
    """``poll`` as it plays from ``now``, in time order (file order breaks ties); recorded
    times plus ``host_offset`` become host times. A poll recorded in time order with no
    unplug in it is built in C, column by column."""
    times = poll.columns[3]
    with collector_paused():
        if poll.events or not all(map(le, times, times[1:])):
            return _played_one_by_one(_in_time_order(poll), poll.opened_at, now, speed, host_offset)
        return _played_by_columns(poll, now, speed, host_offset)


def _played_by_columns(
    poll: RecordedPoll, now: float, speed: float, host_offset: float
) -> PlayedPoll:
    kinds, payloads, receivers, times, clocks, rssis, seqs, copies = poll.columns
    # a copy right after itself (the same bytes, receiver, time and sequence) is handed on
    # with it as one packet; only the few with the bytes of the one before are compared
    copies_at = [
        i
        for i in compress(count(1), map(eq, payloads[1:], payloads))
        if (kinds[i], receivers[i], times[i], seqs[i])
        == (kinds[i - 1], receivers[i - 1], times[i - 1], seqs[i - 1])
    ]
    if copies_at:
        gone = set(copies_at)
        starts = [i for i in range(len(kinds)) if i not in gone]
        totals = list(accumulate(copies, initial=0))
        ends = [*starts[1:], len(kinds)]
        copies = list(map(sub, map(totals.__getitem__, ends), map(totals.__getitem__, starts)))
        kinds, payloads, receivers, times, clocks, rssis, seqs = (
            _picked(column, starts)
            for column in (kinds, payloads, receivers, times, clocks, rssis, seqs)
        )
    hosts = map(add, times, repeat(host_offset))
    items: list[RawPacket | str] = list(
        map(
            _new,
            repeat(RawPacket),
            zip(kinds, payloads, receivers, hosts, clocks, rssis, seqs, copies, strict=True),
        )
    )
    if speed == float("inf"):
        return PlayedPoll([now] * len(items), items, [])
    opened_at = poll.opened_at
    return PlayedPoll([now + (t - opened_at) / speed for t in times], items, [])


def _in_time_order(poll: RecordedPoll) -> list[tuple[float, RawPacket | str]]:
    packets = map(_new, repeat(RawPacket), zip(*poll.columns, strict=True))
    entries: list[tuple[float, RawPacket | str]] = list(zip(poll.columns[3], packets, strict=True))
    for position, t, name in reversed(poll.events):
        entries.insert(position, (t, name))
    entries.sort(key=_time_of)  # stable
    return entries


def _picked(column: Sequence[Any], indexes: Iterable[int]) -> list[Any]:
    return list(map(column.__getitem__, indexes))


def _played_one_by_one(
    entries: list[tuple[float, RawPacket | str]],
    opened_at: float,
    now: float,
    speed: float,
    host_offset: float,
) -> PlayedPoll:
    due: list[float] = []
    items: list[RawPacket | str] = []
    marks: list[int] = []
    kept_key: tuple[object, ...] = ()
    for t, item in entries:
        if isinstance(item, str):
            marks.append(len(items))
            items.append(item)
            due.append(now + (t - opened_at) / speed)
            kept_key = ()
            continue
        key = (item.kind, item.payload, item.receiver, t, item.base_seq)
        if key == kept_key:  # a copy right after itself: handed on as one packet
            last = cast(RawPacket, items[-1])
            items[-1] = last._replace(copies=last.copies + item.copies)
            continue
        kept_key = key
        items.append(item._replace(host_time=t + host_offset))
        due.append(now + (t - opened_at) / speed)
    return PlayedPoll(due, items, marks)
