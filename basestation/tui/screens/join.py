"""``j``: how phones join, for the room: the address as a QR code and as text, the
round code a vote must carry, and how many phones are in. Follows the poll live."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Static

from basestation.poll_source import LiveState
from basestation.tui.widgets.qr import qr_text


def join_text(state: LiveState) -> Text:
    text = Text(justify="center")
    text.append("Vote by phone\n\n", style="bold")
    text.append_text(qr_text(state.join_address))
    text.append(f"\n\n{state.join_address}\n", style="bold")
    if state.round_code:
        text.append("round code  ", style="bold")
        text.append(f" {state.round_code} ", style="bold reverse")
    else:
        text.append("the round code shows when a poll opens", style="dim")
    text.append(f"\n{state.phones} phone{'s' * (state.phones != 1)} in", style="dim")
    return text


class JoinScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,j", "app.pop_screen", "Back")]

    def __init__(self, current: Callable[[], LiveState]) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        yield Static(join_text(self.current()), id="join-code")

    def on_mount(self) -> None:
        self.set_interval(0.5, self._follow)

    def _follow(self) -> None:
        self.query_one("#join-code", Static).update(join_text(self.current()))
