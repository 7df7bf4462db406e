"""Reading a class roster: students with one or more handset IDs.

Layouts understood (told apart by the header):
- ours and most LMS exports: a header naming columns such as ``student id`` (or
  ``sis id``, ``username``, ``id``), ``name`` (or ``first name`` + ``last name``),
  ``email``, and one or more handset columns (``handset``, ``handsets``,
  ``clicker id``, ``remote id``, ``iclicker id`` …); a cell may hold several IDs
  separated by ``;`` or spaces;
- iClicker Classic ``RemoteID.csv``: no header, rows ``#<handset ID>,"<student id>"``.

Every problem is reported with its line, and a file with any problem imports
nothing: a half-imported roster would silently misgrade.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field

from basestation.seats import Seat, SeatError
from firmware_protocol.handset_id import (
    HandsetIdError,
    alternate_form,
    is_valid_handset_id,
    parse_handset_id,
)
from firmware_protocol.turningpoint import reversed_id

STUDENT_ID_HEADERS = (
    "student id",
    "student_id",
    "studentid",
    "sis id",
    "sis user id",
    "username",
    "user id",
    "id",
    "id number",
)
NAME_HEADERS = ("name", "student", "full name", "student name")
FIRST_NAME_HEADERS = ("first name", "first_name", "firstname", "given name")
LAST_NAME_HEADERS = ("last name", "last_name", "lastname", "surname", "family name")
EMAIL_HEADERS = ("email", "email address", "e-mail")
SEAT_HEADERS = ("seat",)
HANDSET_WORDS = ("handset", "clicker", "remote", "iclicker", "device")
MAX_PROBLEMS_SHOWN = 20


class RosterError(ValueError):
    """A roster that cannot be imported; ``problems`` lists each line that is wrong."""

    def __init__(self, problems: list[str]) -> None:
        shown = problems[:MAX_PROBLEMS_SHOWN]
        more = len(problems) - len(shown)
        super().__init__(
            "the roster was not imported:\n"
            + "\n".join(shown)
            + (f"\n… and {more} more" if more else "")
        )
        self.problems = problems


@dataclass
class RosterEntry:
    line: int
    student_id: str
    name: str = ""
    email: str = ""
    handsets: list[str] = field(default_factory=list)
    seat: str = ""
    """Where the student sits in the course's room (``C12``), if the roster says."""


HEX_DIGITS = set("0123456789abcdefABCDEF")
TURNINGPOINT_DIGITS = 6


def normalise_typed_id(text: str) -> str:
    """A handset ID as students and old files write it: ``#``, lower case, zeros dropped.
    Six hex digits without ``#`` are a TurningPoint ResponseCard's ID."""
    marked = text.strip().startswith("#")
    cleaned = text.strip().lstrip("#").strip()
    compact = cleaned.replace("-", "").replace(" ", "")
    if not marked and len(compact) == TURNINGPOINT_DIGITS and set(compact) <= HEX_DIGITS:
        return compact.upper()
    if 0 < len(cleaned) < 8 and set(cleaned) <= HEX_DIGITS:
        cleaned = cleaned.rjust(8, "0")
    return parse_handset_id(cleaned)


def parse_roster(text: str) -> list[RosterEntry]:
    rows = _numbered_rows(text, _delimiter(text))
    if not rows:
        raise RosterError(["the file has no rows"])
    if rows[0][1][0].strip().startswith("#"):
        entries, problems = _classic_rows(rows)
    else:
        entries, problems = _headed_rows(rows)
    problems += _conflicts(entries)
    if problems:
        raise RosterError(problems)
    return entries


def with_alternate_forms(entries: list[RosterEntry]) -> dict[str, tuple[str, str]]:
    """Handset -> (student id, form): every registered ID, and its alternate form where
    one exists and nobody registered it directly."""
    mapping = {h: (e.student_id, "registered") for e in entries for h in e.handsets}
    for entry in entries:
        for handset in entry.handsets:
            for alternate, form in _other_forms(handset):
                if alternate not in mapping:
                    mapping[alternate] = (entry.student_id, form)
    return mapping


def _other_forms(handset: str) -> list[tuple[str, str]]:
    """IDs the same handset may send: an LMS's ``0…`` form of an iClicker ID; a
    TurningPoint ID read the other way round (labels do not settle the byte order),
    or an iClicker ID whose two leading zeros were dropped."""
    if len(handset) != TURNINGPOINT_DIGITS:
        alternate = alternate_form(handset)
        return [] if alternate is None else [(alternate, "alternate")]
    forms = [(reversed_id(handset), "reversed")]
    if is_valid_handset_id("00" + handset):
        forms.append(("00" + handset, "zeros dropped"))
    return forms


