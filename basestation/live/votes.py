"""The VoteBuffer: every duplicate rule of the project, the latest vote per handset,
and live tallies in O(1) per vote.

The rules, in the order they are applied to each packet a receiver heard:

1. The instructor's remote is never a vote. A press is handed to ``on_instructor``
   unless it repeats the remote's previous press within ``window_s`` (a
   retransmission); neither is counted as heard.
2. No poll open: the packet is late (counted, never stored), unless the remote is
   being learned (:meth:`VoteBuffer.learn_instructor`): then its handset becomes
   the instructor's remote, as in rule 1.
3. An answer that is not a choice of the open question is invalid (counted); a letter
   beyond the question's choices (an F for an A-E question) is also counted apart, as
   out of range, and is never a vote for another letter.
4. A USB base's record sent again (same handset, answer and base sequence number
   as one already heard in this poll) is a duplicate.
5. The same answer as the handset's latest vote, heard within ``window_s`` of the
   last copy (from any receiver), is a duplicate; the window slides with each copy.
6. A different answer is a new vote and replaces the handset's latest vote in the
   tallies.
7. The same answer heard after the window is a deliberate second press: accepted
   and stored, tallies unchanged.

So ``heard = votes + duplicates + invalid + late`` always holds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from itertools import islice

from basestation.domain import ANSWER_LETTERS, DEFAULT_ANSWERS, Vote

DEFAULT_WINDOW_S = 2.0

__all__ = ["DEFAULT_WINDOW_S", "BufferSnapshot", "Outcome", "Vote", "VoteBuffer"]


class Outcome(IntEnum):
    ACCEPTED = 0
    DUPLICATE = 1
    LATE = 2
    INVALID = 3
    INSTRUCTOR = 4
    OUT_OF_RANGE = 5
    """Invalid: a letter, but not one of this question's choices."""


# Python 3.11 looks an enum member up through a descriptor (85 ns): the buffer, which
# answers every packet, names its outcomes once here
_ACCEPTED, _DUPLICATE, _LATE = Outcome.ACCEPTED, Outcome.DUPLICATE, Outcome.LATE
_INVALID, _INSTRUCTOR, _OUT_OF_RANGE = Outcome.INVALID, Outcome.INSTRUCTOR, Outcome.OUT_OF_RANGE
_new_tuple = tuple.__new__


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
    out_of_range: int = 0
    """Of ``invalid``: letters beyond the question's choices."""

    @property
    def accounted(self) -> int:
        """Packets by fate; always equal to ``heard``."""
        return self.votes + self.duplicates + self.invalid + self.late


