"""A widget that shows one Rich Text and repaints only when it changes.

``Static.update`` asks for a new layout on every call, and Textual's content
pipeline converts the text again for every line it paints; at 11 Hz with votes
pouring in that was most of the dashboard's CPU. These panels have fixed sizes
from the stylesheet, wrap the text once per change into strips, and hand those
strips out through the line API. A fixed-size panel whose new text changes only
some lines asks for just those lines to be painted again (with votes pouring in, a
bar's figures change; the bar itself seldom does).
"""

from __future__ import annotations

from rich.text import Text
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget


class TextPanel(Widget):
    def __init__(
        self,
        *,
        id: str | None = None,
        classes: str | None = None,
        center: bool = False,
        grows: bool = False,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._text = Text()
        self._strips: list[Strip] | None = None
        self._built_for = (0, 0)
        self.center = center
        self.grows = grows
        """Sized by its text (``height: auto``): a new text may change the layout."""

    def set_text(self, text: Text) -> None:
        if text == self._text:
            return
        self._text = text
        if self.grows or not self._built_now():
            self._strips = None
            self.refresh(layout=self.grows)
            return
        self.set_strips(self._build())

    def _built_now(self) -> bool:
        return (
            self._strips is not None
            and self.is_mounted
            and self._built_for == (self.size.width, self.size.height)
        )

    def set_strips(self, new: list[Strip]) -> None:
        """Show these lines, painting again only the ones that changed."""
        old = self._strips
        if old is None or not self._built_now():
            self._strips = None
            self.refresh()
            return
        self._strips = new
        size = (self.size.width, self.size.height)
        if len(new) != len(old):
            self.refresh()
            return
        changed = [
            Region(0, y, size[0], 1)
            for y, (was, now) in enumerate(zip(old, new, strict=True))
            if was != now
        ]
        if changed:
            self.refresh(*changed)

    def on_resize(self) -> None:
        self._strips = None

    def _build(self) -> list[Strip]:
        width, height = self.size.width, self.size.height
        console = self.app.console
        lines = self._text.wrap(console, max(width, 1), justify="center" if self.center else "left")
        strips = [
            Strip(list(line.render(console))).extend_cell_length(width).crop(0, width)
            for line in lines
        ]
        if self.center and len(strips) < height:
            top = (height - len(strips)) // 2
            strips = [Strip.blank(width)] * top + strips
        return strips

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        """For ``height: auto`` panels: the lines the text wraps into."""
        return len(self._text.wrap(self.app.console, max(width, 1))) if self._text else 0

    def render_line(self, y: int) -> Strip:
        if self._strips is None or self._built_for != (self.size.width, self.size.height):
            self._strips = self._build()
            self._built_for = (self.size.width, self.size.height)
        if y < len(self._strips):
            return self._strips[y]
        return Strip.blank(self.size.width)

    def render(self) -> Text:
        """The text itself (tests read it; painting goes through :meth:`render_line`)."""
        return self._text
