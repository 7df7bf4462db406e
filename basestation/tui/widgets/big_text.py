"""Figures in block letters that scale with the terminal, to be read from row 20."""

from __future__ import annotations

from rich.text import Text

GLYPH_ROWS = 5
GLYPH_COLUMNS = 3
FONT = {
    "0": ("###", "# #", "# #", "# #", "###"),
    "1": (" # ", "## ", " # ", " # ", "###"),
    "2": ("###", "  #", "###", "#  ", "###"),
    "3": ("###", "  #", "###", "  #", "###"),
    "4": ("# #", "# #", "###", "  #", "  #"),
    "5": ("###", "#  ", "###", "  #", "###"),
    "6": ("###", "#  ", "###", "# #", "###"),
    "7": ("###", "  #", "  #", "  #", "  #"),
    "8": ("###", "# #", "###", "# #", "###"),
    "9": ("###", "# #", "###", "  #", "###"),
    ":": ("   ", " # ", "   ", " # ", "   "),
    "/": ("  #", "  #", " # ", "#  ", "#  "),
    " ": ("   ", "   ", "   ", "   ", "   "),
}
BLOCK = "█"


def big_width(text: str, scale: int) -> int:
    """Columns ``text`` takes at ``scale`` (a column of space between glyphs)."""
    return len(text) * (GLYPH_COLUMNS + 1) * scale - scale


def fitting_scale(text: str, width: int, height: int) -> int:
    """The largest scale at which ``text`` fits ``width`` x ``height`` (0: it does not)."""
    scale = 0
    while big_width(text, scale + 1) <= width and GLYPH_ROWS * (scale + 1) <= height:
        scale += 1
    return scale


def big_text(text: str, scale: int, style: str = "bold") -> Text:
    """``text`` (digits, ``:``, ``/`` and spaces) in block letters ``scale`` times 3x5."""
    lines = []
    for row in range(GLYPH_ROWS):
        line = (" " * scale).join(
            "".join(
                BLOCK * scale if pixel == "#" else " " * scale
                for pixel in FONT.get(character, FONT[" "])[row]
            )
            for character in text
        )
        lines.extend([line] * scale)
    return Text("\n".join(lines), style=style)
