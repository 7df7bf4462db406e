"""Seats (``C12``: row letters, then a number) and who sits next to whom.

Neighbours are the next occupied seats along a row (``C11`` and ``C13`` when ``C12``
is empty) and, in the rows in front and behind (the next row letter either way), the
occupied seat nearest by number (both, on a tie). The relation is symmetric.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Collection
from dataclasses import dataclass

_SEAT = re.compile(r"\s*([A-Za-z]{1,3})\s*-?\s*(\d{1,4})\s*")


class SeatError(ValueError):
    """Text that is not a seat."""


@dataclass(frozen=True, order=True)
class Seat:
    row_index: int
    """A=0 … Z=25, AA=26 …: the front of the room is row A."""
    number: int

    @classmethod
    def parse(cls, text: str) -> Seat:
        match = _SEAT.fullmatch(text)
        if match is None:
            raise SeatError(f"{text[:20]!r} is not a seat like C12 (row letters, a number)")
        index = 0
        for letter in match.group(1).upper():
            index = index * 26 + (ord(letter) - ord("A") + 1)
        return cls(index - 1, int(match.group(2)))

    @property
    def row(self) -> str:
        letters, index = "", self.row_index + 1
        while index:
            index, rest = divmod(index - 1, 26)
            letters = chr(ord("A") + rest) + letters
        return letters

    def __str__(self) -> str:
        return f"{self.row}{self.number}"


def rows_of(seats: Collection[Seat]) -> dict[int, list[int]]:
    """Row index -> its occupied seat numbers, in order."""
    rows: dict[int, list[int]] = {}
    for seat in seats:
        rows.setdefault(seat.row_index, []).append(seat.number)
    return {row: sorted(set(numbers)) for row, numbers in sorted(rows.items())}


def neighbours(seats: Collection[Seat]) -> dict[Seat, set[Seat]]:
    rows = rows_of(seats)
    near: dict[Seat, set[Seat]] = {seat: set() for seat in seats}

    def link(a: Seat, b: Seat) -> None:
        near[a].add(b)
        near[b].add(a)

    for row, numbers in rows.items():
        for left, right in itertools.pairwise(numbers):
            link(Seat(row, left), Seat(row, right))
        behind = rows.get(row + 1)
        if not behind:
            continue
        for number in numbers:
            for other in _nearest(behind, number):
                link(Seat(row, number), Seat(row + 1, other))
        for other in behind:
            for number in _nearest(numbers, other):
                link(Seat(row, number), Seat(row + 1, other))
    return near


def _nearest(numbers: list[int], number: int) -> list[int]:
    at = bisect.bisect_left(numbers, number)
    candidates = numbers[max(at - 1, 0) : at + 1]
    best = min(abs(n - number) for n in candidates)
    return [n for n in candidates if abs(n - number) == best]
