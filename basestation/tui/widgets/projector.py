"""Projector mode: the results hidden, the response count and the timer in large type."""

from __future__ import annotations

from rich.text import Text

from basestation.poll_source import LiveState, whole_seconds
from basestation.tui.widgets.big_text import big_text, fitting_scale
from basestation.tui.widgets.text_panel import TextPanel

CAPTION_ROWS = 3
"""RESULTS HIDDEN above the count, its caption below, a blank row before the timer."""


def clock_text(seconds: float) -> str:
    minutes, rest = divmod(whole_seconds(seconds), 60)
    return f"{minutes}:{rest:02d}"


def count_text(state: LiveState) -> tuple[str, str]:
    """The big figure and what it counts: of the roster once one is loaded."""
    if state.roster_size:
        return (
            f"{state.voters}/{state.roster_size}",
            f"{state.voters} responses of {state.roster_size} on the roster",
        )
    if state.handsets_seen:
        return str(state.voters), (
            f"{state.voters} responses ({state.handsets_seen} handsets seen today)"
        )
    return str(state.voters), f"{state.voters} responses"


def render_projector(state: LiveState, width: int, height: int) -> Text:
    count, caption = count_text(state)
    counting_down = state.remaining_s is not None
    timer = clock_text(state.remaining_s if state.remaining_s is not None else state.elapsed_s)
    timer_style = "bold red" if counting_down and (state.remaining_s or 0) <= 10 else "bold"
    timer_caption = "left" if counting_down else "elapsed"
    room = max(height - CAPTION_ROWS - 1, 0)
    both = min(fitting_scale(count, width, room // 2), fitting_scale(timer, width, room // 2))
    text = Text(justify="center")
    text.append("RESULTS HIDDEN\n", style="bold reverse")
    if both:
        text.append_text(big_text(count, both))
        text.append(f"\n{caption}\n\n", style="bold")
        text.append_text(big_text(timer, both, timer_style))
        text.append(f"\n{timer_caption}", style="dim")
        return text
    alone = fitting_scale(count, width, room)
    text.append_text(big_text(count, alone) if alone else Text(count, style="bold"))
    text.append(f"\n{caption}\n", style="bold")
    text.append(f"{timer} {timer_caption}", style=timer_style)
    return text


class ProjectorPanel(TextPanel):
    _shown: LiveState | None = None

    def show(self, state: LiveState) -> None:
        self._shown = state
        self.center = True
        self.set_text(render_projector(state, self.size.width or 80, self.size.height or 15))

    def on_resize(self) -> None:
        """Figures sized to the space there is now (also when first shown: a hidden panel
        has no size). Textual calls the panel's own handler too."""
        if self._shown is not None:
            self.show(self._shown)
