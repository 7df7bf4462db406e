"""Storing a session that another program recorded (iClicker Classic files)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlite_utils

from basestation.db.connection import new_id


@dataclass(frozen=True)
class ImportedVote:
    handset: str
    first: str
    final: str
    attempts: int
    first_s: float | None
    final_s: float | None
    loaned_to: str | None = None


@dataclass(frozen=True)
class ImportedPoll:
    text: str | None
    correct: str | None
    votes: Sequence[ImportedVote]
    opened_at: float = 0.0
    closed_at: float = 0.0
    anonymous: bool = False
    extra: dict[str, object] = field(default_factory=dict)


def imported_session(db: sqlite_utils.Database, digest: str) -> int | None:
    rows = list(db.query("SELECT id FROM sessions WHERE source_hash = ?", [digest]))
    return int(rows[0]["id"]) if rows else None


def delete_session(db: sqlite_utils.Database, session_id: int) -> None:
    """Every row of a session (to import its file again)."""
    polls = (
        "SELECT p.id FROM polls p JOIN questions q ON q.id = p.question_id WHERE q.session_id = ?"
    )
    for table in ("votes", "imported_votes", "poll_receivers"):
        db.execute(f"DELETE FROM {table} WHERE poll_id IN ({polls})", [session_id])
    db.execute(f"DELETE FROM polls WHERE id IN ({polls})", [session_id])
    for table in ("questions", "loaners"):
        db.execute(f"DELETE FROM {table} WHERE session_id = ?", [session_id])
    db.execute("DELETE FROM sessions WHERE id = ?", [session_id])


def insert_imported_session(
    db: sqlite_utils.Database,
    started_at: float,
    course: str | None,
    title: str,
    receiver: str,
    polls: Sequence[ImportedPoll],
    digest: str | None = None,
    source: dict[str, object] | None = None,
) -> int:
    """One session, a question with one round per poll; each handset's first answer
    (and its final one, if it pressed again) as votes, with its number of presses."""
    ended = max((p.closed_at for p in polls), default=started_at) or started_at
    session_id = new_id(
        db.table("sessions").insert(
            {
                "started_at": started_at,
                "ended_at": ended,
                "course": course,
                "title": title,
                "source_hash": digest,
                "source": json.dumps(source) if source else None,
            }
        )
    )
    for number, poll in enumerate(polls, start=1):
        question_id = new_id(
            db.table("questions").insert(
                {
                    "session_id": session_id,
                    "number": number,
                    "text": poll.text,
                    "correct": poll.correct,
                }
            )
        )
        opened = poll.opened_at or started_at
        poll_id = new_id(
            db.table("polls").insert(
                {
                    "question_id": question_id,
                    "round": 1,
                    "opened_at": opened,
                    "closed_at": poll.closed_at or opened,
                    "receiver": receiver,
                    "heard": sum(v.attempts for v in poll.votes),
                    "votes": len(poll.votes),
                }
            )
        )
        rows, seq = [], 0
        for vote in poll.votes:
            presses = [(vote.first, vote.first_s)]
            if vote.attempts > 1 and (vote.final != vote.first or vote.final_s != vote.first_s):
                presses.append(
                    (vote.final, vote.final_s if vote.final_s is not None else vote.first_s)
                )
            for answer, seconds in presses:
                seq += 1
                rows.append(
                    {
                        "poll_id": poll_id,
                        "handset": vote.handset,
                        "answer": answer,
                        "receiver": receiver,
                        "t_host": opened + (seconds or 0.0),
                        "seq": seq,
                    }
                )
        db.table("votes").insert_all(rows)
        db.table("imported_votes").insert_all(
            {
                "poll_id": poll_id,
                "handset": v.handset,
                "attempts": v.attempts,
                "first_s": v.first_s,
                "final_s": v.final_s,
                "loaned_to": v.loaned_to,
            }
            for v in poll.votes
        )
    return session_id


def stored_votes(db: sqlite_utils.Database, session_id: int) -> int:
    """The vote rows a session holds (an imported handset that pressed again has two)."""
    row = next(
        iter(
            db.query(
                "SELECT COUNT(*) AS n FROM votes v JOIN polls p ON p.id = v.poll_id "
                "JOIN questions q ON q.id = p.question_id WHERE q.session_id = ?",
                [session_id],
            )
        )
    )
    return int(row["n"])
