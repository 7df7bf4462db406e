"""The room as rows of seats, the front at the top, each seat that voted carrying its
discussion group's mark: a colour of the Okabe-Ito palette (told apart by colour-blind
eyes too) and a glyph, so that no group depends on colour alone. No names, no answers,
no counts, no row letters (they would read as answers): it is for the projector."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from rich.text import Text

from basestation.seats import Seat, rows_of

OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
GLYPHS = "●■▲◆★✚✖♥"
"""7 colours and 8 glyphs: 56 marks. Groups are numbered along the rows, so groups side by
side differ in both colour and glyph; two groups share a mark only 56 apart."""
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
    width = 2 * (high - low + 1) - 1
    text = Text()
    text.append("FRONT".center(width), style="bold reverse")
    for row, numbers in rows.items():
        text.append("\n")
        taken = set(numbers)
        for number in range(low, high + 1):
            seat = Seat(row, number)
            if seat in group_of:
                glyph, colour = mark_of(group_of[seat])
                text.append(glyph, style=f"bold {colour}")
            else:
                text.append(EMPTY if number in taken else " ", style="dim")
            if number < high:
                text.append(" ")
    return text
