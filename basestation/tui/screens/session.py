"""The session so far: one line per poll, kept up to date, and a way back to any question."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from basestation.domain import correct_answers, key_text
from basestation.poll_source import LiveControl
from basestation.textsafe import shown
from basestation.timefmt import local_clock
from basestation.tui.screens.comparison import ComparisonScreen
from basestation.tui.widgets.projector import clock_text

REFRESH_S = 2.0
COLUMNS = ("question", "round", "voters", "correct", "key", "opened", "duration", "text")
ROOM_COLUMNS = ("question", "round", "voters", "opened", "duration", "text")


def poll_row(poll: dict[str, Any]) -> tuple[object, ...]:
    """A poll as the list shows it: local times, percent correct, how long it ran."""
    right = poll.get("voters_correct")
    keys = correct_answers(poll["correct"])
    share = (
        "-" if not keys or right is None or not poll["voters"] else f"{right / poll['voters']:.0%}"
    )
    duration = (
        "open" if poll["closed_at"] is None else clock_text(poll["closed_at"] - poll["opened_at"])
    )
    return (
        str(poll["question"]),
        str(poll["round"]),
        str(poll["voters"]),
        share,
        key_text(poll["correct"]),
        local_clock(poll["opened_at"]),
        duration,
        Text(shown(poll["text"])),
    )  # Text: a question's words are never markup


class SessionScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,l", "app.pop_screen", "Back")]

    def __init__(self, source: LiveControl, session_id: int, *, room: bool = False) -> None:
        """``room``: the projector shows it while the results are hidden: no percent
        correct, no key, and no question opens."""
        super().__init__()
        self.source = source
        self.session_id = session_id
        self.room = room
        self._shown: list[tuple[object, ...]] = []

    def compose(self) -> ComposeResult:
        yield Static(Text(f"Session {self.session_id}: enter opens a question", style="bold"))
        yield DataTable(id="polls", cursor_type="row", zebra_stripes=True)
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(*(ROOM_COLUMNS if self.room else COLUMNS))
        self.reload()
        self.set_interval(REFRESH_S, self.reload)

    def reload(self) -> None:
        """Read the session again; the cursor stays on its row."""
        polls = self.source.stored_polls()
        rows = [poll_row(poll) for poll in polls]
        if self.room:
            rows = [
                tuple(c for c, name in zip(row, COLUMNS, strict=True) if name in ROOM_COLUMNS)
                for row in rows
            ]
        if rows == self._shown:
            return
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear()
        for poll, row in zip(polls, rows, strict=True):
            table.add_row(*row, key=f"{poll['question']}:{poll['round']}")
        self._shown = rows
        if rows:
            table.move_cursor(row=min(max(cursor, 0), len(rows) - 1))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if self.room:
            self.notify("results are hidden on the projector: h shows them first")
            return
        question = int((event.row_key.value or "0").split(":")[0])
        rounds = self.source.stored_rounds(question)
        if rounds is not None:
            self.app.push_screen(ComparisonScreen(rounds))
