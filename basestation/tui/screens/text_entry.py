"""``t``: type or correct the current question's text."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

MAX_QUESTION_TEXT = 2000


class QuestionTextScreen(ModalScreen[str | None]):
    """Enter keeps the text, escape leaves it as it was."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, text: str | None) -> None:
        super().__init__()
        self.text = text or ""

    def compose(self) -> ComposeResult:
        with Vertical(id="text-entry"):
            yield Label("The question's text (enter keeps it, escape cancels)")
            yield Input(self.text, id="question-input", max_length=MAX_QUESTION_TEXT)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
