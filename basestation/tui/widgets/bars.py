"""The live histogram: one bar per answer, sized to the space it has."""

from __future__ import annotations

from rich.text import Text

from basestation.domain import correct_answers
from basestation.poll_source import LiveState
from basestation.tui.widgets.text_panel import TextPanel

LABEL_WIDTH = 3
FIGURES_WIDTH = 14
BAR_GLYPH = "█"
MAX_ROWS_PER_BAR = 12


def bar_rows(height: int, bars: int) -> tuple[int, int]:
    """(rows per bar, blank rows between bars) that fill ``height``."""
    bars = max(bars, 1)
    gap = 1 if height >= 2 * bars + bars - 1 else 0
    rows = max(1, (height - gap * (bars - 1)) // bars)
    return min(rows, MAX_ROWS_PER_BAR), gap


def render_bars(counts: dict[str, int], voters: int, correct: str | None, width: int,
                rows_per_bar: int, gap: int = 0) -> Text:
    """Bars of ``rows_per_bar`` lines each; the correct answers are marked with ✓."""
    text = Text()
    keys = correct_answers(correct)
    bar_room = max(width - LABEL_WIDTH - FIGURES_WIDTH - 2, 4)
    biggest = max(max(counts.values(), default=0), 1)
    for index, (answer, count) in enumerate(counts.items()):
        if index and gap:
            text.append("\n" * gap)
        share = count / voters if voters else 0.0
        length = round(bar_room * count / biggest)
        right = answer in keys
        style = "bold green" if right else "bold cyan"
        mark = "✓" if right else " "
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


class AnswerBars(TextPanel):
    """The counts of the open (or last) round; ``correct`` is marked when given."""

    def show(self, state: LiveState, correct: str | None) -> None:
        rows, gap = bar_rows(self.size.height or 5, len(state.counts))
        self.set_text(render_bars(state.counts, state.voters, correct,
                                  self.size.width or 80, rows, gap))
