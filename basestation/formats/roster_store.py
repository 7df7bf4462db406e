"""The roster in the database: importing it whole, assigning handsets later, loaners.
Every write goes through the store's writer (``basestation.db.roster`` holds the SQL)."""

from __future__ import annotations

from dataclasses import dataclass

from basestation.db import Store, StoreError
from basestation.db import roster as sql
from basestation.formats.roster import RosterEntry, normalise_typed_id, with_alternate_forms
from firmware_protocol.handset_id import HandsetIdError


@dataclass(frozen=True)
class ImportResult:
    students: int
    registered: int
    """Handsets the file names."""
    forms: int
    """Other forms of their IDs, registered too (the forms LMS tools also accept)."""
    changes: dict[str, list[str]]


def import_roster(
    store: Store,
    entries: list[RosterEntry],
    move: bool = False,
    course: str | None = None,
    source: str = "",
) -> ImportResult:
    """Add or update every student and (re)assign their handsets, in one transaction."""
    handsets = with_alternate_forms(entries)
    students = [
        {"student_id": e.student_id, "name": e.name, "email": e.email, "seat": e.seat}
        for e in entries
    ]
    changes = store.call(sql.import_students, students, handsets, move, course, source)
    registered = sum(len(entry.handsets) for entry in entries)
    return ImportResult(len(entries), registered, len(handsets) - registered, changes)


def assign_handset(
    store: Store, handset: str, student_id: str, session_id: int | None = None, move: bool = False
) -> str:
    """Give a handset to a student: for good, or as a loaner for one session. Votes it
    already sent (kept though it was unregistered) count for that student from now on.
    Returns the handset ID as stored."""
    try:
        handset = normalise_typed_id(handset)
    except HandsetIdError as error:
        raise StoreError(str(error)) from error
    store.call(sql.assign_handset, handset, student_id, session_id, move)
    return handset
