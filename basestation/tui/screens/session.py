"""The session so far: one line per poll, and a way back to any question."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from basestation.export import iso_time, open_existing, poll_latest_answers, session_polls
from basestation.tui.screens.comparison import ComparisonScreen


class SessionScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,l", "app.pop_screen", "Back")]

    def __init__(self, db_path: Path, session_id: int) -> None:
        super().__init__()
        self.db_path = db_path
        self.session_id = session_id
        self._rows: dict[str, int] = {}

    def compose(self) -> ComposeResult:
        yield Static(Text(f"Session {self.session_id}: enter opens a question", style="bold"))
        yield DataTable(id="polls", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("question", "round", "voters", "votes", "correct", "opened", "text")
        db = open_existing(self.db_path)
        try:
            for poll in session_polls(db, self.session_id):
                key = table.add_row(
                    str(poll["question"]), str(poll["round"]), str(poll["voters"]),
                    str(poll["votes"]), poll["correct"] or "-",
                    (iso_time(poll["opened_at"]) or "")[11:19],
                    Text(poll["text"] or ""),  # Text: a question's words are never markup
                )
                self._rows[key.value or ""] = int(poll["question"])
        finally:
            db.close()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        question = self._rows.get(event.row_key.value or "")
        if question is not None:
            self.app.push_screen(question_screen(self.db_path, self.session_id, question))


def question_screen(db_path: Path, session_id: int, question: int) -> ComparisonScreen:
    """Vote 1 and the last revote of a stored question."""
    db = open_existing(db_path)
    try:
        polls = [p for p in session_polls(db, session_id) if p["question"] == question]
        first = poll_latest_answers(db, polls[0]["poll"])
        second = poll_latest_answers(db, polls[-1]["poll"]) if len(polls) > 1 else None
        return ComparisonScreen(question, first, second, polls[0]["correct"])
    finally:
        db.close()
