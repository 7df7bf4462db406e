"""Storing a session that another program recorded (iClicker Classic files)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlite_utils

from basestation.db.connection import new_id


@dataclass(frozen=True)
class ImportedPoll:
    text: str | None
    correct: str | None
    votes: Sequence[tuple[str, str]]  # (handset, answer) in the file's order


def insert_imported_session(db: sqlite_utils.Database, started_at: float, course: str | None,
                            title: str, receiver: str, polls: Sequence[ImportedPoll]) -> int:
    """One session, a question with one round per poll; returns the session's id."""
    session_id = new_id(db.table("sessions").insert(
        {"started_at": started_at, "ended_at": started_at, "course": course, "title": title}))
    for number, poll in enumerate(polls, start=1):
        question_id = new_id(db.table("questions").insert(
            {"session_id": session_id, "number": number, "text": poll.text,
             "correct": poll.correct}))
        poll_id = new_id(db.table("polls").insert(
            {"question_id": question_id, "round": 1, "opened_at": started_at,
             "closed_at": started_at, "receiver": receiver, "heard": len(poll.votes),
             "votes": len(poll.votes)}))
        db.table("votes").insert_all(
            {"poll_id": poll_id, "handset": handset, "answer": answer, "receiver": receiver,
             "t_host": started_at, "seq": seq}
            for seq, (handset, answer) in enumerate(poll.votes, start=1))
    return session_id
