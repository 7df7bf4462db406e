"""What the dashboard and the TA's watch view share: the panels of one poll, painted
from a :class:`LiveState` on a timer, with the results hideable."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import Footer

from basestation.poll_source import LiveState
from basestation.tui.widgets.bars import AnswerBars
from basestation.tui.widgets.status import poll_figures, poll_title
from basestation.tui.widgets.text_panel import TextPanel


class PollViewApp(App[None]):
    """Subclasses say where states come from (:meth:`refresh_view`) and may do work
    before the first paint (:meth:`starting`)."""

    CSS_PATH = Path(__file__).with_name("dashboard.tcss")
    ENABLE_COMMAND_PALETTE = False
    REFRESH_HZ = 10.0

    def __init__(self, *, hide_results: bool = False) -> None:
        super().__init__()
        self.hide_results = hide_results
        self.redraws = 0

    def compose(self) -> ComposeResult:
        # Kept as attributes: the refresh tick must reach them while another screen is on top.
        self.title_panel = TextPanel(id="title")
        self.figures_panel = TextPanel(id="figures")
        self.bars = AnswerBars(id="bars")
        self.receiver_panel = TextPanel(id="receiver")
        yield self.title_panel
        yield self.figures_panel
        yield self.bars
        yield self.receiver_panel
        yield Footer()

    def on_mount(self) -> None:
        self.starting()
        self.set_interval(1 / self.REFRESH_HZ, self.refresh_view)
        self.refresh_view()

    def starting(self) -> None:
        """Work to do once mounted, before the first paint."""
        return None

    def refresh_view(self) -> None:
        raise NotImplementedError

    def paint(self, state: LiveState, receiver: Text) -> None:
        self.title_panel.set_text(poll_title(state))
        self.figures_panel.set_text(poll_figures(state))
        self.bars.set_class(self.hide_results, "hidden-results")
        self.bars.show(state, self.hide_results)
        self.receiver_panel.set_text(receiver)
        self.redraws += 1

    def action_toggle_results(self) -> None:
        self.hide_results = not self.hide_results
        self.refresh_view()
