"""``basestation watch``: the live bars of whatever poll is being recorded, read-only."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer

from basestation.follower import DatabaseFollower
from basestation.tui.widgets.bars import AnswerBars
from basestation.tui.widgets.status import poll_figures, poll_title
from basestation.tui.widgets.text_panel import TextPanel

REFRESH_HZ = 10


class WatchApp(App[None]):
    CSS_PATH = Path(__file__).with_name("dashboard.tcss")
    TITLE = "basestation watch"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("h", "toggle_results", "Hide/show"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, follower: DatabaseFollower, *, hide_results: bool = False) -> None:
        super().__init__()
        self.follower = follower
        self.hide_results = hide_results

    def compose(self) -> ComposeResult:
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
        self.set_interval(1 / REFRESH_HZ, self.refresh_view)
        self.refresh_view()

    def refresh_view(self) -> None:
        state = self.follower.state()
        self.title_panel.set_text(poll_title(state))
        self.figures_panel.set_text(poll_figures(state))
        self.bars.show(state, self.hide_results)
        self.receiver_panel.set_text(Text(f"following {self.follower.db_path} (read-only)",
                                          style="dim"))

    def action_toggle_results(self) -> None:
        self.hide_results = not self.hide_results
        self.refresh_view()
