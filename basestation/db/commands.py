"""Every write of the live program: sessions, questions, polls and their counters.

Each function takes the writer's connection first; callers run them through
:meth:`basestation.db.Store.call`, so every write goes through the one writer thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import sqlite_utils

from basestation.db.bank import keep_question
from basestation.db.connection import StoreError, new_id
from basestation.domain import ChoiceError, PreparedQuestion, QuestionSpec


@dataclass(frozen=True)
class QuestionRow:
    id: int
    session_id: int
    number: int
    text: str | None
    correct: str | None
    spec: QuestionSpec = field(default_factory=QuestionSpec)
    choice_texts: tuple[str, ...] = ()


@dataclass(frozen=True)
class PollCounters:
    heard: int
    votes: int
    duplicates: int
    invalid: int
    late: int


def insert_session(
    db: sqlite_utils.Database,
    started_at: float,
    course: str | None,
    title: str | None,
    anonymous: bool,
) -> int:
    return new_id(
        db.table("sessions").insert(
            {
                "started_at": started_at,
                "course": course,
                "title": title,
                "anonymous": int(anonymous),
            }
        )
    )


def latest_question(db: sqlite_utils.Database, session_id: int) -> QuestionRow | None:
    """The session's highest-numbered question; StoreError if there is no such session."""
    if not list(db.query("SELECT id FROM sessions WHERE id = ?", [session_id])):
        raise StoreError(f"there is no session {session_id}")
    rows = list(
        db.query(
            "SELECT * FROM questions WHERE session_id = ? ORDER BY number DESC LIMIT 1",
            [session_id],
        )
    )
    return question_row(rows[0]) if rows else None


def session_is_anonymous(db: sqlite_utils.Database, session_id: int) -> bool:
    rows = list(db.query("SELECT anonymous FROM sessions WHERE id = ?", [session_id]))
    return bool(rows and rows[0]["anonymous"])


def close_interrupted_polls(db: sqlite_utils.Database) -> int:
    """Close polls that a killed process left open: at their last vote, marked
    interrupted, with their stored vote count."""
    cursor = db.execute("""
        UPDATE polls SET interrupted = 1,
            closed_at = COALESCE((SELECT MAX(t_host) FROM votes WHERE poll_id = polls.id),
                                 opened_at),
            votes = (SELECT COUNT(*) FROM votes WHERE poll_id = polls.id)
        WHERE closed_at IS NULL""")
    return int(cursor.rowcount)


def insert_question(
    db: sqlite_utils.Database,
    session_id: int,
    text: str | None,
    correct: str | None,
    spec: QuestionSpec,
    prepared: PreparedQuestion | None = None,
) -> QuestionRow:
    """A new question; one ``prepared`` before class is also kept as it was written."""
    number = 1 + int(
        next(
            iter(
                db.query(
                    "SELECT COALESCE(MAX(number), 0) AS n FROM questions WHERE session_id = ?",
                    [session_id],
                )
            )
        )["n"]
    )
    if prepared is not None:
        keep_question(db, prepared)
    row_id = new_id(
        db.table("questions").insert(
            {
                "session_id": session_id,
                "number": number,
                "text": text,
                "correct": correct,
                "kind": spec.kind.value,
                "choices": spec.choices,
                "bank_id": prepared.bank_id if prepared else None,
            }
        )
    )
    return QuestionRow(
        row_id, session_id, number, text, correct, spec, prepared.choice_texts if prepared else ()
    )


def set_correct(db: sqlite_utils.Database, question_id: int, correct: str | None) -> None:
    db.table("questions").update(question_id, {"correct": correct})


def set_question_text(db: sqlite_utils.Database, question_id: int, text: str | None) -> None:
    db.table("questions").update(question_id, {"text": text})


def poll_deadline(db: sqlite_utils.Database, poll_id: int, closes_at: float | None) -> None:
    db.table("polls").update(poll_id, {"closes_at": closes_at})


