"""``basestation watch``: the live bars of whatever poll is being recorded, read-only."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType

from basestation.peer_instruction import DEFAULT_BAND, DiscussionBand
from basestation.poll_source import PollSource
from basestation.tui.poll_view import PollScreen, PollViewApp


class WatchScreen(PollScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "app.quit", "Quit"),
        Binding("h", "app.hide_results", "Hide"),
        Binding("h", "app.show_results", "Show"),
    ]


class WatchApp(PollViewApp):
    TITLE = "basestation watch"
    SCREEN = WatchScreen
    NEXT_STEPS = False

    def __init__(
        self,
        source: PollSource,
        *,
        hide_results: bool = False,
        band: DiscussionBand = DEFAULT_BAND,
    ) -> None:
        super().__init__(hide_results=hide_results, band=band)
        self.source = source

    def refresh_view(self) -> None:
        self.paint(self.source.state(), Text(self.source.label, style="dim"))
