"""The room as rows of seats, the front at the top, each seat that voted carrying its
discussion group's mark: a colour of the Okabe-Ito palette (told apart by colour-blind
eyes too) and a glyph, so that no group depends on colour alone. No names, no answers,
no counts: it is for the projector."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from rich.text import Text

from basestation.seats import Seat, rows_of

OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
GLYPHS = "●■▲◆★✚✖♥"
"""7 colours and 8 glyphs: 56 marks, and neighbouring groups never share a colour or a glyph."""
EMPTY = "·"


def mark_of(group: int) -> tuple[str, str]:
    """(glyph, colour) of the group numbered ``group`` (from 0)."""
    return GLYPHS[group % len(GLYPHS)], OKABE_ITO[group % len(OKABE_ITO)]


def seat_map(groups: Sequence[Sequence[Seat]], seats: Collection[Seat]) -> Text:
    """``seats``: every seat of the seating (those who did not vote stay empty)."""
    group_of = {seat: number for number, group in enumerate(groups) for seat in group}
    every = set(seats) | set(group_of)
    rows = rows_of(every)
    low = min((min(numbers) for numbers in rows.values()), default=1)
    high = max((max(numbers) for numbers in rows.values()), default=1)
    width = 4 + 2 * (high - low + 1)
    text = Text()
    text.append("FRONT".center(width), style="bold reverse")
    for row, numbers in rows.items():
        label = Seat(row, 1).row
        text.append(f"\n{label:>3} ", style="bold")
        taken = set(numbers)
        for number in range(low, high + 1):
            seat = Seat(row, number)
            if seat in group_of:
                glyph, colour = mark_of(group_of[seat])
                text.append(f"{glyph} ", style=f"bold {colour}")
            else:
                text.append(f"{EMPTY if number in taken else ' '} ", style="dim")
    return text