def set_key_by_number(
    db: sqlite_utils.Database, session_id: int, number: int, correct: str | None
) -> QuestionRow:
    """Set or correct the key of question ``number`` (from 1) after class."""
    rows = list(
        db.query(
            "SELECT * FROM questions WHERE session_id = ? AND number = ?", [session_id, number]
        )
    )
    if not rows:
        raise StoreError(f"session {session_id} has no question {number}")
    question = question_row(rows[0])
    try:
        question.spec.check_key(correct)
    except ChoiceError as error:
        raise StoreError(f"question {number}: {error}") from None
    set_correct(db, question.id, correct)
    return question


def insert_poll(
    db: sqlite_utils.Database, question_id: int, opened_at: float, receiver: str | None
) -> tuple[int, int]:
    """Open the question's next round; returns (poll id, round)."""
    next_round = 1 + int(
        next(
            iter(
                db.query(
                    "SELECT COALESCE(MAX(round), 0) AS r FROM polls WHERE question_id = ?",
                    [question_id],
                )
            )
        )["r"]
    )
    poll_id = new_id(
        db.table("polls").insert(
            {
                "question_id": question_id,
                "round": next_round,
                "opened_at": opened_at,
                "receiver": receiver,
            }
        )
    )
    return poll_id, next_round


def polls_of_question(db: sqlite_utils.Database, question_id: int) -> int:
    return int(db.table("polls").count_where("question_id = ?", [question_id]))


def close_poll(
    db: sqlite_utils.Database,
    poll_id: int,
    session_id: int,
    closed_at: float,
    counters: dict[str, int],
) -> None:
    """``counters``: heard, votes, duplicates, invalid, late (a :class:`PollCounters`
    as a dict, so that the step can wait in a rescue journal)."""
    db.table("polls").update(poll_id, {"closed_at": closed_at, **counters})
    db.table("sessions").update(session_id, {"ended_at": closed_at})


def count_late(db: sqlite_utils.Database, poll_id: int, late: int, heard: int) -> None:
    """Packets heard after a poll closed are counted against it."""
    db.table("polls").update(poll_id, {"late": late, "heard": heard})


def question_row(row: dict[str, object]) -> QuestionRow:
    spec = QuestionSpec(choices=int(str(row.get("choices") or 5)))
    return QuestionRow(
        int(str(row["id"])),
        int(str(row["session_id"])),
        int(str(row["number"])),
        None if row["text"] is None else str(row["text"]),
        None if row["correct"] is None else str(row["correct"]),
        spec,
    )


@dataclass(frozen=True)
class ReceiverCounters:
    """How one receiver did during a poll (stored as a dict by ``poll_receivers``)."""

    receiver: str
    packets: int
    state: str
    error: str


def record_poll_receivers(
    db: sqlite_utils.Database, poll_id: int, receivers: list[dict[str, object]]
) -> None:
    """``receivers``: :class:`ReceiverCounters` as dicts. Running it again replaces."""
    db.execute("DELETE FROM poll_receivers WHERE poll_id = ?", [poll_id])
    db.table("poll_receivers").insert_all(
        {"poll_id": poll_id, **r, "error": r.get("error") or None} for r in receivers
    )


def vote_confidence(db: sqlite_utils.Database, poll_id: int, handset: str, confidence: str) -> None:
    """How sure the student said they were of their latest vote in the poll."""
    db.execute(
        "UPDATE votes SET confidence = ? WHERE id = (SELECT id FROM votes "
        "WHERE poll_id = ? AND handset = ? ORDER BY seq DESC LIMIT 1)",
        [confidence, poll_id, handset],
    )


DEFERRED: dict[str, Callable[..., None]] = {
    "close_poll": close_poll,
    "vote_confidence": vote_confidence,
    "count_late": count_late,
    "poll_receivers": record_poll_receivers,
    "poll_deadline": poll_deadline,
}
"""Steps that nobody waits for: the writer runs them in order with the votes, and keeps
them in the rescue journal while the database takes no writes. Each may run twice."""
