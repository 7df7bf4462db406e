"""User text made safe for a terminal: a question, a course or a name may hold control
characters (from a file, a paste, a hostile classmate) that a terminal would obey:
change the window title, move the cursor, hide text. Line breaks and tabs become
spaces; every other control or format character is shown escaped (``\\x1b``)."""

from __future__ import annotations

SPACES = {"\n": " ", "\r": " ", "\t": " "}


def shown(text: str | None) -> str:
    if not text:
        return ""
    if text.isprintable():
        return text
    return "".join(
        SPACES.get(c) or (c if c.isprintable() or c == " " else _escaped(c)) for c in text
    )


def _escaped(character: str) -> str:
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
