"""Personal codes for signing in on a phone: made for a course's students, stored only
as salted scrypt hashes (making a student's code again replaces the old one), and
checked against a read-only connection from the web server's thread."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import time
from pathlib import Path

import sqlite_utils

from basestation.db.connection import StoreError

CODE_SYMBOLS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
"""40 bits: guessing online meets the rate limit, offline the hash's cost."""
SCRYPT = {"n": 2**11, "r": 8, "p": 1}


def phone_voter(student_id: str) -> str:
    """The handset a student without a clicker votes as on a phone."""
    return "P-" + hashlib.sha256(student_id.encode()).hexdigest()[:10].upper()


def _hash(code: str, salt: bytes) -> bytes:
    return hashlib.scrypt(code.encode(), salt=salt, **SCRYPT)


def make_codes(db: sqlite_utils.Database, course: str) -> list[tuple[str, str, str]]:
    """A new code for every student on the course's roster: (student ID, name, code),
    in student-ID order. Each student's phone handset is registered as theirs."""
    students = list(
        db.query(
            "SELECT s.id, s.student_id, s.name FROM students s JOIN enrolments e "
            "ON e.student = s.id WHERE e.course = ? ORDER BY s.student_id",
            [course],
        )
    )
    if not students:
        raise StoreError(f"no roster for the course {course!r} (roster import --course first)")
    made = []
    with db.atomic():
        for student in students:
            code = "".join(secrets.choice(CODE_SYMBOLS) for _ in range(CODE_LENGTH))
            salt = secrets.token_bytes(16)
            db.table("phone_codes").upsert(
                {"student": student["id"], "salt": salt, "hash": _hash(code, salt)}
                | {"made_at": time.time()},
                pk="student",
            )
            db.table("handsets").upsert(
                {
                    "handset": phone_voter(student["student_id"]),
                    "student": student["id"],
                    "form": "phone",
                },
                pk="handset",
            )
            made.append((student["student_id"], student["name"] or "", code))
    return made


class PhoneSignIn:
    """The web receiver's roster: a student ID and code give the handset to vote as
    (the student's registered clicker, else their phone handset), or None."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def sign_in(self, student_id: str, code: str) -> str | None:
        try:
            connection = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=5.0)
        except sqlite3.Error:
            return None
        try:
            row = connection.execute(
                "SELECT s.id, p.salt, p.hash FROM students s JOIN phone_codes p "
                "ON p.student = s.id WHERE s.student_id = ?",
                [student_id],
            ).fetchone()
            if row is None:
                _hash(code, b"no such student")  # the same time either way
                return None
            if not hmac.compare_digest(_hash(code, row[1]), row[2]):
                return None
            clicker = connection.execute(
                "SELECT handset FROM handsets WHERE student = ? AND form IN "
                "('registered', 'assigned') ORDER BY form != 'registered', handset LIMIT 1",
                [row[0]],
            ).fetchone()
        except sqlite3.Error:
            return None
        finally:
            connection.close()
        return str(clicker[0]) if clicker else phone_voter(student_id)
