"""The roster in the database: importing it whole, assigning handsets later, loaners,
and which student a handset stands for in a given session."""

from __future__ import annotations

import sqlite_utils

from basestation.roster import RosterEntry, with_alternate_forms
from basestation.store import StoreError
from firmware_protocol.handset_id import HandsetIdError, parse_handset_id


def import_roster(db: sqlite_utils.Database, entries: list[RosterEntry]) -> dict[str, int]:
    """Add or update every student and (re)assign their handsets, in one transaction."""
    handsets = with_alternate_forms(entries)
    with db.atomic():
        ids = {}
        for entry in entries:
            existing = list(db.query("SELECT id FROM students WHERE student_id = ?",
                                     [entry.student_id]))
            values = {"student_id": entry.student_id, "name": entry.name or None,
                      "email": entry.email or None}
            if existing:
                ids[entry.student_id] = existing[0]["id"]
                db.table("students").update(existing[0]["id"], values)
            else:
                ids[entry.student_id] = db.table("students").insert(values).last_pk
        db.table("handsets").upsert_all(
            [{"handset": h, "student": ids[s], "form": form}
             for h, (s, form) in handsets.items()], pk="handset")
    return {"students": len(entries), "handsets": len(handsets)}


def assign_handset(db: sqlite_utils.Database, handset: str, student_id: str,
                   session_id: int | None = None) -> None:
    """Give a handset to a student: for good, or as a loaner for one session. Votes it
    already sent (kept though it was unregistered) count for that student from now on."""
    try:
        handset = parse_handset_id(handset)
    except HandsetIdError as error:
        raise StoreError(str(error)) from error
    rows = list(db.query("SELECT id FROM students WHERE student_id = ?", [student_id]))
    if not rows:
        raise StoreError(f"no student {student_id!r} on the roster (import it first)")
    with db.atomic():
        if session_id is None:
            db.table("handsets").upsert({"handset": handset, "student": rows[0]["id"],
                                         "form": "assigned"}, pk="handset")
        else:
            db.execute("DELETE FROM loaners WHERE session_id = ? AND handset = ?",
                       [session_id, handset])
            db.table("loaners").insert({"session_id": session_id, "handset": handset,
                                        "student": rows[0]["id"]})


def session_owners(db: sqlite_utils.Database, session_id: int) -> dict[str, int]:
    """Handset -> students.id for a session: loaners first, then the registered owners."""
    owners = {row["handset"]: row["student"] for row in db.query(
        "SELECT handset, student FROM handsets")}
    owners |= {row["handset"]: row["student"] for row in db.query(
        "SELECT handset, student FROM loaners WHERE session_id = ?", [session_id])}
    return owners
