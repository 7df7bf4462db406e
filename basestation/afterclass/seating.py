"""A seating plan read from a CSV: which handset sits in which seat."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path

from basestation.seats import Seat

SEAT_HEADERS = ("seat",)
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
        key, seat = row[who_column].strip(), Seat.parse(row[seat_column])
        for handset in handsets_of.get(key, [key.upper()]):
            if handset in seat_of and seat_of[handset] != seat:
                raise ValueError(f"line {number}: {key} has two seats")
            seat_of[handset] = seat
    return seat_of