class VoteBuffer:
    """Deduplicating vote buffer for one poll at a time."""

    def __init__(
        self,
        window_s: float = DEFAULT_WINDOW_S,
        *,
        keep_votes: bool = False,
        instructor: str | None = None,
        on_instructor: Callable[[str], None] | None = None,
    ) -> None:
        self.window_s = window_s
        self._kept: list[Vote] | None = [] if keep_votes else None
        self.instructor = instructor
        self.on_instructor = on_instructor
        self.poll_id: int | None = None
        self.is_open = False
        self.answers: tuple[str, ...] = DEFAULT_ANSWERS
        self._instructor_last: tuple[str, float] = ("", float("-inf"))
        self.on_learned: Callable[[str], None] | None = None
        self._reset()

    def _reset(self) -> None:
        self._index = {answer: index for index, answer in enumerate(self.answers)}
        self._latest: dict[str, str] = {}
        self._heard_at: dict[str, float] = {}
        self._records: set[tuple[str, str, int]] = set()
        self._counts = [0] * len(self.answers)
        self.votes = 0
        self.heard = 0
        self.duplicates = 0
        self.invalid = 0
        self.out_of_range = 0
        self.late = 0

    def open(self, poll_id: int, answers: Sequence[str] = DEFAULT_ANSWERS) -> None:
        """Start a poll whose question has ``answers``: empty tallies, counters at zero.
        RuntimeError if votes of the last poll were kept and not taken (they would be
        lost, or counted for this poll)."""
        if self._kept:
            raise RuntimeError(
                f"poll {self.poll_id} has {len(self._kept)} accepted votes not taken"
            )
        self.answers = tuple(answers)
        self._reset()
        self.poll_id = poll_id
        self.is_open = True

    def close(self) -> BufferSnapshot:
        """Stop accepting; later offers count as late for this poll."""
        self.is_open = False
        return self.snapshot()

    def offer(
        self,
        handset: str,
        answer: str,
        receiver: str,
        host_time: float,
        receiver_time_us: int | None = None,
        base_seq: int | None = None,
    ) -> Outcome:
        """Consider one decoded packet (the rules at the top of this module)."""
        if handset == self.instructor:
            return self._instructor_press(answer, host_time)
        self.heard += 1
        if not self.is_open:
            if self.on_learned is not None:
                return self._learn_instructor(handset, answer, host_time)
            self.late += 1
            return _LATE
        index = self._index.get(answer)
        if index is None:
            self.invalid += 1
            if answer in ANSWER_LETTERS:
                self.out_of_range += 1
                return _OUT_OF_RANGE
            return _INVALID
        if base_seq is not None:
            record = (handset, answer, base_seq)
            if record in self._records:
                self._heard_at[handset] = host_time
                self.duplicates += 1
                return _DUPLICATE
            self._records.add(record)
        latest = self._latest
        previous = latest.get(handset)
        heard_at = self._heard_at
        if previous == answer:
            last_heard = heard_at[handset]
            heard_at[handset] = host_time
            if host_time - last_heard <= self.window_s:
                self.duplicates += 1
                return _DUPLICATE
        else:
            counts = self._counts
            if previous is not None:
                counts[self._index[previous]] -= 1
            counts[index] += 1
            latest[handset] = answer
            heard_at[handset] = host_time
        self.votes += 1
        kept = self._kept
        if kept is not None:
            # tuple.__new__ skips the named tuple's Python-level constructor (as the
            # drivers do for packets): a hall's worth of votes a second go through here
            vote = (handset, answer, receiver, host_time, receiver_time_us, base_seq, self.votes)
            kept.append(_new_tuple(Vote, vote))
        return _ACCEPTED

    def take_votes(self) -> list[Vote]:
        """The votes accepted since the last call, in order, all of poll ``poll_id``;
        always empty unless the buffer keeps votes (``keep_votes``). Kept in a list, not
        handed to a callback one by one (a call per vote cost 30 ms of a replayed poll
        of 100,000 handsets)."""
        kept = self._kept
        if not kept:
            return []
        self._kept = []
        return kept

    def heard_again(self, outcome: Outcome, copies: int) -> None:
        """``copies`` more copies of the packet just offered, heard in the same read
        (the same host time): each is what a copy right after it is under the rules, a
        duplicate of a vote or of a duplicate, else late, invalid or the remote's
        repeat (never heard)."""
        if outcome is _INSTRUCTOR:
            return
        self.heard += copies
        if outcome is _ACCEPTED or outcome is _DUPLICATE:
            self.duplicates += copies
        elif outcome is _LATE:
            self.late += copies
        else:
            self.invalid += copies
            if outcome is _OUT_OF_RANGE:
                self.out_of_range += copies

    def _instructor_press(self, answer: str, host_time: float) -> Outcome:
        last_answer, last_time = self._instructor_last
        self._instructor_last = (answer, host_time)
        repeat = answer == last_answer and host_time - last_time <= self.window_s
        if not repeat and self.on_instructor is not None:
            self.on_instructor(answer)
        return _INSTRUCTOR

    def learn_instructor(self, on_learned: Callable[[str], None] | None) -> None:
        """The next handset heard while no poll is open becomes the instructor's remote
        (``on_learned`` is told its ID); None stops learning."""
        self.on_learned = on_learned

    def _learn_instructor(self, handset: str, answer: str, host_time: float) -> Outcome:
        learned, self.on_learned = self.on_learned, None
        self.heard -= 1  # a remote is never a vote: not heard for the poll either
        self.instructor = handset
        self._instructor_last = (answer, host_time)  # the learning press is no command
        if learned is not None:
            learned(handset)
        return _INSTRUCTOR

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

    @property
    def voters(self) -> int:
        """Handsets whose vote counts in this poll."""
        return len(self._latest)

    def voters_from(self, start: int) -> list[str]:
        """The handsets of this poll from the ``start``-th to vote on (in the order of
        their first vote, which a changed answer keeps): what is new since a caller last
        looked, without copying the rest."""
        return list(islice(self._latest, start, None))

    def snapshot(self) -> BufferSnapshot:
        return BufferSnapshot(
            poll_id=self.poll_id,
            is_open=self.is_open,
            counts=dict(zip(self.answers, self._counts, strict=True)),
            voters=len(self._latest),
            votes=self.votes,
            heard=self.heard,
            duplicates=self.duplicates,
            invalid=self.invalid,
            late=self.late,
            out_of_range=self.out_of_range,
        )
