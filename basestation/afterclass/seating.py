"""A seating plan read from a CSV: which handset sits in which seat."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from basestation.formats.roster import SEAT_HEADERS
from basestation.seats import Seat, SeatError

WHO_HEADERS = ("student id", "student_id", "handset", "handset id", "clicker id", "id")


def read_seating(path: Path, handsets_of: Mapping[str, list[str]]) -> dict[str, Seat]:
    """Handset -> seat, from a CSV whose rows name a student (``handsets_of`` gives all
    their handsets) or a handset, and a seat. SeatError or ValueError says which line."""
    from basestation.formats.roster_file import read_roster_text

    rows = list(csv.reader(io.StringIO(read_roster_text(path))))
    if not rows:
        raise ValueError("the file is empty")
    header = [cell.strip().lower() for cell in rows[0]]
    seat_column = next((i for i, c in enumerate(header) if c in SEAT_HEADERS), None)
    who_column = next((i for i, c in enumerate(header) if c in WHO_HEADERS), None)
    if seat_column is None or who_column is None:
        raise ValueError("the header needs a Seat column and a Student ID (or Handset) one")
    seat_of: dict[str, Seat] = {}
    for number, row in enumerate(rows[1:], 2):
        if len(row) <= max(seat_column, who_column) or not row[who_column].strip():
            continue
        try:
            key, seat = row[who_column].strip(), Seat.parse(row[seat_column])
        except SeatError as error:
            raise SeatError(f"line {number}: {error}") from None
        for handset in handsets_of.get(key, [key.upper()]):
            if handset in seat_of and seat_of[handset] != seat:
                raise ValueError(f"line {number}: {key} has two seats")
            seat_of[handset] = seat
    return seat_of


def seating_for(db_path: Path, course: str | None, seats_file: Path | None) -> dict[str, Seat]:
    """Handset -> seat for a lecture: the course roster's seats, then ``seats_file``'s
    (which win). Every stored form of a student's handset ID gets the seat."""
    from basestation.db import Reader, StoreError

    owned: dict[int, list[dict[str, Any]]] = {}
    students: list[dict[str, Any]] = []
    try:
        if db_path.exists():
            with Reader(db_path) as reader:
                owned, students = reader.handsets_of_students(), reader.students(course)
    except StoreError:
        pass  # a database still being made, or none of ours: opening the store tells which
    handsets_of = {
        s["student_id"]: [h["handset"] for h in owned.get(s["id"], [])] for s in students
    }
    seat_of = {
        handset: Seat.parse(student["seat"])
        for student in students
        if student.get("seat")
        for handset in handsets_of[student["student_id"]]
    }
    if seats_file is not None:
        seat_of |= read_seating(seats_file, handsets_of)
    return seat_of
