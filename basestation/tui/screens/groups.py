"""``g`` after vote 1: whom to talk to, as a seat map the room can read (marks only)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

NO_SEATS_NOTE = (
    "no seats known for these voters: run --seats FILE, a roster's seat column, "
    "or phones that were asked"
)


class GroupsScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,g", "app.pop_screen", "Back")]

    def __init__(self, map_text: Text, unseated: int) -> None:
        super().__init__()
        self.map_text = map_text
        self.unseated = unseated

    def compose(self) -> ComposeResult:
        title = Text("Talk with the others of your mark, then we vote again", style="bold")
        with VerticalScroll(id="groups"):
            yield Static(title)
            yield Static(self.map_text, id="seat-map")
            if self.unseated:
                yield Static(
                    Text("No seat given? Find a neighbour who voted differently.", style="dim")
                )
