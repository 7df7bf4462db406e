"""Where a simulated class sits: rows of ``per_row`` seats from the front (row A), in a
seeded random order, about one seat in eight left empty, as in a real lecture hall."""

from __future__ import annotations

import random
from collections.abc import Sequence

EMPTY_SHARE = 0.125


def row_letters(index: int) -> str:
    letters, index = "", index + 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def seat_class(handsets: Sequence[str], per_row: int, seed: int) -> dict[str, str]:
    """Handset -> seat (``C12``)."""
    if per_row < 1:
        raise ValueError("seats per row must be at least 1")
    rng = random.Random(f"seats-{seed}")
    taken = sorted(handsets)
    rng.shuffle(taken)
    seats: dict[str, str] = {}
    place = 0
    for handset in taken:
        while rng.random() < EMPTY_SHARE:
            place += 1  # an empty seat
        row, number = divmod(place, per_row)
        seats[handset] = f"{row_letters(row)}{number + 1}"
        place += 1
    return seats
