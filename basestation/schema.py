"""The database schema as numbered migrations, applied in order exactly once."""

from __future__ import annotations

import time
from collections.abc import Callable

import sqlite_utils

MIGRATIONS_TABLE = "schema_migrations"


def _initial(db: sqlite_utils.Database) -> None:
    db.table("sessions").create(
        {"id": int, "started_at": float, "ended_at": float, "course": str, "title": str,
         "anonymous": int},
        pk="id", not_null={"started_at"}, defaults={"anonymous": 0},
    )
    db.table("questions").create(
        {"id": int, "session_id": int, "number": int, "text": str, "correct": str},
        pk="id", not_null={"session_id", "number"},
        foreign_keys=[("session_id", "sessions", "id")],
    )
    db.table("questions").create_index(["session_id", "number"], unique=True)
    db.table("polls").create(
        {"id": int, "question_id": int, "round": int, "opened_at": float, "closed_at": float,
         "receiver": str, "heard": int, "votes": int, "duplicates": int, "invalid": int,
         "late": int},
        pk="id", not_null={"question_id", "round", "opened_at"},
        defaults={"heard": 0, "votes": 0, "duplicates": 0, "invalid": 0, "late": 0},
        foreign_keys=[("question_id", "questions", "id")],
    )
    db.table("polls").create_index(["question_id", "round"], unique=True)
    db.table("votes").create(
        {"id": int, "poll_id": int, "handset": str, "answer": str, "receiver": str,
         "t_receiver_us": int, "t_host": float},
        pk="id", not_null={"poll_id", "handset", "answer", "t_host"},
        foreign_keys=[("poll_id", "polls", "id")],
    )
    db.table("votes").create_index(["poll_id", "t_host"])
    db.table("votes").create_index(["handset"])


def _interrupted_polls(db: sqlite_utils.Database) -> None:
    """Polls left open by a process that died are closed later and marked."""
    db.table("polls").add_column("interrupted", int, not_null_default=0)


def _roster(db: sqlite_utils.Database) -> None:
    """Students, their handsets (several each, alternate ID forms included), loaners for
    one session, and grading rules per course."""
    db.table("students").create({"id": int, "student_id": str, "name": str, "email": str},
                                pk="id", not_null={"student_id"})
    db.table("students").create_index(["student_id"], unique=True)
    db.table("handsets").create({"handset": str, "student": int, "form": str}, pk="handset",
                                not_null={"student"}, foreign_keys=[("student", "students", "id")])
    db.table("loaners").create(
        {"id": int, "session_id": int, "handset": str, "student": int}, pk="id",
        not_null={"session_id", "handset", "student"},
        foreign_keys=[("session_id", "sessions", "id"), ("student", "students", "id")])
    db.table("loaners").create_index(["session_id", "handset"], unique=True)
    db.table("grading").create(
        {"course": str, "participation_percent": float, "participation_points": float,
         "answer_points": float, "correct_points": float}, pk="course")


MIGRATIONS: list[tuple[str, Callable[[sqlite_utils.Database], None]]] = [
    ("0001_initial", _initial),
    ("0002_interrupted_polls", _interrupted_polls),
    ("0003_roster", _roster),
]


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply the migrations this database lacks; return their names."""
    with db.atomic():
        if MIGRATIONS_TABLE not in db.table_names():
            db.table(MIGRATIONS_TABLE).create({"name": str, "applied_at": float}, pk="name")
        done = {row["name"] for row in db.table(MIGRATIONS_TABLE).rows}
        applied = []
        for name, step in MIGRATIONS:
            if name in done:
                continue
            step(db)
            db.table(MIGRATIONS_TABLE).insert({"name": name, "applied_at": time.time()})
            applied.append(name)
    return applied
