"""The schema, as ``sqlite_utils.migrations``: each migration runs once, in order, in
its own transaction (db/upgrade.py applies them)."""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

MIGRATION_SET = "basestation"
migrations = Migrations(MIGRATION_SET)


@migrations(name="0001_initial")
def _initial(db: sqlite_utils.Database) -> None:
    db.table("sessions").create(
        {
            "id": int,
            "started_at": float,
            "ended_at": float,
            "course": str,
            "title": str,
            "anonymous": int,
        },
        pk="id",
        not_null={"started_at"},
        defaults={"anonymous": 0},
    )
    db.table("questions").create(
        {"id": int, "session_id": int, "number": int, "text": str, "correct": str},
        pk="id",
        not_null={"session_id", "number"},
        foreign_keys=[("session_id", "sessions", "id")],
    )
    db.table("questions").create_index(["session_id", "number"], unique=True)
    db.table("polls").create(
        {
            "id": int,
            "question_id": int,
            "round": int,
            "opened_at": float,
            "closed_at": float,
            "receiver": str,
            "heard": int,
            "votes": int,
            "duplicates": int,
            "invalid": int,
            "late": int,
        },
        pk="id",
        not_null={"question_id", "round", "opened_at"},
        defaults={"heard": 0, "votes": 0, "duplicates": 0, "invalid": 0, "late": 0},
        foreign_keys=[("question_id", "questions", "id")],
    )
    db.table("polls").create_index(["question_id", "round"], unique=True)
    db.table("votes").create(
        {
            "id": int,
            "poll_id": int,
            "handset": str,
            "answer": str,
            "receiver": str,
            "t_receiver_us": int,
            "t_host": float,
        },
        pk="id",
        not_null={"poll_id", "handset", "answer", "t_host"},
        foreign_keys=[("poll_id", "polls", "id")],
    )
    db.table("votes").create_index(["poll_id", "t_host"])
    db.table("votes").create_index(["handset"])


@migrations(name="0002_interrupted_polls")
def _interrupted_polls(db: sqlite_utils.Database) -> None:
    """Polls left open by a process that died are closed later and marked."""
    db.table("polls").add_column("interrupted", int, not_null_default=0)


@migrations(name="0003_roster")
def _roster(db: sqlite_utils.Database) -> None:
    """Students, their handsets (several each, alternate ID forms included), loaners for
    one session, and grading rules per course."""
    db.table("students").create(
        {"id": int, "student_id": str, "name": str, "email": str}, pk="id", not_null={"student_id"}
    )
    db.table("students").create_index(["student_id"], unique=True)
    db.table("handsets").create(
        {"handset": str, "student": int, "form": str},
        pk="handset",
        not_null={"student"},
        foreign_keys=[("student", "students", "id")],
    )
    db.table("loaners").create(
        {"id": int, "session_id": int, "handset": str, "student": int},
        pk="id",
        not_null={"session_id", "handset", "student"},
        foreign_keys=[("session_id", "sessions", "id"), ("student", "students", "id")],
    )
    db.table("loaners").create_index(["session_id", "handset"], unique=True)
    db.table("grading").create(
        {
            "course": str,
            "participation_percent": float,
            "participation_points": float,
            "answer_points": float,
            "correct_points": float,
        },
        pk="course",
    )


USB_RECEIVER_PREFIX = "iclicker:"


@migrations(name="0004_question_kinds_and_base_seq")
def _question_kinds_and_base_seq(db: sqlite_utils.Database) -> None:
    """Questions say their kind and number of choices; a USB base's record sequence gets
    a column of its own. Release 0.1.0 stored that sequence in ``t_receiver_us``: it is
    moved, and those receiver times become NULL (a USB base has no clock to report)."""
    db.table("questions").add_column("kind", str, not_null_default="multiple-choice")
    db.table("questions").add_column("choices", int, not_null_default=5)
    db.table("votes").add_column("base_seq", int)
    db.execute(
        "UPDATE votes SET base_seq = t_receiver_us, t_receiver_us = NULL "
        "WHERE receiver LIKE ? || '%'",
        [USB_RECEIVER_PREFIX],
    )


READABLE_TIME = "strftime('%Y-%m-%dT%H:%M:%fZ', {column}, 'unixepoch')"


def _readable(column: str) -> str:
    return READABLE_TIME.format(column=column)


@migrations(name="0005_readable_views")
def _readable_views(db: sqlite_utils.Database) -> None:
    """Views with ISO 8601 times (UTC, ``Z``) for people browsing the file (Datasette,
    the sqlite3 shell): the tables keep seconds since the epoch."""
    db.execute(f"""CREATE VIEW sessions_readable AS SELECT id, {_readable("started_at")}
        AS started, {_readable("ended_at")} AS ended, course, title, anonymous FROM sessions""")
    db.execute(f"""CREATE VIEW polls_readable AS SELECT p.id, q.session_id, q.number AS
        question, p.round, {_readable("p.opened_at")} AS opened, {_readable("p.closed_at")}
        AS closed, p.receiver, p.heard, p.votes, p.duplicates, p.invalid, p.late,
        p.interrupted FROM polls p JOIN questions q ON q.id = p.question_id""")
    db.execute(f"""CREATE VIEW votes_readable AS SELECT id, poll_id, handset, answer, receiver,
        {_readable("t_host")} AS heard_at, t_receiver_us, base_seq FROM votes""")


