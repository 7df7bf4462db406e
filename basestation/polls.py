"""Sessions, questions and polls: the Peer Instruction state machine.

A session holds numbered questions; a question has rounds (round 1 is the
first vote, round 2 the revote after discussion). At most one poll is open at
a time, and its votes go to the :class:`VoteBuffer`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import sqlite_utils

from basestation.store import Store
from basestation.votes import BufferSnapshot, VoteBuffer
from firmware_protocol.iclicker_air import ANSWERS


class PollStateError(Exception):
    """The action makes no sense in the current state (e.g. revote with no question)."""


@dataclass(frozen=True)
class QuestionInfo:
    id: int
    session_id: int
    number: int
    text: str | None
    correct: str | None


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

    # -- sessions ----------------------------------------------------------
    def start_session(self, course: str | None = None, title: str | None = None,
                      anonymous: bool = False) -> int:
        self.close_interrupted_polls()
        now = time.time()
        session_id = self.store.call(lambda db: _new_id(db.table("sessions").insert(
            {"started_at": now, "course": course, "title": title,
             "anonymous": int(anonymous)})))
        self.session_id, self.question = session_id, None
        return session_id

    def resume_session(self, session_id: int) -> None:
        """Continue an earlier session; its latest question becomes current."""
        def load(db: sqlite_utils.Database) -> QuestionInfo | None:
            if not list(db.query("SELECT id FROM sessions WHERE id = ?", [session_id])):
                raise PollStateError(f"there is no session {session_id}")
            rows = list(db.query(
                "SELECT * FROM questions WHERE session_id = ? ORDER BY number DESC LIMIT 1",
                [session_id]))
            return _question(rows[0]) if rows else None

        self.question = self.store.call(load)
        self.session_id = session_id
        self.close_interrupted_polls()

    def close_interrupted_polls(self) -> int:
        """Close polls that a killed process left open (one recorder per database):
        closed at their last vote, marked interrupted, with their stored vote count."""
        def close(db: sqlite_utils.Database) -> int:
            cursor = db.execute("""
                UPDATE polls SET interrupted = 1,
                    closed_at = COALESCE((SELECT MAX(t_host) FROM votes WHERE poll_id = polls.id),
                                         opened_at),
                    votes = (SELECT COUNT(*) FROM votes WHERE poll_id = polls.id)
                WHERE closed_at IS NULL""")
            return int(cursor.rowcount)
        closed: int = self.store.call(close)
        return closed

    # -- questions -----------------------------------------------------------
    def add_question(self, text: str | None = None, correct: str | None = None) -> QuestionInfo:
        session_id = self._require_session()
        self._require_no_open_poll("add a question")
        if correct is not None and correct not in ANSWERS:
            raise PollStateError(f"correct answer {correct!r} is not one of {', '.join(ANSWERS)}")

        def insert(db: sqlite_utils.Database) -> QuestionInfo:
            number = 1 + next(iter(db.query(
                "SELECT COALESCE(MAX(number), 0) AS n FROM questions WHERE session_id = ?",
                [session_id])))["n"]
            row_id = _new_id(db.table("questions").insert(
                {"session_id": session_id, "number": number, "text": text, "correct": correct}))
            return QuestionInfo(row_id, session_id, number, text, correct)

        self.question = self.store.call(insert)
        return self.question

    def set_correct(self, answer: str | None) -> None:
        question = self._require_question("set the correct answer")
        if answer is not None and answer not in ANSWERS:
            raise PollStateError(f"correct answer {answer!r} is not one of {', '.join(ANSWERS)}")
        self.store.call(lambda db: db.table("questions").update(question.id, {"correct": answer}))
        self.question = QuestionInfo(question.id, question.session_id, question.number,
                                     question.text, answer)

    # -- polls ---------------------------------------------------------------
    def open_poll(self, receiver: str | None = None) -> PollInfo:
        """Open the next round of the current question (round 1 if it has none)."""
        question = self._require_question("open a poll")
        self._require_no_open_poll("open another poll")
        self._save_late_votes()
        now = time.time()

        def insert(db: sqlite_utils.Database) -> tuple[int, int]:
            next_round: int = 1 + next(iter(db.query(
                "SELECT COALESCE(MAX(round), 0) AS r FROM polls WHERE question_id = ?",
                [question.id])))["r"]
            poll_id = _new_id(db.table("polls").insert(
                {"question_id": question.id, "round": next_round, "opened_at": now,
                 "receiver": receiver}))
            return poll_id, next_round

        poll_id, round_number = self.store.call(insert)
        self.poll = PollInfo(poll_id, question, round_number, now)
        self.buffer.open(poll_id)
        return self.poll

    def revote(self, receiver: str | None = None) -> PollInfo:
        """Open the next round of the current question, which must have been polled."""
        question = self._require_question("revote")
        if self.last_poll is None or self.last_poll.question.id != question.id:
            polled = self.store.call(lambda db: db.table("polls").count_where(
                "question_id = ?", [question.id]))
            if not polled:
                raise PollStateError("revote needs a question that has been polled once")
        return self.open_poll(receiver)

    def close_poll(self) -> BufferSnapshot:
        """Stop accepting votes and store the poll's counters."""
        poll = self.poll
        if poll is None:
            raise PollStateError("no poll is open")
        snapshot = self.buffer.close()
        now = time.time()
        session_id = self._require_session()

        def update(db: sqlite_utils.Database) -> None:
            db.table("polls").update(poll.id, {
                "closed_at": now, "heard": snapshot.heard, "votes": snapshot.votes,
                "duplicates": snapshot.duplicates, "invalid": snapshot.invalid,
                "late": snapshot.late})
            db.table("sessions").update(session_id, {"ended_at": now})

        self.store.call(update)
        self.poll, self.last_poll = None, poll
        return snapshot

    def _save_late_votes(self) -> None:
        """Packets that came after the last poll closed are counted against it."""
        poll, late, heard = self.last_poll, self.buffer.late, self.buffer.heard
        if poll is not None and late and not self.buffer.is_open:
            self.store.call(lambda db: db.table("polls").update(
                poll.id, {"late": late, "heard": heard}))

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


def _new_id(table: sqlite_utils.db.Table) -> int:
    """The primary key of the row just inserted."""
    row_id = table.last_pk
    assert isinstance(row_id, int), row_id
    return row_id


def _question(row: dict[str, object]) -> QuestionInfo:
    return QuestionInfo(int(str(row["id"])), int(str(row["session_id"])), int(str(row["number"])),
                        None if row["text"] is None else str(row["text"]),
                        None if row["correct"] is None else str(row["correct"]))
