"""Read-only access for everything after class and for the TA's view.

A :class:`Reader` never writes; any number may read while the recorder writes
(WAL). Rows come back as plain dicts with times in seconds since the epoch; the
layers above turn them into what people read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlite_utils

from basestation.db import bank
from basestation.db.connection import StoreError, open_existing
from basestation.db.roster import grading_rules, registered_owners, session_loaners
from basestation.db.schema import migrations
from basestation.domain import PreparedQuestion

Row = dict[str, Any]
VoteColumns = tuple[tuple[str, ...], tuple[str, ...], tuple[float, ...]]


def _upgrade(path: Path) -> None:
    from basestation.db.writer import Store

    try:
        Store(path).close()
    except StoreError as error:
        raise StoreError(
            f"{path} was made by an older release and cannot be upgraded here: {error}"
        ) from error


class Reader:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: sqlite_utils.Database = open_existing(path)
        if migrations.pending(self._db):  # made by an older release: upgrade it first
            self._db.close()
            _upgrade(path)
            self._db = open_existing(path)
        self._registered: dict[str, int] | None = None

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _rows(self, sql: str, params: list[Any] | None = None) -> list[Row]:
        return list(self._db.query(sql, params or []))

    # -- sessions --------------------------------------------------------------------
    def sessions(self) -> list[Row]:
        return self._rows("""
            SELECT s.id AS session, s.started_at, s.course, s.title,
                   (SELECT COUNT(*) FROM questions q WHERE q.session_id = s.id) AS questions,
                   (SELECT COUNT(*) FROM votes v JOIN polls p ON p.id = v.poll_id
                      JOIN questions q ON q.id = p.question_id WHERE q.session_id = s.id)
                   AS votes
            FROM sessions s ORDER BY s.id""")

    def course_sessions(self, course: str) -> list[Row]:
        """The course's sessions in order (``session``, ``started_at``, ``course``,
        ``title``), without counting their votes."""
        return self._rows(
            "SELECT id AS session, started_at, course, title, anonymous FROM sessions "
            "WHERE course = ? ORDER BY id",
            [course],
        )

    def session(self, session_id: int) -> Row:
        rows = self._rows("SELECT * FROM sessions WHERE id = ?", [session_id])
        if not rows:
            raise StoreError(f"there is no session {session_id}")
        return rows[0]

    def questions(self, session_id: int) -> list[Row]:
        return self._rows(
            "SELECT id, number, text, correct, kind, choices FROM questions "
            "WHERE session_id = ? ORDER BY number",
            [session_id],
        )

    def session_polls(self, session_id: int) -> list[Row]:
        """One row per poll, in question and round order."""
        return self._rows(
            """
            SELECT p.id AS poll, q.number AS question, q.text, q.correct, q.choices, p.round,
                   p.opened_at, p.closed_at, p.receiver, p.heard, p.votes, p.duplicates,
                   p.invalid, p.late,
                   (SELECT COUNT(DISTINCT handset) FROM votes v WHERE v.poll_id = p.id)
                   AS voters
            FROM polls p JOIN questions q ON q.id = p.question_id
            WHERE q.session_id = ? ORDER BY q.number, p.round""",
            [session_id],
        )

    def handsets_seen(self, session_id: int) -> int:
        return int(
            self._rows(
                """
            SELECT COUNT(DISTINCT v.handset) AS n FROM votes v JOIN polls p ON p.id = v.poll_id
            JOIN questions q ON q.id = p.question_id WHERE q.session_id = ?""",
                [session_id],
            )[0]["n"]
        )

    def handsets_of_other_polls(self, session_id: int, poll_id: int) -> set[str]:
        """The handsets that voted in the session's polls other than ``poll_id``."""
        return {
            row["handset"]
            for row in self._rows(
                "SELECT DISTINCT v.handset FROM votes v JOIN polls p ON p.id = v.poll_id "
                "JOIN questions q ON q.id = p.question_id WHERE q.session_id = ? AND p.id != ?",
                [session_id, poll_id],
            )
        }

    # -- polls and votes ------------------------------------------------------------
    def poll_votes(self, poll_id: int) -> list[Row]:
        """Every accepted vote of a poll, in the order it was accepted."""
        return self._rows(
            "SELECT handset, answer, receiver, t_receiver_us, base_seq, t_host, seq "
            "FROM votes WHERE poll_id = ? ORDER BY seq, id",
            [poll_id],
        )

    def latest_answers(self, poll_id: int) -> dict[str, str]:
        """The answer that counts for each handset in a poll: its last accepted vote."""
        handsets, answers, _ = self.poll_columns(poll_id)
        return dict(zip(handsets, answers, strict=True))

    def question_polls(self, question_id: int) -> list[Row]:
        """A question's polls (``id``, ``round``, ``opened_at``), round by round."""
        return self._rows(
            "SELECT id, round, opened_at FROM polls WHERE question_id = ? ORDER BY round",
            [question_id],
        )

    def poll_columns(self, poll_id: int, since: float = 0.0) -> VoteColumns:
        """A poll's accepted votes in the order they were accepted, as three columns:
        handsets, answers, and seconds since ``since``. A term reads hundreds of
        thousands of votes; its dictionaries are built from columns in C, not per row."""
        rows = self._db.execute(
            "SELECT handset, answer, t_host - ? FROM votes WHERE poll_id = ? ORDER BY seq, id",
            [since, poll_id],
        ).fetchall()
        if not rows:
            return (), (), ()
        handsets, answers, times = zip(*rows, strict=True)
        return handsets, answers, times

    def question_rounds(self, question_id: int) -> list[Row]:
        """Each round of a question: its poll, when it opened, the latest answer of each
        handset (in the order they first voted) and the time of its first vote."""
        rounds = []
        for poll in self.question_polls(question_id):
            handsets, answers, times = self.poll_columns(poll["id"])
            latest = dict(zip(handsets, answers, strict=True))  # as latest_answers, one read
            first = dict(zip(reversed(handsets), reversed(times), strict=True))
            rounds.append({**poll, "latest": latest, "first": first})
        return rounds

    def poll_confidence(self, poll_id: int) -> dict[str, str]:
        """Handset -> how sure its student said they were of the vote that counts (phones
        only; handsets that did not say are left out)."""
        rows = self._rows(
            "SELECT handset, confidence FROM votes WHERE poll_id = ? ORDER BY seq, id", [poll_id]
        )
        latest = {row["handset"]: row["confidence"] for row in rows}
        return {handset: said for handset, said in latest.items() if said}

    def poll_groups(self, poll_id: int) -> dict[str, int]:
        """Handset -> discussion group number, as stored for a poll (empty: none)."""
        if "poll_groups" not in self._db.table_names():
            return {}
        rows = self._rows("SELECT handset, group_no FROM poll_groups WHERE poll_id = ?", [poll_id])
        return {row["handset"]: row["group_no"] for row in rows}

    # -- the TA's view ----------------------------------------------------------------
    def newest_poll(self) -> Row | None:
        rows = self._rows("""
            SELECT p.*, q.number, q.text, q.correct, q.choices, q.session_id,
                   (SELECT COUNT(*) FROM polls o WHERE o.question_id = p.question_id
                      AND o.closed_at IS NOT NULL) AS closed_rounds
            FROM polls p JOIN questions q ON q.id = p.question_id
            ORDER BY p.id DESC LIMIT 1""")
        return rows[0] if rows else None

    def votes_after(self, poll_id: int, vote_id: int) -> list[Row]:
        return self._rows(
            "SELECT id, handset, answer FROM votes WHERE poll_id = ? AND id > ? ORDER BY id",
            [poll_id, vote_id],
        )

    # -- the question bank --------------------------------------------------------------
    def kept_questions(self) -> dict[str, PreparedQuestion]:
        return bank.kept_questions(self._db)

    def imported_uses(self) -> dict[str, list[Row]]:
        return bank.imported_uses(self._db)

    def asked_questions(self) -> list[Row]:
        return bank.asked_questions(self._db)

    # -- grading ------------------------------------------------------------------------
    def grading_rules(self, course: str | None) -> dict[str, float] | None:
        return grading_rules(self._db, course)

    def session_owners(self, session_id: int) -> dict[str, int]:
        """Handset -> students.id for a session: its loaners, then the registered owners
        (read once per reader: a term's sessions share them)."""
        if self._registered is None:
            self._registered = registered_owners(self._db)
        return self._registered | session_loaners(self._db, session_id)

    def roster_size(self, session_id: int) -> int | None:
        """Students on the roster of the session's course (None: no roster for it)."""
        course = self.session(session_id)["course"]
        if not course:
            return None
        count = int(
            self._rows("SELECT COUNT(*) AS n FROM enrolments WHERE course = ?", [course])[0]["n"]
        )
        return count or None

    def students(self, course: str | None = None) -> list[Row]:
        """The course's roster (with each one's ``seat``) if it has one, else every student."""
        if course and self._rows("SELECT 1 FROM enrolments WHERE course = ? LIMIT 1", [course]):
            return self._rows(
                "SELECT s.*, e.seat FROM students s JOIN enrolments e ON e.student = s.id "
                "WHERE e.course = ? ORDER BY s.student_id",
                [course],
            )
        return self._rows("SELECT * FROM students ORDER BY student_id")

    def last_roster_import(self, course: str | None = None) -> Row | None:
        """The latest roster import (of ``course`` when given): when, from which file,
        and its ``changes`` (JSON)."""
        if "roster_imports" not in self._db.table_names():
            return None
        where, params = ("WHERE course = ?", [course]) if course else ("", [])
        rows = self._rows(f"SELECT * FROM roster_imports {where} ORDER BY id DESC LIMIT 1", params)
        return rows[0] if rows else None

    def handsets_of_students(self) -> dict[int, list[Row]]:
        """Student row id -> their handsets (``handset``, ``form``), registered first."""
        owned: dict[int, list[Row]] = {}
        for row in self._rows(
            "SELECT student, handset, form FROM handsets "
            "ORDER BY student, form != 'registered', handset"
        ):
            owned.setdefault(row["student"], []).append(row)
        return owned

    def imported_attempts(self, session_id: int) -> dict[tuple[int, str], int]:
        """(question number, handset) -> presses, as an imported vendor file says."""
        return {
            (row["number"], row["handset"]): row["attempts"]
            for row in self._rows(
                """
            SELECT q.number, i.handset, i.attempts FROM imported_votes i
            JOIN polls p ON p.id = i.poll_id JOIN questions q ON q.id = p.question_id
            WHERE q.session_id = ?""",
                [session_id],
            )
        }
