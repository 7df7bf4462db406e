"""A station running in a worker thread, driven by small commands, read by snapshots.

The dashboard never touches the receiver or the store itself: it queues commands (start,
stop, next question, revote, the key, the text, the countdown) that the worker runs
between reads, and reads the immutable :class:`LiveState` the worker publishes after
every turn. :class:`LiveSession` is the :class:`~basestation.poll_source.LiveControl`
the dashboard is given.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from basestation.afterclass.bank_history import history_text
from basestation.db import Reader, StoreError
from basestation.domain import (
    DEFAULT_CHOICES,
    MAX_CHOICES,
    MIN_CHOICES,
    PreparedQuestion,
    QuestionSpec,
)
from basestation.live.discussion import DiscussionSettings, groups_for_station
from basestation.live.pacing import Pacing
from basestation.live.poll_timer import PollTimer
from basestation.live.polls import PollStateError
from basestation.live.snapshot import (
    Publisher,
    SnapshotMaker,
    polls_with_correct,
    stored_rounds,
    tell,
)
from basestation.live.station import Station
from basestation.poll_source import DiscussionGroups, LiveState, RoundAnswers
from drivers.errors import ReceiverError
from drivers.threads import background_thread

log = logging.getLogger(__name__)
READ_TIMEOUT_S = 0.02
INGEST_WINDOW_S = 0.031
"""While votes pour in, what comes this long after a first packet is taken in one read
and committed (:meth:`Station.pump_window`, :meth:`Publisher.gather_s`)."""


class LiveSession:
    """Owns the station's thread. ``clock`` is injectable for reproducible screens;
    ``prepared`` are the questions ``n`` opens in turn (then ad-hoc ones)."""

    def __init__(
        self,
        station: Station,
        *,
        clock: Callable[[], float] = time.monotonic,
        countdown_s: float | None = None,
        prepared: Sequence[PreparedQuestion] = (),
        choices: int = DEFAULT_CHOICES,
        discussion: DiscussionSettings | None = None,
    ) -> None:
        self.station = station
        self.discussion = discussion or DiscussionSettings()
        self.clock = clock
        self.timer = PollTimer(clock, countdown_s)
        self.pacing = Pacing(self.timer, self.discussion.closing_s)
        self.prepared = list(prepared)
        self.choices = choices
        """How many choices the next ad-hoc question has (a prepared one has its own)."""
        self.messages: queue.SimpleQueue[str] = queue.SimpleQueue()
        self.instructor_presses: queue.SimpleQueue[str] = queue.SimpleQueue()
        self.round_answers: dict[tuple[int, int], dict[str, str]] = {}
        self._commands: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.ended = False
        self.timer_closes = 0
        self.history: str | None = None
        self.seen_before: set[str] = set()
        station.buffer.on_instructor = self.instructor_presses.put
        self._snapshots = SnapshotMaker(self)
        self._publisher = Publisher()
        self._published = self._snapshots.make()

    @property
    def label(self) -> str:
        return self.station.receiver.describe()

    @property
    def countdown_s(self) -> float | None:
        return self.timer.countdown_s

    # -- lifecycle ------------------------------------------------------------
    def start(self) -> None:
        self._thread = background_thread(self._run, "live-session")
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
        self._published = self._snapshots.make()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.step()

    def step(self) -> None:
        """One turn of the worker: queued commands, one read, then a fresh state if one
        is due (:class:`~basestation.live.snapshot.Publisher`)."""
        commands_ran = self._run_commands()
        heard = self._read_once()
        for notice in self.station.take_notices():
            self.messages.put(notice)
        if (poll := self.station.polls.poll) is not None:
            last = next(reversed(self.round_answers.values()), {})  # the last round's voters
            turn = self.pacing.turn(  # this poll's voters now, not the last state's
                poll.id, self.station.buffer.voters, self._published.roster_size or len(last)
            )
            for message in turn.said:
                self.messages.put(message)
            if turn.deadline_moved:
                self._tell_deadline()
            if turn.close:
                self._close_poll()
                self.timer_closes += 1
                commands_ran = True
        if self._publisher.take(commands_ran, heard > 0):
            self.publish(news=commands_ran)

    def publish(self, news: bool = True) -> None:
        """Publish a fresh state now (a test stepping the worker by hand may ask); tell
        the watcher if it paints differently or there is news."""
        previous, self._published = self._published, self._snapshots.make()
        changed = self._published.as_shown() != previous.as_shown()
        self._publisher.quiet = not changed
        news = news or not self.messages.empty() or not self.instructor_presses.empty()
        watcher = self._publisher.watcher
        if watcher and (news or changed):
            tell(watcher)

    def watch(self, ready: Callable[[], object]) -> None:
        """Call ``ready`` (from the worker's thread) whenever a state that paints
        differently, or news, has been published."""
        self._publisher.watcher = ready

    def _read_once(self) -> int:
        """Read (and take in) what came; how many packets."""
        if self.ended:
            time.sleep(READ_TIMEOUT_S)
            return 0
        station, publisher = self.station, self._publisher
        try:
            more = station.pump_window(
                min(READ_TIMEOUT_S, publisher.due_in()),
                lambda: publisher.gather_s(INGEST_WINDOW_S),
                self._stop.wait,
            )
            heard = station.last_read
            if not more:
                self.ended = True
                self.messages.put("the receiver has no more data")
            return heard
        except ReceiverError as error:
            self.messages.put(str(error))
            time.sleep(READ_TIMEOUT_S)
            return 0

    def _run_commands(self) -> bool:
        """Run what the dashboard queued; whether anything was."""
        ran = False
        while True:
            try:
                command = self._commands.get_nowait()
            except queue.Empty:
                return ran
            ran = True
            try:
                command()
            except (PollStateError, StoreError, ReceiverError, ValueError) as error:
                self.messages.put(str(error))
            except Exception as error:  # a failed command must never stop the votes
                log.exception("a dashboard command failed")
                self.messages.put(
                    f"that did not work ({type(error).__name__}: {error}); votes are still recorded"
                )

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
        self.submit(self.station.polls.cycle_correct)

    def set_question_text(self, text: str) -> None:
        self.submit(lambda: self._set_text(text.strip() or None))

    def adjust_countdown(self, delta_s: float) -> None:
        self.submit(lambda: self._adjust(delta_s))

    def learn_remote(self) -> None:
        self.submit(lambda: self.station.learn_remote(self.messages.put))

    def _set_text(self, text: str | None) -> None:
        if self.station.polls.question is None:
            self.station.polls.add_question(text, spec=QuestionSpec(choices=self.choices))
        else:
            self.station.polls.set_text(text)

    def _open_poll(self) -> None:
        if self.station.polls.question is None:
            self._add_question(None)
        self.station.open_poll()
        self._timer_started()

    def _revote(self) -> None:
        self.station.revote()
        self._timer_started()

    def _timer_started(self) -> None:
        self.timer.start()
        self._tell_deadline()

    def _adjust(self, delta_s: float) -> None:
        if self.station.polls.poll is None:
            raise PollStateError("the countdown runs only while a poll is open")
        left = self.timer.adjust(delta_s)
        self.messages.put(f"{'+' if delta_s > 0 else '-'}{abs(delta_s):.0f} s: {left:.0f} s left")
        self._tell_deadline()

    def _tell_deadline(self) -> None:
        remaining = self.timer.remaining()
        self.station.polls.set_deadline(None if remaining is None else time.time() + remaining)

    def _close_poll(self) -> None:
        poll = self.station.polls.poll
        if poll is None:
            raise PollStateError("no poll is open")
        self.timer.stop()
        answers = self.station.buffer.latest()
        self.station.close_poll()
        self.round_answers[(poll.question.number, poll.round)] = answers
        self.seen_before |= answers.keys()

    def _next_question(self, text: str | None) -> None:
        self._add_question(text)
        self.timer.reset()

    def _add_question(self, text: str | None) -> None:
        """A typed text makes an ad-hoc question; otherwise the next prepared one."""
        self.history = None
        if text is None and self.prepared:
            prepared = self.prepared.pop(0)
            with Reader(self.station.store.path) as reader:
                self.history = history_text(reader, prepared)
            self.station.polls.add_prepared(prepared)
        else:
            self.station.polls.add_question(text, spec=QuestionSpec(choices=self.choices))

    # -- reading ----------------------------------------------------------------
    def rounds_of(self, question: int) -> int:
        return sum(1 for number, _ in self.round_answers if number == question)

    def state(self) -> LiveState:
        """The snapshot the worker published last (cheap; safe from any thread)."""
        return self._published

    def cycle_choices(self) -> int:
        """The next ad-hoc question gets one choice more (after 10, back to 2)."""
        self.choices = MIN_CHOICES if self.choices >= MAX_CHOICES else self.choices + 1
        return self.choices

    def take_messages(self) -> list[str]:
        return _drain(self.messages)

    def take_instructor_presses(self) -> list[str]:
        return _drain(self.instructor_presses)

    def form_groups(self, question: int) -> DiscussionGroups | None:
        rounds = self.live_rounds(question)
        return groups_for_station(self.station, self.discussion, rounds, self.submit)

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
        return polls_with_correct(self.station)

    def stored_rounds(self, question: int) -> RoundAnswers | None:
        return stored_rounds(self.station, question)


def _drain(messages: queue.SimpleQueue[str]) -> list[str]:
    """What is queued now (the dashboard is the one reader)."""
    return [messages.get_nowait() for _ in range(messages.qsize())]
