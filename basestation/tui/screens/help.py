"""``?``: every key of the dashboard and what the instructor remote's buttons do."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

HELP = [
    ("s", "start a poll (the first question, or the next prepared one)"),
    ("x", "close the poll"),
    ("n", "open the next question's poll"),
    ("r", "revote: the same question again, after discussion"),
    ("v", "compare vote 1 and the revote"),
    ("h", "projector mode: hide the results (the count and timer stay); h again shows"),
    ("k", "reveal or hide the key (results shown)"),
    ("c", "set the key: none, A, B, …"),
    ("+ / -", "10 s more or less on the countdown (starts one if none runs)"),
    ("t", "type or correct the question's text"),
    ("p", "show or hide a prepared question's record from earlier uses"),
    ("i", "learn the instructor remote: press any of its buttons"),
    ("o", "choices of the next ad-hoc question: 2 … 10 (A-B … A-J)"),
    ("l", "the session so far; enter opens a question"),
    ("j", "phones: the join address as a QR code, the round code (web:// receiver)"),
    ("g", "after vote 1: discussion groups of neighbours, as marks on the seat map"),
    ("? / Ctrl+P", "this help / the command palette"),
    ("q, Ctrl+C, Ctrl+Q", "quit (asks first)"),
]


class HelpScreen(ModalScreen[None]):
    AUTO_FOCUS = "#help"  # the arrow keys scroll it
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "app.pop_screen", "Close")
    ]

    def __init__(self, keys: list[tuple[str, str]], remote: dict[str, str]) -> None:
        super().__init__()
        self.keys = keys
        self.remote = remote

    def compose(self) -> ComposeResult:
        table = Table(
            title="Keys (also in the command palette, Ctrl+P)",
            box=None,
            title_justify="left",
            title_style="bold",
        )
        table.add_column("key", style="bold cyan")
        table.add_column("does")
        for key, description in self.keys:
            table.add_row(key, description)
        remote = Table(
            title="Instructor remote", box=None, title_justify="left", title_style="bold"
        )
        remote.add_column("button", style="bold cyan")
        remote.add_column("does")
        for button, description in self.remote.items():
            remote.add_row(button, description)
        with VerticalScroll(id="help"):
            yield Static(table)
            yield Static(remote)
            yield Static("escape closes", classes="dim")