def _classic_rows(rows: list[tuple[int, list[str]]]) -> tuple[list[RosterEntry], list[str]]:
    """``#<ID>,<student id>`` rows of iClicker Classic's RemoteID.csv; a header line at
    the top (``#Clicker ID,Student ID``) is no registration."""
    entries, problems = [], []
    if rows and not set(rows[0][1][0].strip().lstrip("#").strip()) <= HEX_DIGITS:
        rows = rows[1:]
    for number, row in rows:
        if len(row) < 2 or not row[1].strip():
            problems.append(f"line {number}: expected #<handset ID>,<student id>")
            continue
        entry = RosterEntry(number, row[1].strip())
        _add_handsets(entry, row[0], problems)
        entries.append(entry)
    return entries, problems


def _headed_rows(rows: list[tuple[int, list[str]]]) -> tuple[list[RosterEntry], list[str]]:
    numbered = rows
    header_line, header = numbered[0]
    columns = [cell.strip().lower() for cell in header]
    student_column = _find(columns, STUDENT_ID_HEADERS)
    handset_columns = [
        i
        for i, c in enumerate(columns)
        if any(w in c for w in HANDSET_WORDS) and i != student_column
    ]
    if student_column is None or not handset_columns:
        return [], [
            f"line {header_line}: the header needs a student ID column "
            f"({', '.join(STUDENT_ID_HEADERS[:4])}, …) and a handset column "
            f"(a name with {', '.join(HANDSET_WORDS)}); found {header}"
        ]
    name, first, last = (
        _find(columns, NAME_HEADERS),
        _find(columns, FIRST_NAME_HEADERS),
        _find(columns, LAST_NAME_HEADERS),
    )
    email = _find(columns, EMAIL_HEADERS)
    seat = _find(columns, SEAT_HEADERS)
    entries, problems = [], []
    for number, row in numbered[1:]:
        cells = row + [""] * (len(columns) - len(row))
        student_id = cells[student_column].strip()
        if not student_id:
            problems.append(f"line {number}: no student ID")
            continue
        if name is not None:
            full_name = cells[name].strip()
        else:
            full_name = " ".join(cells[i].strip() for i in (first, last) if i is not None)
        entry = RosterEntry(
            number, student_id, full_name, cells[email].strip() if email is not None else ""
        )
        for column in handset_columns:
            _add_handsets(entry, cells[column], problems)
        if seat is not None and cells[seat].strip():
            try:
                entry.seat = str(Seat.parse(cells[seat]))
            except SeatError as error:
                problems.append(f"line {number}: {error}")
        entries.append(entry)
    return entries, problems


def _add_handsets(entry: RosterEntry, cell: str, problems: list[str]) -> None:
    for typed in cell.replace(";", " ").replace(",", " ").split():
        try:
            handset = normalise_typed_id(typed)
        except HandsetIdError as error:
            problems.append(f"line {entry.line} ({entry.student_id}): {error}")
            continue
        if handset not in entry.handsets:
            entry.handsets.append(handset)


def _conflicts(entries: list[RosterEntry]) -> list[str]:
    problems = []
    owner: dict[str, RosterEntry] = {}
    seen_students: dict[str, int] = {}
    for entry in entries:
        if entry.student_id in seen_students:
            problems.append(
                f"line {entry.line}: student {entry.student_id} is already on "
                f"line {seen_students[entry.student_id]}"
            )
        seen_students.setdefault(entry.student_id, entry.line)
        for handset in entry.handsets:
            first = owner.setdefault(handset, entry)
            if first is not entry:
                problems.append(
                    f"line {entry.line}: handset {handset} is also registered to "
                    f"{first.student_id} on line {first.line}"
                )
    return problems


def _delimiter(text: str) -> str:
    """``,`` or, as European Excel writes, ``;`` (or a tab)."""
    sample = "\n".join(text.lstrip("\ufeff").splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def _numbered_rows(text: str, delimiter: str = ",") -> list[tuple[int, list[str]]]:
    rows = []
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        if line.strip():
            try:
                rows.append((number, next(csv.reader([line], delimiter=delimiter))))
            except csv.Error as error:
                raise RosterError([f"line {number}: {error}"]) from None
    return rows


def _find(columns: list[str], names: tuple[str, ...]) -> int | None:
    for wanted in names:
        if wanted in columns:
            return columns.index(wanted)
    return None
