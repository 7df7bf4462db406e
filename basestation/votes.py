"""The VoteBuffer: deduplicate retransmissions, keep the latest vote per handset,
and keep live tallies in O(1) per vote.

A copy heard again with the same answer within ``window_s`` of the last copy
(by any receiver) is a duplicate. A different answer is a new vote and replaces
the handset's previous one in the tallies. The same answer heard after the
window is a deliberate second press: accepted and stored, tallies unchanged.
Votes offered while no poll is open are late: counted, never stored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum
from typing import NamedTuple

from firmware_protocol.iclicker_air import ANSWERS

ANSWER_INDEX = {answer: index for index, answer in enumerate(ANSWERS)}
DEFAULT_WINDOW_S = 2.0


class Outcome(IntEnum):
    ACCEPTED = 0
    DUPLICATE = 1
    LATE = 2
    INVALID = 3


class Vote(NamedTuple):
    """One accepted vote: who, what, heard by which receiver, when."""

    handset: str
    answer: str
    receiver: str
    host_time: float
    receiver_time_us: int | None = None


@dataclass(frozen=True, slots=True)
class BufferSnapshot:
    """A cheap copy of the buffer's state for a UI or a summary."""

    poll_id: int | None
    is_open: bool
    counts: dict[str, int]
    voters: int
    votes: int
    heard: int
    duplicates: int
    invalid: int
    late: int

    @property
    def accounted(self) -> int:
        """Packets by fate; always equal to ``heard``."""
        return self.votes + self.duplicates + self.invalid + self.late


class VoteBuffer:
    """Deduplicating vote buffer for one poll at a time."""

    def __init__(self, window_s: float = DEFAULT_WINDOW_S,
                 on_accept: Callable[[int, Vote], None] | None = None) -> None:
        self.window_s = window_s
        self.on_accept = on_accept
        self.poll_id: int | None = None
        self.is_open = False
        self._reset()

    def _reset(self) -> None:
        self._latest: dict[str, str] = {}
        self._heard_at: dict[str, float] = {}
        self._counts = [0] * len(ANSWERS)
        self.votes = 0
        self.heard = 0
        self.duplicates = 0
        self.invalid = 0
        self.late = 0

    def open(self, poll_id: int) -> None:
        """Start a poll: empty tallies, counters at zero."""
        self._reset()
        self.poll_id = poll_id
        self.is_open = True

    def close(self) -> BufferSnapshot:
        """Stop accepting; later offers count as late for this poll."""
        self.is_open = False
        return self.snapshot()

    def offer(self, handset: str, answer: str, receiver: str, host_time: float,
              receiver_time_us: int | None = None) -> Outcome:
        """Consider one decoded packet."""
        self.heard += 1
        if not self.is_open:
            self.late += 1
            return Outcome.LATE
        index = ANSWER_INDEX.get(answer)
        if index is None:
            self.invalid += 1
            return Outcome.INVALID
        latest = self._latest
        previous = latest.get(handset)
        heard_at = self._heard_at
        if previous == answer:
            last_heard = heard_at[handset]
            heard_at[handset] = host_time
            if host_time - last_heard <= self.window_s:
                self.duplicates += 1
                return Outcome.DUPLICATE
        else:
            counts = self._counts
            if previous is not None:
                counts[ANSWER_INDEX[previous]] -= 1
            counts[index] += 1
            latest[handset] = answer
            heard_at[handset] = host_time
        self.votes += 1
        if self.on_accept is not None:
            assert self.poll_id is not None
            self.on_accept(self.poll_id, Vote(handset, answer, receiver, host_time,
                                              receiver_time_us))
        return Outcome.ACCEPTED

    def count_duplicate(self) -> None:
        """A copy that a receiver already recognised as one (e.g. a base's re-sent record)."""
        self.heard += 1
        if self.is_open:
            self.duplicates += 1
        else:
            self.late += 1

    def count_invalid(self, packets: int = 1) -> None:
        """Packets that could not be decoded at all."""
        self.heard += packets
        if self.is_open:
            self.invalid += packets
        else:
            self.late += packets

    def latest(self) -> dict[str, str]:
        """The answer that counts for each handset."""
        return dict(self._latest)

    def snapshot(self) -> BufferSnapshot:
        return BufferSnapshot(
            poll_id=self.poll_id,
            is_open=self.is_open,
            counts=dict(zip(ANSWERS, self._counts, strict=True)),
            voters=len(self._latest),
            votes=self.votes,
            heard=self.heard,
            duplicates=self.duplicates,
            invalid=self.invalid,
            late=self.late,
        )
