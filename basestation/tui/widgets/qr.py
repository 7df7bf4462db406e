"""A QR code drawn with block characters, two modules to a row: a phone's camera reads
it off a terminal or a projector (dark modules on a light ground, a quiet zone)."""

from __future__ import annotations

import segno
from rich.text import Text

QUIET = 2
UPPER, LOWER, BOTH = "▀", "▄", "█"


def qr_rows(data: str) -> list[str]:
    """The code's rows as text: each character shows two modules (upper and lower)."""
    matrix = [list(row) for row in segno.make(data, error="l", boost_error=False).matrix]
    size = len(matrix) + 2 * QUIET
    light = [[False] * size for _ in range(QUIET)]
    grid = light + [[False] * QUIET + [bool(m) for m in row] + [False] * QUIET for row in matrix]
    grid += light + ([[False] * size] if len(grid + light) % 2 else [])
    rows = []
    for top, bottom in zip(grid[::2], grid[1::2], strict=True):
        rows.append(
            "".join(
                BOTH if t and b else UPPER if t else LOWER if b else " "
                for t, b in zip(top, bottom, strict=True)
            )
        )
    return rows


def qr_text(data: str) -> Text:
    """Dark modules in black on white, whatever the terminal's colours."""
    return Text("\n".join(qr_rows(data)), style="black on white", no_wrap=True)
