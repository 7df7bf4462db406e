"""Sessions, questions and polls: the Peer Instruction state machine.

A session holds numbered questions; a question has rounds (round 1 is the
first vote, round 2 the revote after discussion). At most one poll is open at
a time, and its votes go to the :class:`VoteBuffer`, which accepts the open
question's choices only. Every step is written through the store's writer.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, replace

from basestation.db import Store, StoreError
from basestation.db import commands as sql
from basestation.db.commands import PollCounters, QuestionRow
from basestation.domain import ChoiceError, PreparedQuestion, QuestionSpec
from basestation.live.votes import BufferSnapshot, VoteBuffer

QuestionInfo = QuestionRow


class PollStateError(Exception):
    """The action makes no sense in the current state (e.g. revote with no question)."""


@dataclass(frozen=True)
class PollInfo:
    id: int
    question: QuestionInfo
    round: int
    opened_at: float


class PollController:
    """Drives one session's questions and polls, persisting every step."""

    def __init__(self, store: Store, buffer: VoteBuffer) -> None:
        self.store = store
        self.buffer = buffer
        self.session_id: int | None = None
        self.question: QuestionInfo | None = None
        self.poll: PollInfo | None = None
        self.last_poll: PollInfo | None = None
        self.anonymous = False

    # -- sessions ----------------------------------------------------------
    def start_session(
        self, course: str | None = None, title: str | None = None, anonymous: bool = False
    ) -> int:
        self.close_interrupted_polls()
        session_id = self.store.call(sql.insert_session, time.time(), course, title, anonymous)
        self.session_id, self.question, self.anonymous = session_id, None, anonymous
        return session_id

    def resume_session(self, session_id: int) -> None:
        """Continue an earlier session; its latest question becomes current."""
        try:
            self.question = self.store.call(sql.latest_question, session_id)
        except StoreError as error:
            raise PollStateError(str(error)) from error
        self.session_id = session_id
        self.anonymous = self.store.call(sql.session_is_anonymous, session_id)
        self.close_interrupted_polls()

    def close_interrupted_polls(self) -> int:
        """Close polls that a killed process left open (one recorder per database)."""
        closed: int = self.store.call(sql.close_interrupted_polls)
        return closed

    # -- questions -----------------------------------------------------------
    def add_question(
        self, text: str | None = None, correct: str | None = None, spec: QuestionSpec | None = None
    ) -> QuestionInfo:
        session_id = self._require_session()
        self._require_no_open_poll("add a question")
        spec = spec or QuestionSpec()
        _check_key(correct, spec)
        self.question = self.store.call(sql.insert_question, session_id, text, correct, spec)
        return self.question

    def add_prepared(self, prepared: PreparedQuestion) -> QuestionInfo:
        """A question written before class: its words, choices and key, kept for the bank."""
        session_id = self._require_session()
        self._require_no_open_poll("add a question")
        self.question = self.store.call(
            sql.insert_question,
            session_id,
            prepared.text,
            prepared.correct,
            prepared.spec,
            prepared,
        )
        return self.question

    def set_correct(self, answer: str | None) -> None:
        question = self._require_question("set the correct answer")
        _check_key(answer, question.spec)
        self.store.call(sql.set_correct, question.id, answer)
        self.question = replace(question, correct=answer)

    def cycle_correct(self) -> None:
        """Mark the next answer correct (none, A, B, … E, none)."""
        question = self._require_question("set the key")
        cycle: list[str | None] = [None, *question.spec.answers]
        current = question.correct if question.correct in cycle else None
        self.set_correct(cycle[(cycle.index(current) + 1) % len(cycle)])

    def set_text(self, text: str | None) -> None:
        """Type or correct the current question's text (also while it is polled)."""
        question = self._require_question("set the question's text")
        self.store.call(sql.set_question_text, question.id, text)
        self.question = replace(question, text=text)
        for name in ("poll", "last_poll"):
            poll = getattr(self, name)
            if poll is not None and poll.question.id == question.id:
                setattr(self, name, replace(poll, question=self.question))

    def set_deadline(self, closes_at: float | None) -> None:
        """When the open poll's countdown ends (wall clock), for the TA's view."""
        if self.poll is not None:
            self.store.submit("poll_deadline", poll_id=self.poll.id, closes_at=closes_at)

    # -- polls ---------------------------------------------------------------
    def open_poll(self, receiver: str | None = None) -> PollInfo:
        """Open the next round of the current question (round 1 if it has none)."""
        question = self._require_question("open a poll")
        self._require_no_open_poll("open another poll")
        self._save_late_votes()
        now = time.time()
        poll_id, round_number = self.store.call(sql.insert_poll, question.id, now, receiver)
        self.poll = PollInfo(poll_id, question, round_number, now)
        self.buffer.open(poll_id, question.spec.answers)
        return self.poll

    def revote(self, receiver: str | None = None) -> PollInfo:
        """Open the next round of the current question, which must have been polled."""
        question = self._require_question("revote")
        polled_now = self.last_poll is not None and self.last_poll.question.id == question.id
        if not polled_now and not self.store.call(sql.polls_of_question, question.id):
            raise PollStateError("revote needs a question that has been polled once")
        return self.open_poll(receiver)

    def close_poll(self) -> BufferSnapshot:
        """Stop accepting votes and store the poll's counters."""
        poll = self.poll
        if poll is None:
            raise PollStateError("no poll is open")
        snapshot = self.buffer.close()
        counters = PollCounters(
            snapshot.heard, snapshot.votes, snapshot.duplicates, snapshot.invalid, snapshot.late
        )
        # nobody waits for it: a failing disk must not keep a poll open on screen
        self.store.submit(
            "close_poll",
            poll_id=poll.id,
            session_id=self._require_session(),
            closed_at=time.time(),
            counters=asdict(counters),
        )
        self.poll, self.last_poll = None, poll
        return snapshot

    def _save_late_votes(self) -> None:
        """Packets that came after the last poll closed are counted against it."""
        poll, late, heard = self.last_poll, self.buffer.late, self.buffer.heard
        if poll is not None and late and not self.buffer.is_open:
            self.store.submit("count_late", poll_id=poll.id, late=late, heard=heard)

    def finish(self) -> None:
        """Close any open poll and record late packets (call before exiting)."""
        if self.poll is not None:
            self.close_poll()
        self._save_late_votes()

    # -- guards ----------------------------------------------------------------
    def _require_session(self) -> int:
        if self.session_id is None:
            raise PollStateError("no session has been started")
        return self.session_id

    def _require_question(self, action: str) -> QuestionInfo:
        self._require_session()
        if self.question is None:
            raise PollStateError(f"cannot {action}: the session has no question yet")
        return self.question

    def _require_no_open_poll(self, action: str) -> None:
        if self.poll is not None:
            raise PollStateError(f"cannot {action} while poll {self.poll.id} is open")


def _check_key(correct: str | None, spec: QuestionSpec) -> None:
    try:
        spec.check_key(correct)
    except ChoiceError as error:
        raise PollStateError(str(error)) from None
