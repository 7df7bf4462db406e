"""A station running in a worker thread, driven by small commands, read by snapshots.

The dashboard never touches the receiver or the store itself: it queues
commands (start, stop, next question, revote, set the correct answer) that the
worker runs between reads, and it reads the immutable :class:`LiveState` the
worker publishes after every turn. :class:`LiveSession` is the
:class:`~basestation.poll_source.LiveControl` the dashboard is given.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from basestation.db import Reader, StoreError
from basestation.domain import choices_of
from basestation.poll_source import LiveState, RoundAnswers
from basestation.polls import PollStateError
from basestation.station import Station
from drivers.base import ReceiverState
from drivers.errors import ReceiverError

log = logging.getLogger(__name__)
READ_TIMEOUT_S = 0.02
RATE_WINDOW_S = 2.0


@dataclass
class _Rate:
    samples: list[tuple[float, int]] = field(default_factory=list)

    def update(self, now: float, total: int) -> float:
        self.samples.append((now, total))
        while len(self.samples) > 2 and now - self.samples[0][0] > RATE_WINDOW_S:
            self.samples.pop(0)
        first_time, first_total = self.samples[0]
        span = now - first_time
        return (total - first_total) / span if span > 0 else 0.0


class LiveSession:
    """Owns the station's thread. ``clock`` is injectable for reproducible screens."""

    def __init__(self, station: Station, *, clock: Callable[[], float] = time.monotonic,
                 countdown_s: float | None = None) -> None:
        self.station = station
        self.clock = clock
        self.countdown_s = countdown_s
        self.messages: queue.SimpleQueue[str] = queue.SimpleQueue()
        self.instructor_presses: queue.SimpleQueue[str] = queue.SimpleQueue()
        self.round_answers: dict[tuple[int, int], dict[str, str]] = {}
        self._commands: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._opened_at: float | None = None
        self._closed_elapsed = 0.0
        self._rate = _Rate()
        self.ended = False
        self._seen_before: set[str] = set()
        station.buffer.on_instructor = self.instructor_presses.put
        self._published = self._compute_state()

    @property
    def label(self) -> str:
        return self.station.receiver.describe()

    # -- lifecycle ------------------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="live-session", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the worker; close an open poll so that it is stored closed."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self._run_commands()
        try:
            if self.station.polls.poll is not None:
                self._close_poll()
            self.station.polls.finish()
        except (PollStateError, StoreError) as error:
            log.error("closing the poll on exit: %s", error)
        self._published = self._compute_state()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.step()

    def step(self) -> None:
        """One turn of the worker: queued commands, one read, then a fresh snapshot."""
        self._run_commands()
        self._read_once()
        for notice in self.station.take_notices():
            self.messages.put(notice)
        if (self.countdown_s is not None and self.station.polls.poll is not None
                and self._elapsed() >= self.countdown_s):
            self._close_poll()
        self._published = self._compute_state()

    def _read_once(self) -> None:
        if self.ended:
            time.sleep(READ_TIMEOUT_S)
            return
        try:
            if not self.station.pump(READ_TIMEOUT_S):
                self.ended = True
                self.messages.put("the receiver has no more data")
        except ReceiverError as error:
            self.messages.put(str(error))
            time.sleep(READ_TIMEOUT_S)

    def _run_commands(self) -> None:
        while True:
            try:
                command = self._commands.get_nowait()
            except queue.Empty:
                return
            try:
                command()
            except (PollStateError, StoreError, ReceiverError) as error:
                self.messages.put(str(error))

    # -- commands (queued, run by the worker) -----------------------------------
    def submit(self, command: Callable[[], None]) -> None:
        self._commands.put(command)

    def start_poll(self) -> None:
        self.submit(self._open_poll)

    def stop_poll(self) -> None:
        self.submit(self._close_poll)

    def next_question(self, text: str | None = None) -> None:
        self.submit(lambda: self._next_question(text))

    def revote(self) -> None:
        self.submit(self._revote)

    def set_correct(self, answer: str | None) -> None:
        self.submit(lambda: self.station.polls.set_correct(answer))

    def cycle_correct(self) -> None:
        """Mark the next answer correct (none, A, B, … E, none); each press counts."""
        self.submit(self._cycle_correct)

    def _cycle_correct(self) -> None:
        question = self.station.polls.question
        if question is None:
            raise PollStateError("there is no question to set a key for")
        cycle: list[str | None] = [None, *question.spec.answers]
        current = question.correct if question.correct in cycle else None
        self.station.polls.set_correct(cycle[(cycle.index(current) + 1) % len(cycle)])

    def _open_poll(self) -> None:
        if self.station.polls.question is None:
            self.station.polls.add_question()
        self.station.open_poll()
        self._opened_at = self.clock()

    def _revote(self) -> None:
        self.station.revote()
        self._opened_at = self.clock()

    def _close_poll(self) -> None:
        poll = self.station.polls.poll
        if poll is None:
            raise PollStateError("no poll is open")
        self._closed_elapsed = self._elapsed()
        answers = self.station.buffer.latest()
        self.station.close_poll()
        self.round_answers[(poll.question.number, poll.round)] = answers
        self._seen_before |= answers.keys()
        self._opened_at = None

    def _next_question(self, text: str | None) -> None:
        self.station.polls.add_question(text)
        self._closed_elapsed = 0.0

    # -- reading ----------------------------------------------------------------
    def _elapsed(self) -> float:
        if self._opened_at is None:
            return self._closed_elapsed
        return max(0.0, self.clock() - self._opened_at)

    def rounds_of(self, question: int) -> int:
        return sum(1 for number, _ in self.round_answers if number == question)

    def state(self) -> LiveState:
        """The snapshot the worker published last (cheap; safe from any thread)."""
        return self._published

    def take_messages(self) -> list[str]:
        return _drain(self.messages)

    def take_instructor_presses(self) -> list[str]:
        return _drain(self.instructor_presses)

    def live_rounds(self, question: int) -> RoundAnswers | None:
        rounds = sorted(r for q, r in self.round_answers if q == question)
        if not rounds:
            return None
        state = self._published
        first = self.round_answers[(question, rounds[0])]
        second = self.round_answers[(question, rounds[-1])] if len(rounds) > 1 else None
        correct = state.correct if state.question == question else None
        return RoundAnswers(question, first, second, correct, state.answers)

    def stored_polls(self) -> list[dict[str, Any]]:
        session_id = self.station.polls.session_id
        if session_id is None:
            return []
        with Reader(self.station.store.path) as reader:
            return reader.session_polls(session_id)

    def stored_rounds(self, question: int) -> RoundAnswers | None:
        session_id = self.station.polls.session_id
        if session_id is None:
            return None
        with Reader(self.station.store.path) as reader:
            polls = [p for p in reader.session_polls(session_id) if p["question"] == question]
            if not polls:
                return None
            first = reader.latest_answers(polls[0]["poll"])
            second = reader.latest_answers(polls[-1]["poll"]) if len(polls) > 1 else None
        return RoundAnswers(question, first, second, polls[0]["correct"],
                            choices_of(polls[0]["choices"]))

    def _compute_state(self) -> LiveState:
        station = self.station
        polls = station.polls
        snapshot = station.buffer.snapshot()
        question = polls.question
        poll = polls.poll or (polls.last_poll if polls.last_poll and question and
                              polls.last_poll.question.id == question.id else None)
        elapsed = self._elapsed()
        remaining = None
        if self.countdown_s is not None and polls.poll is not None:
            remaining = max(0.0, self.countdown_s - elapsed)
        receiver = station.receiver
        return LiveState(
            session_id=polls.session_id,
            question=question.number if question else None,
            question_text=question.text if question else None,
            round=poll.round if poll else None,
            correct=question.correct if question else None,
            poll_open=polls.poll is not None,
            rounds_of_question=self.rounds_of(question.number) if question else 0,
            counts=snapshot.counts if poll else dict.fromkeys(snapshot.counts, 0),
            voters=snapshot.voters if poll else 0,
            handsets_seen=len(self._seen_before | station.buffer.latest().keys()),
            votes=snapshot.votes,
            duplicates=snapshot.duplicates,
            invalid=snapshot.invalid,
            late=snapshot.late,
            elapsed_s=elapsed,
            remaining_s=remaining,
            receiver_state=ReceiverState.ENDED.value if self.ended else receiver.state.value,
            receiver_name=receiver.describe(),
            packets_per_s=self._rate.update(self.clock(), station.pipeline.packets),
            store_error=station.store.error,
            ended=self.ended,
            answers=station.buffer.answers,
            receivers=tuple((m.name, m.state, m.packets) for m in receiver.members())
            if receiver.members()[1:] else (),
        )


def _drain(messages: queue.SimpleQueue[str]) -> list[str]:
    taken = []
    while True:
        try:
            taken.append(messages.get_nowait())
        except queue.Empty:
            return taken
