"""Whole recorded sessions written at once, for generated data (the department
benchmark): one transaction per session, ``executemany`` for the votes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlite_utils

from basestation.db.connection import new_id


@dataclass(frozen=True)
class BulkPoll:
    question: int
    text: str | None
    round: int
    correct: str | None
    opened_at: float
    closed_at: float
    votes: Sequence[tuple[str, str, float]]
    """(handset, answer, host time) in the order they were accepted."""


def insert_session(
    db: sqlite_utils.Database,
    started_at: float,
    course: str | None,
    receiver: str,
    polls: Sequence[BulkPoll],
) -> int:
    """A recorded session with its questions, polls and votes; returns its id."""
    ended = max((poll.closed_at for poll in polls), default=started_at)
    with db.atomic():
        session_id = new_id(
            db.table("sessions").insert(
                {"started_at": started_at, "ended_at": ended, "course": course}
            )
        )
        questions: dict[int, int] = {}
        for poll in polls:
            if poll.question not in questions:
                questions[poll.question] = new_id(
                    db.table("questions").insert(
                        {
                            "session_id": session_id,
                            "number": poll.question,
                            "text": poll.text,
                            "correct": poll.correct,
                        }
                    )
                )
            poll_id = new_id(
                db.table("polls").insert(
                    {
                        "question_id": questions[poll.question],
                        "round": poll.round,
                        "opened_at": poll.opened_at,
                        "closed_at": poll.closed_at,
                        "receiver": receiver,
                        "heard": len(poll.votes),
                        "votes": len(poll.votes),
                    }
                )
            )
            db.conn.executemany(
                "INSERT INTO votes (poll_id, handset, answer, receiver, t_host, seq) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (poll_id, handset, answer, receiver, at, seq)
                    for seq, (handset, answer, at) in enumerate(poll.votes, 1)
                ],
            )
    return session_id
