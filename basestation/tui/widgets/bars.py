"""The live histogram: one bar per answer, sized to the space it has."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from basestation.domain import correct_answers
from basestation.poll_source import LiveState
from basestation.tui.widgets.text_panel import TextPanel

LABEL_WIDTH = 3
FIGURES_WIDTH = 14
BAR_GLYPH = "█"
MAX_ROWS_PER_BAR = 12
MAX_STRIPS_KEPT = 1_000


def bar_rows(height: int, bars: int) -> tuple[int, int]:
    """(rows per bar, blank rows between bars) that fill ``height``."""
    bars = max(bars, 1)
    gap = 1 if height >= 2 * bars + bars - 1 else 0
    rows = max(1, (height - gap * (bars - 1)) // bars)
    return min(rows, MAX_ROWS_PER_BAR), gap


Piece = tuple[str, str]
"""Some text and its style."""


def bar_lines(
    counts: dict[str, int],
    voters: int,
    correct: str | None,
    width: int,
    rows_per_bar: int,
    gap: int = 0,
) -> list[list[Piece]]:
    """Bars of ``rows_per_bar`` lines each, line by line; the correct answers are marked
    with ✓."""
    lines: list[list[Piece]] = []
    keys = correct_answers(correct)
    bar_room = max(width - LABEL_WIDTH - FIGURES_WIDTH - 2, 4)
    biggest = max(max(counts.values(), default=0), 1)
    for index, (answer, count) in enumerate(counts.items()):
        if index and gap:
            lines += [[] for _ in range(gap)]
        share = count / voters if voters else 0.0
        length = round(bar_room * count / biggest)
        right = answer in keys
        style = "bold green" if right else "bold cyan"
        mark = "✓" if right else " "
        for row in range(rows_per_bar):
            middle = row == rows_per_bar // 2
            line = [
                (f"{answer}{mark} " if middle else " " * LABEL_WIDTH, "bold"),
                (BAR_GLYPH * length, style),
                (" " * (bar_room - length + 1), ""),
            ]
            if middle:
                line.append((f"{count:>5} {share:>6.1%}".rjust(FIGURES_WIDTH), "bold"))
            lines.append(line)
    return lines


def text_of(lines: list[list[Piece]]) -> Text:
    text = Text()
    for number, line in enumerate(lines):
        if number:
            text.append("\n")
        for piece, style in line:
            text.append(piece, style=style)
    text.rstrip()
    return text


def render_bars(
    counts: dict[str, int],
    voters: int,
    correct: str | None,
    width: int,
    rows_per_bar: int,
    gap: int = 0,
) -> Text:
    """Bars of ``rows_per_bar`` lines each; the correct answers are marked with ✓."""
    return text_of(bar_lines(counts, voters, correct, width, rows_per_bar, gap))


_STYLES = {name: Style.parse(name) for name in ("", "bold", "bold green", "bold cyan")}
NARROWEST = LABEL_WIDTH + 4 + 1 + FIGURES_WIDTH + 1
"""Narrower than this, a bar's line no longer fits and the text is wrapped instead."""


class AnswerBars(TextPanel):
    """The counts of the open (or last) round; ``correct`` is marked when given. Its
    lines are drawn as strips straight from their pieces: with votes pouring in this is
    the busiest widget of the screen."""

    _lines: list[list[Piece]] | None = None
    _made: dict[tuple[int, tuple[Piece, ...]], Strip] | None = None

    _shown: tuple[LiveState, str | None] | None = None

    def show(self, state: LiveState, correct: str | None) -> None:
        self._shown = (state, correct)
        width = self.size.width or 80
        rows, gap = bar_rows(self.size.height or 5, len(state.counts))
        lines = bar_lines(state.counts, state.voters, correct, width, rows, gap)
        if lines == self._lines:
            return
        self._lines = lines
        if width < NARROWEST:
            self.set_text(text_of(lines))
        else:
            self.set_strips(self._strips_of(lines, width))

    def on_resize(self) -> None:
        """Bars sized to the space they have now (also when first shown: a hidden panel
        has no size). Textual calls the panel's own handler too."""
        if self._shown is not None:
            self._lines = None
            self.show(*self._shown)

    def _strips_of(self, lines: list[list[Piece]], width: int) -> list[Strip]:
        """One strip per line; a line drawn before (most rows of a bar, most redraws) is
        the strip made then, so unchanged rows cost neither a new strip nor a repaint."""
        made = self._made
        if made is None or len(made) > MAX_STRIPS_KEPT:
            made = self._made = {}
        strips = []
        for line in lines:
            key = (width, tuple(line))
            strip = made.get(key)
            if strip is None:
                strip = made[key] = (
                    Strip([Segment(piece, _STYLES[style]) for piece, style in line if piece])
                    .extend_cell_length(width)
                    .crop(0, width)
                )
            strips.append(strip)
        return strips

    def _build(self) -> list[Strip]:
        width = self.size.width
        if self._lines is None or width < NARROWEST:
            return super()._build()
        return self._strips_of(self._lines, width)

    def render(self) -> Text:
        return text_of(self._lines) if self._lines is not None else Text()
