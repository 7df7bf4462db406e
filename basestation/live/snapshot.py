"""The :class:`LiveState` a live session publishes after each turn of its worker."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sized
from dataclasses import dataclass, field
from typing import Any, Protocol

from basestation.db import Reader, StoreError
from basestation.domain import choices_of, correct_answers
from basestation.live.discussion import DiscussionSettings
from basestation.live.poll_timer import PollTimer
from basestation.live.station import Station
from basestation.poll_source import LiveState, RoundAnswers
from drivers.status import ReceiverState

log = logging.getLogger(__name__)
RATE_WINDOW_S = 2.0
RATE_EVERY_S = 1.0
PUBLISH_PERIOD_S = 1 / 11
"""A little more often than 10 Hz: a vote is on the screen within 100 ms."""
AWAY_STATES = (ReceiverState.RECONNECTING, ReceiverState.GONE)


@dataclass
class _Rate:
    """Packets per second over the last :data:`RATE_WINDOW_S`, worked out once a second:
    a figure that changed at every redraw would repaint its line at every redraw."""

    samples: list[tuple[float, int]] = field(default_factory=list)
    rate: float = 0.0

    def update(self, now: float, total: int) -> float:
        if self.samples and now - self.samples[-1][0] < RATE_EVERY_S:
            return self.rate
        self.samples.append((now, total))
        while len(self.samples) > 2 and now - self.samples[0][0] > RATE_WINDOW_S:
            self.samples.pop(0)
        first_time, first_total = self.samples[0]
        span = now - first_time
        self.rate = (total - first_total) / span if span > 0 else 0.0
        return self.rate


class Publisher:
    """When the worker publishes a state, and whom it tells. It publishes on its own
    cadence (:data:`PUBLISH_PERIOD_S`, a little above the screen's 10 Hz) and after
    every command; it ends its batch of packets at the next publication, so what it
    publishes is as old as one read, never as old as a batch. It tells the watcher
    (the screen) only when the state would paint differently, or there is news: an
    idle screen is not woken to paint the same thing again. After a quiet spell the
    first packets are published at once: the first vote after a pause is on the screen
    without waiting for the cadence."""

    def __init__(self, period_s: float = PUBLISH_PERIOD_S) -> None:
        self.period_s = period_s
        self.watcher: Callable[[], object] | None = None
        self.quiet = True
        """The last publication changed nothing on the screen."""
        self._due = float("-inf")

    def due_in(self) -> float:
        """Seconds until the next publication (0 when it is due)."""
        return max(0.0, self._due - time.monotonic())

    def gather_s(self, window_s: float) -> float:
        """How long to wait for more packets after a first one: none after a quiet spell
        (the first vote after a pause is published at once), else ``window_s`` or until
        the next publication, whichever comes first."""
        return 0.0 if self.quiet else min(window_s, self.due_in())

    def take(self, commands_ran: bool, heard: bool) -> bool:
        """Whether to publish now (``heard``: packets came in this turn)."""
        now = time.monotonic()
        if now >= self._due:  # on a steady beat: a late turn does not push the next one
            late = now - self._due < self.period_s
            self._due = self._due + self.period_s if late else now + self.period_s
            return True
        return commands_ran or (heard and self.quiet)


def tell(ready: Callable[[], object]) -> None:
    """Tell the screen its state is ready; a screen that has gone changes nothing."""
    try:
        ready()
    except RuntimeError as error:  # its event loop has closed
        log.debug("the screen was not told: %s", error)


class SessionParts(Protocol):
    """What a snapshot reads of the live session that owns it (the session passes itself,
    so this module needs no import of it)."""

    station: Station
    clock: Callable[[], float]
    timer: PollTimer
    ended: bool
    timer_closes: int
    history: str | None
    seen_before: set[str]
    discussion: DiscussionSettings

    @property
    def prepared(self) -> Sized: ...

    def rounds_of(self, question: int) -> int: ...


class SnapshotMaker:
    """Builds the states of one live session; remembers what spans turns (the packet
    rate, since when the receiver is away, the session's roster size)."""

    def __init__(self, live: SessionParts) -> None:
        self.live = live
        self._rate = _Rate()
        self._down_since: float | None = None
        self._roster: tuple[int | None, int | None] = (None, None)
        self._seen: tuple[tuple[int | None, int], int, int] = ((None, 0), 0, 0)
        """(poll, handsets seen before it), voters looked at, of them not seen before."""

    def _roster_size(self, session_id: int | None) -> int | None:
        if session_id is None:
            return None
        if self._roster[0] != session_id:
            try:
                with Reader(self.live.station.store.path) as reader:
                    self._roster = (session_id, reader.roster_size(session_id))
            except StoreError:
                self._roster = (session_id, None)
        return self._roster[1]

    def _handsets_seen(self) -> int:
        """Handsets heard this run: those of earlier rounds and this poll's new ones,
        counted as they come (a set of every handset per turn was the worker's main
        cost with a thousand voting)."""
        buffer, before = self.live.station.buffer, self.live.seen_before
        key, looked, new = self._seen
        if key != (buffer.poll_id, len(before)):
            key, looked, new = (buffer.poll_id, len(before)), 0, 0
        arrived = buffer.voters_from(looked)
        new += sum(1 for handset in arrived if handset not in before)
        self._seen = (key, looked + len(arrived), new)
        return len(before) + new

    def _receiver_down_s(self, state: ReceiverState, now: float) -> float | None:
        if state not in AWAY_STATES:
            self._down_since = None
            return None
        if self._down_since is None:
            self._down_since = now
        return now - self._down_since

    def make(self) -> LiveState:
        live = self.live
        station = live.station
        polls = station.polls
        snapshot = station.buffer.snapshot()
        question = polls.question
        poll = polls.poll or (
            polls.last_poll
            if polls.last_poll and question and polls.last_poll.question.id == question.id
            else None
        )
        receiver = station.receiver
        now = live.clock()
        receiver_state = ReceiverState.ENDED if live.ended else receiver.state
        join = receiver.join_info()
        return LiveState(
            join_address=join.addresses[0] if join and join.addresses else "",
            round_code=join.round_code if join and join.poll_open else "",
            phones=join.phones if join else 0,
            seated=polls.poll is None  # asked of the receiver only where the hint needs it
            and question is not None
            and live.rounds_of(question.number) == 1
            and (bool(live.discussion.seats) or bool(receiver.seats_told())),
            session_id=polls.session_id,
            question=question.number if question else None,
            question_text=question.text if question else None,
            round=poll.round if poll else None,
            correct=question.correct if question else None,
            poll_open=polls.poll is not None,
            rounds_of_question=live.rounds_of(question.number) if question else 0,
            counts=snapshot.counts if poll else dict.fromkeys(snapshot.counts, 0),
            voters=snapshot.voters if poll else 0,
            handsets_seen=self._handsets_seen(),
            votes=snapshot.votes,
            duplicates=snapshot.duplicates,
            invalid=snapshot.invalid,
            out_of_range=snapshot.out_of_range,
            late=snapshot.late,
            elapsed_s=live.timer.elapsed(),
            remaining_s=live.timer.remaining(),
            receiver_state=receiver_state.value,
            receiver_name=receiver.describe(),
            packets_per_s=self._rate.update(now, station.pipeline.packets),
            store_error=station.store.error,
            ended=live.ended,
            answers=station.buffer.answers,
            receivers=tuple((m.name, m.state, m.packets) for m in receiver.members())
            if receiver.members()[1:]
            else (),
            roster_size=self._roster_size(polls.session_id),
            pending_votes=station.store.pending_votes if station.store.error else 0,
            receiver_down_s=self._receiver_down_s(receiver_state, now),
            instructor=station.buffer.instructor,
            learning_remote=station.buffer.on_learned is not None,
            timer_closes=live.timer_closes,
            prepared_left=len(live.prepared),
            choice_texts=question.choice_texts if question else (),
            question_history=live.history if question else None,
        )


def stored_rounds(station: Station, question: int) -> RoundAnswers | None:
    """A question of the station's session as stored: its first and last round."""
    session_id = station.polls.session_id
    if session_id is None:
        return None
    with Reader(station.store.path) as reader:
        polls = [p for p in reader.session_polls(session_id) if p["question"] == question]
        if not polls:
            return None
        first = reader.latest_answers(polls[0]["poll"])
        second = reader.latest_answers(polls[-1]["poll"]) if len(polls) > 1 else None
    return RoundAnswers(
        question, first, second, polls[0]["correct"], choices_of(polls[0]["choices"])
    )


def polls_with_correct(station: Station) -> list[dict[str, Any]]:
    """The session's polls, each with how many of its voters chose a correct answer."""
    session_id = station.polls.session_id
    if session_id is None:
        return []
    polls = []
    with Reader(station.store.path) as reader:
        for poll in reader.session_polls(session_id):
            keys = correct_answers(poll["correct"])
            latest = reader.latest_answers(poll["poll"]) if keys else {}
            polls.append(
                {
                    **poll,
                    "voters_correct": sum(1 for answer in latest.values() if answer in keys)
                    if keys
                    else None,
                }
            )
    return polls
