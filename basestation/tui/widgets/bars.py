"""The live histogram: one bar per answer, sized to the space it has."""

from __future__ import annotations

from rich.text import Text

from basestation.poll_source import LiveState
from basestation.tui.widgets.text_panel import TextPanel

LABEL_WIDTH = 3
FIGURES_WIDTH = 14
BAR_GLYPH = "█"
MAX_ROWS_PER_BAR = 4
"""Thick enough to read from the back of a room; thicker only costs redraw time."""


def render_bars(counts: dict[str, int], voters: int, correct: str | None, width: int,
                rows_per_bar: int) -> Text:
    """Bars of ``rows_per_bar`` lines each; the correct answer is marked with ✓."""
    text = Text()
    bar_room = max(width - LABEL_WIDTH - FIGURES_WIDTH - 2, 4)
    biggest = max(max(counts.values(), default=0), 1)
    for answer, count in counts.items():
        share = count / voters if voters else 0.0
        length = round(bar_room * count / biggest)
        style = "bold green" if answer == correct else "bold cyan"
        mark = "✓" if answer == correct else " "
        for row in range(rows_per_bar):
            middle = row == rows_per_bar // 2
            text.append(f"{answer}{mark} " if middle else " " * LABEL_WIDTH, style="bold")
            text.append(BAR_GLYPH * length, style=style)
            text.append(" " * (bar_room - length + 1))
            if middle:
                text.append(f"{count:>5} {share:>6.1%}".rjust(FIGURES_WIDTH), style="bold")
            text.append("\n")
    text.rstrip()
    return text


def render_hidden(state: LiveState) -> Text:
    text = Text(justify="center")
    text.append(f"\n{state.voters}\n", style="bold")
    text.append("responses" + (f" of {state.handsets_seen} handsets" if state.handsets_seen
                               else ""))
    return text


class AnswerBars(TextPanel):
    """Shows the counts; in hidden mode only the number of responses."""

    def show(self, state: LiveState, hidden: bool) -> None:
        self.center = hidden
        if hidden:
            self.set_text(render_hidden(state))
            return
        rows = min(MAX_ROWS_PER_BAR, max(1, (self.size.height or 5) // 5))
        self.set_text(render_bars(state.counts, state.voters, state.correct,
                                self.size.width or 80, rows))