@migrations(name="0006_poll_receivers")
def _poll_receivers(db: sqlite_utils.Database) -> None:
    """Per receiver of a poll: how many packets it handed on, its state at the close."""
    db.table("poll_receivers").create(
        {"id": int, "poll_id": int, "receiver": str, "packets": int, "state": str, "error": str},
        pk="id",
        not_null={"poll_id", "receiver"},
        foreign_keys=[("poll_id", "polls", "id")],
    )
    db.table("poll_receivers").create_index(["poll_id"])


@migrations(name="0007_vote_order")
def _vote_order(db: sqlite_utils.Database) -> None:
    """Each poll numbers its accepted votes: the number, not the wall clock (which can
    step back), says which vote of a handset came last. Older votes are numbered in
    the order they were stored."""
    db.table("votes").add_column("seq", int)
    db.execute("""UPDATE votes SET seq = (SELECT n FROM (SELECT id, ROW_NUMBER() OVER (
        PARTITION BY poll_id ORDER BY t_host, id) AS n FROM votes) ordered
        WHERE ordered.id = votes.id)""")
    db.table("votes").create_index(["poll_id", "seq"], unique=True)


@migrations(name="0008_imported_sessions")
def _imported_sessions(db: sqlite_utils.Database) -> None:
    """An imported file's fingerprint (so the same file is not imported twice) and what
    the other program recorded of it; per imported vote, what the vendor file says."""
    db.table("sessions").add_column("source_hash", str)
    db.table("sessions").add_column("source", str)
    db.table("sessions").create_index(["source_hash"])
    db.table("imported_votes").create(
        {
            "id": int,
            "poll_id": int,
            "handset": str,
            "attempts": int,
            "first_s": float,
            "final_s": float,
            "loaned_to": str,
        },
        pk="id",
        not_null={"poll_id", "handset"},
        foreign_keys=[("poll_id", "polls", "id")],
    )
    db.table("imported_votes").create_index(["poll_id", "handset"])


@migrations(name="0009_enrolments")
def _enrolments(db: sqlite_utils.Database) -> None:
    """Which students a course's roster holds (several courses in one database)."""
    db.table("enrolments").create(
        {"course": str, "student": int},
        pk=("course", "student"),
        foreign_keys=[("student", "students", "id")],
    )


@migrations(name="0010_one_vote_index_per_poll")
def _one_vote_index_per_poll(db: sqlite_utils.Database) -> None:
    """Votes are read in their poll's order (``seq``), never by time: the (poll, time)
    index only slowed every insert (a quarter of the writer's throughput)."""
    db.execute("DROP INDEX IF EXISTS idx_votes_poll_id_t_host")


@migrations(name="0011_poll_deadline")
def _poll_deadline(db: sqlite_utils.Database) -> None:
    """When an open poll's countdown ends (wall clock), so the TA's view shows it too."""
    db.table("polls").add_column("closes_at", float)


@migrations(name="0012_question_bank")
def _question_bank(db: sqlite_utils.Database) -> None:
    """Prepared questions as they were asked (words, choices, key, tags, images), and the
    uses of questions imported from colleagues' banks (counts only, never a handset)."""
    db.table("bank_questions").create(
        {
            "id": str,
            "text": str,
            "choice_count": int,
            "choices": str,
            "correct": str,
            "tags": str,
            "source": str,
            "licence": str,
        },
        pk="id",
    )
    db.table("bank_images").create(
        {"question": str, "path": str, "data": bytes},
        pk=("question", "path"),
        foreign_keys=[("question", "bank_questions", "id")],
    )
    db.table("bank_uses").create(
        {"id": str, "question": str, "record": str},
        pk="id",
        foreign_keys=[("question", "bank_questions", "id")],
    )
    db.table("questions").add_column("bank_id", str)
    db.table("questions").create_index(["bank_id"])


@migrations(name="0013_roster_imports")
def _roster_imports(db: sqlite_utils.Database) -> None:
    """What each roster import changed (``roster show``): students added and updated,
    handsets added and moved, students of the course the file no longer held."""
    db.table("roster_imports").create(
        {"id": int, "at": float, "course": str, "source": str, "changes": str}, pk="id"
    )


@migrations(name="0014_phone_codes")
def _phone_codes(db: sqlite_utils.Database) -> None:
    """Each student's personal code for signing in on a phone, as a salted hash."""
    db.table("phone_codes").create(
        {"student": int, "salt": bytes, "hash": bytes, "made_at": float},
        pk="student",
        foreign_keys=[("student", "students", "id")],
    )


@migrations(name="0015_poll_groups")
def _poll_groups(db: sqlite_utils.Database) -> None:
    """Who discussed together after a poll (its vote 1): a group number per handset."""
    db.table("poll_groups").create(
        {"poll_id": int, "handset": str, "group_no": int, "seat": str},
        pk=("poll_id", "handset"),
        foreign_keys=[("poll_id", "polls", "id")],
    )


@migrations(name="0016_enrolment_seats")
def _enrolment_seats(db: sqlite_utils.Database) -> None:
    """A roster's ``seat`` column: where the student sits in that course's room."""
    db.table("enrolments").add_column("seat", str)


@migrations(name="0017_vote_confidence")
def _vote_confidence(db: sqlite_utils.Database) -> None:
    """How sure a phone's student said they were of a vote: guessing, unsure, sure."""
    db.table("votes").add_column("confidence", str)


@migrations(name="0018_no_vote_index_by_handset")
def _no_vote_index_by_handset(db: sqlite_utils.Database) -> None:
    """Votes are read within their poll (its ``seq`` index), never by handset alone: the
    handset index cost each insert a random B-tree step (most of the writer's time in a
    large hall)."""
    db.execute("DROP INDEX IF EXISTS idx_votes_handset")
