"""A widget that shows one Rich Text and repaints only when it changes.

``Static.update`` asks for a new layout on every call; at 10 Hz with votes
pouring in that is most of the dashboard's CPU. These panels have fixed sizes
from the stylesheet, so a repaint is all a change needs.
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget


class TextPanel(Widget):
    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._text = Text()

    def set_text(self, text: Text) -> None:
        if text != self._text:
            self._text = text
            self.refresh()

    def render(self) -> Text:
        return self._text
