"""What the Textual apps depend on: an immutable :class:`LiveState` and two small
protocols, so that the dashboard and the TA's view never see a concrete station,
store or database (harlequin and posting pass their backends in the same way)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Protocol

from basestation.domain import DEFAULT_ANSWERS
from basestation.seats import Seat


@dataclass(frozen=True)
class LiveState:
    """One moment of a poll, published by whoever runs it."""

    session_id: int | None
    question: int | None
    question_text: str | None
    round: int | None
    correct: str | None
    poll_open: bool
    rounds_of_question: int
    counts: dict[str, int]
    voters: int
    handsets_seen: int
    votes: int
    duplicates: int
    invalid: int
    late: int
    elapsed_s: float
    remaining_s: float | None
    receiver_state: str
    receiver_name: str
    packets_per_s: float
    store_error: str | None
    ended: bool
    answers: tuple[str, ...] = DEFAULT_ANSWERS
    receivers: tuple[tuple[str, str, int], ...] = ()
    """(name, state, packets handed on) of each receiver when several are read as one."""
    roster_size: int | None = None
    """Students on the session's course roster (None: no roster loaded)."""
    pending_votes: int = 0
    """Votes accepted but not in the database yet (kept in memory while it fails)."""
    receiver_down_s: float | None = None
    """How long the receiver has been lost or reconnecting (None: it is fine)."""
    instructor: str | None = None
    learning_remote: bool = False
    timer_closes: int = 0
    """How many polls the countdown has closed (a change rings the bell)."""
    prepared_left: int = 0
    """Prepared questions (``run --questions``) not opened yet."""
    choice_texts: tuple[str, ...] = ()
    """The words of each choice of a prepared question (A first)."""
    question_history: str | None = None
    """A prepared question's record from earlier uses (the question bank)."""
    out_of_range: int = 0
    """Of ``invalid``: presses beyond the question's choices (an F on an A-E question)."""
    join_address: str = ""
    """Where phones join (a web:// receiver); "" when no receiver serves phones."""
    round_code: str = ""
    """The open poll's round code, which a phone's vote must carry (projector only)."""
    phones: int = 0
    """Phones signed in with a live page or a recent request."""
    seated: bool = False
    """Seats are known once vote 1 closed, before the revote (the seating, or seats
    phones told): the next step may suggest g."""

    def as_shown(self) -> LiveState:
        """This state with its clocks in whole seconds and its rate in whole packets, as
        screens write them: two states alike here paint alike."""
        return replace(
            self,
            elapsed_s=whole_seconds(self.elapsed_s),
            remaining_s=None if self.remaining_s is None else whole_seconds(self.remaining_s),
            packets_per_s=round(self.packets_per_s),
            receiver_down_s=None
            if self.receiver_down_s is None
            else whole_seconds(self.receiver_down_s),
        )


def whole_seconds(seconds: float) -> int:
    """Seconds as clocks show them: a started second counts (2.1 s left is 3)."""
    return int(seconds + 0.999) if seconds > 0 else 0


@dataclass(frozen=True)
class RoundAnswers:
    """A question's first and last round for the comparison screen."""

    question: int
    first: dict[str, str]
    second: dict[str, str] | None
    correct: str | None
    answers: tuple[str, ...]


@dataclass(frozen=True)
class DiscussionGroups:
    """The groups of a question's vote 1 as the projector may show them: seats only."""

    question: int
    groups: tuple[tuple[Seat, ...], ...]
    seats: frozenset[Seat]
    """Every seat of the room's seating (those who did not vote stay empty on the map)."""
    unseated: int
    """Voters with no seat (they find a neighbour themselves)."""


class PollSource(Protocol):
    """Anything that can say how the current poll stands (the TA's view reads one)."""

    def state(self) -> LiveState: ...

    @property
    def label(self) -> str: ...


class LiveControl(PollSource, Protocol):
    """A poll source the instructor drives: commands are queued, never waited on."""

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def start_poll(self) -> None: ...

    def stop_poll(self) -> None: ...

    def next_question(self, text: str | None = None) -> None: ...

    def revote(self) -> None: ...

    def cycle_correct(self) -> None: ...

    def cycle_choices(self) -> int: ...

    def set_question_text(self, text: str) -> None: ...

    def adjust_countdown(self, delta_s: float) -> None: ...

    def learn_remote(self) -> None:
        """The next press of any handset while no poll is open is the instructor's."""

    def watch(self, ready: Callable[[], object]) -> None:
        """Call ``ready`` (from another thread) whenever a state that paints differently,
        or news (messages, presses), has been published."""

    def take_messages(self) -> list[str]: ...

    def take_instructor_presses(self) -> list[str]: ...

    def form_groups(self, question: int) -> DiscussionGroups | None:
        """Groups of neighbours for the discussion after ``question``'s vote 1, kept with
        its poll and told to the phones (None: no seats, or no vote 1 this run)."""

    def live_rounds(self, question: int) -> RoundAnswers | None:
        """The rounds of ``question`` played in this run (None if not polled yet)."""

    def stored_polls(self) -> list[dict[str, Any]]:
        """The session so far, one row per poll (``question``, ``round``, ``voters`` …)."""

    def stored_rounds(self, question: int) -> RoundAnswers | None:
        """A question of this session as stored."""
