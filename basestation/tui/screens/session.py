"""The session so far: one line per poll, and a way back to any question."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from basestation.poll_source import LiveControl
from basestation.textsafe import shown
from basestation.timefmt import local_clock
from basestation.tui.screens.comparison import ComparisonScreen


class SessionScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,l", "app.pop_screen", "Back")]

    def __init__(self, source: LiveControl, session_id: int) -> None:
        super().__init__()
        self.source = source
        self.session_id = session_id
        self._rows: dict[str, int] = {}

    def compose(self) -> ComposeResult:
        yield Static(Text(f"Session {self.session_id}: enter opens a question", style="bold"))
        yield DataTable(id="polls", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("question", "round", "voters", "votes", "correct", "opened", "text")
        for poll in self.source.stored_polls():
            key = table.add_row(
                str(poll["question"]), str(poll["round"]), str(poll["voters"]),
                str(poll["votes"]), poll["correct"] or "-", local_clock(poll["opened_at"]),
                Text(shown(poll["text"])),  # Text: a question's words are never markup
            )
            self._rows[key.value or ""] = int(poll["question"])

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        question = self._rows.get(event.row_key.value or "")
        rounds = None if question is None else self.source.stored_rounds(question)
        if rounds is not None:
            self.app.push_screen(ComparisonScreen(rounds))
