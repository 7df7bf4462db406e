"""The roster's and the grading rules' SQL: students, handsets, loaners, rules."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from typing import Any

import sqlite_utils

from basestation.db.connection import StoreError


def import_students(
    db: sqlite_utils.Database,
    students: Sequence[Mapping[str, str | None]],
    handsets: Mapping[str, tuple[str, str]],
    move: bool = False,
    course: str | None = None,
    source: str = "",
) -> dict[str, list[str]]:
    """Add or update every student (``student_id``, ``name``, ``email``, ``seat`` in the
    course's room) and assign
    ``handsets`` (handset -> (student_id, form)), in one transaction. A handset that
    another student registered is refused (StoreError naming both) unless ``move``.
    Returns what changed (also kept for ``roster show``)."""
    with db.atomic():
        changes: dict[str, list[str]] = {
            "added": [],
            "updated": [],
            "handsets_added": [],
            "handsets_moved": [],
            "not_in_file": [],
        }
        ids: dict[str, Any] = {}
        for student in students:
            student_id = str(student["student_id"])
            existing = list(db.query("SELECT id FROM students WHERE student_id = ?", [student_id]))
            values = {
                "student_id": student_id,
                "name": student.get("name") or None,
                "email": student.get("email") or None,
            }
            if existing:
                ids[student_id] = existing[0]["id"]
                before = db.table("students").get(existing[0]["id"])
                if any(before[name] != value for name, value in values.items()):
                    changes["updated"].append(student_id)
                db.table("students").update(existing[0]["id"], values)
            else:
                ids[student_id] = db.table("students").insert(values).last_pk
                changes["added"].append(student_id)
        owners = _owners(db)
        conflicts, rows = [], []
        for handset, (student_id, form) in handsets.items():
            owner = owners.get(handset)
            if owner is not None and owner[0] != student_id and owner[2] != "alternate":
                if form != "registered":
                    continue  # another form of someone else's handset: leave it theirs
                if not move:
                    conflicts.append(_conflict(handset, owner, student_id, students))
                    continue
            rows.append({"handset": handset, "student": ids[student_id], "form": form})
            if form == "registered" and owner is None:
                changes["handsets_added"].append(handset)
            elif form == "registered" and owner is not None and owner[0] != student_id:
                changes["handsets_moved"].append(f"{handset}: {owner[0]} -> {student_id}")
        if conflicts:
            raise StoreError(
                "; ".join(conflicts) + ": nothing was imported (pass --move to move these handsets)"
            )
        db.table("handsets").upsert_all(rows, pk="handset")
        if course:
            listed = {str(s["student_id"]) for s in students}
            changes["not_in_file"] = [
                row["student_id"]
                for row in db.query(
                    "SELECT s.student_id FROM enrolments e JOIN students s ON s.id = e.student "
                    "WHERE e.course = ? ORDER BY s.student_id",
                    [course],
                )
                if row["student_id"] not in listed
            ]
            seated = any(s.get("seat") for s in students)  # a file with a seat column
            db.table("enrolments").upsert_all(
                [
                    {"course": course, "student": ids[str(s["student_id"])]}
                    | ({"seat": s.get("seat") or None} if seated else {})
                    for s in students
                ],
                pk=("course", "student"),
            )
        db.table("roster_imports").insert(
            {
                "at": time.time(),
                "course": course or "",
                "source": source,
                "changes": json.dumps(changes),
            }
        )
    return changes


def _owners(db: sqlite_utils.Database) -> dict[str, tuple[str, str, str]]:
    """Handset -> (student_id, name, form) of its registered owner."""
    return {
        row["handset"]: (row["student_id"], row["name"] or "", row["form"] or "")
        for row in db.query(
            "SELECT h.handset, h.form, s.student_id, s.name FROM "
            "handsets h JOIN students s ON s.id = h.student"
        )
    }


def _conflict(
    handset: str,
    owner: tuple[str, str, str],
    student_id: str,
    students: Sequence[Mapping[str, str | None]],
) -> str:
    names = {str(s["student_id"]): s.get("name") or "" for s in students}
    new_name = names.get(student_id, "")
    return (
        f"handset {handset} belongs to {owner[0]}"
        + (f" ({owner[1]})" if owner[1] else "")
        + f", not {student_id}"
        + (f" ({new_name})" if new_name else "")
    )


def assign_handset(
    db: sqlite_utils.Database,
    handset: str,
    student_id: str,
    session_id: int | None,
    move: bool = False,
) -> None:
    """For good, or as a loaner for one session; another student's handset only with
    ``move`` (a loaner for one session is no move)."""
    rows = list(db.query("SELECT id FROM students WHERE student_id = ?", [student_id]))
    if not rows:
        raise StoreError(f"no student {student_id!r} on the roster (import it first)")
    if session_id is None:
        owner = _owners(db).get(handset)
        if owner is not None and owner[0] != student_id and not move:
            raise StoreError(
                _conflict(handset, owner, student_id, []) + ": pass --move to "
                "move it (its votes then count for the new student)"
            )
        db.table("handsets").upsert(
            {"handset": handset, "student": rows[0]["id"], "form": "assigned"}, pk="handset"
        )
        return
    if not list(db.query("SELECT id FROM sessions WHERE id = ?", [session_id])):
        raise StoreError(f"there is no session {session_id}")
    db.execute("DELETE FROM loaners WHERE session_id = ? AND handset = ?", [session_id, handset])
    db.table("loaners").insert(
        {"session_id": session_id, "handset": handset, "student": rows[0]["id"]}
    )


def registered_owners(db: sqlite_utils.Database) -> dict[str, int]:
    """Handset -> students.id of every handset given to a student for good."""
    return dict(db.execute("SELECT handset, student FROM handsets").fetchall())


def session_loaners(db: sqlite_utils.Database, session_id: int) -> dict[str, int]:
    """Handset -> students.id of the loaners of one session (they win over owners)."""
    rows = db.execute(
        "SELECT handset, student FROM loaners WHERE session_id = ?", [session_id]
    ).fetchall()
    return dict(rows)


RULE_FIELDS = ("participation_percent", "participation_points", "answer_points", "correct_points")


def grading_rules(db: sqlite_utils.Database, course: str | None) -> dict[str, float] | None:
    rows = list(db.query("SELECT * FROM grading WHERE course = ?", [course or ""]))
    return {name: float(rows[0][name]) for name in RULE_FIELDS} if rows else None


def set_grading_rules(
    db: sqlite_utils.Database, course: str | None, rules: Mapping[str, float]
) -> None:
    db.table("grading").upsert({"course": course or "", **rules}, pk="course")
