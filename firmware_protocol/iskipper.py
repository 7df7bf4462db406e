"""Text lines of the public RFM69 receiver sketch: ``Captured,<A-E>,<8 hex digit ID>``.

Other lines (banners, debug output) are not votes and are skipped. The line
splitter is incremental and bounds how much it holds without a newline.
"""

from __future__ import annotations

from dataclasses import dataclass

from firmware_protocol.handset_id import HandsetIdError, parse_handset_id
from firmware_protocol.iclicker_air import ANSWERS, AirPacket

CAPTURED_PREFIX = "Captured,"
MAX_LINE_BYTES = 256


class IskipperLineError(ValueError):
    """A ``Captured`` line that does not hold a valid answer and handset ID."""


def format_iskipper_line(handset_id: str, answer: str) -> bytes:
    return f"{CAPTURED_PREFIX}{answer},{handset_id}\r\n".encode("ascii")


def parse_iskipper_line(line: bytes) -> AirPacket | None:
    """A vote from a ``Captured`` line, None for any other line."""
    text = line.decode("ascii", errors="replace").strip()
    if not text.startswith(CAPTURED_PREFIX):
        return None
    fields = text.split(",")
    if len(fields) != 3:
        raise IskipperLineError(f"expected 'Captured,<answer>,<id>', got {text!r}")
    answer = fields[1].strip().upper()
    if answer not in ANSWERS:
        raise IskipperLineError(f"answer {fields[1]!r} is not one of A-E")
    try:
        handset = parse_handset_id(fields[2])
    except HandsetIdError as error:
        raise IskipperLineError(str(error)) from error
    return AirPacket(handset, answer)


@dataclass
class LineSplitter:
    """Incremental newline splitter; over-long lines are dropped and counted."""

    too_long: int = 0
    _pending: bytes = b""
    _discarding: bool = False

    def feed(self, data: bytes) -> list[bytes]:
        lines = (self._pending + data).split(b"\n")
        tail = lines.pop()
        if self._discarding and lines:
            lines.pop(0)
            self._discarding = False
        if len(tail) > MAX_LINE_BYTES:
            if not self._discarding:
                self.too_long += 1
                self._discarding = True
            tail = b""
        self._pending = tail
        kept = []
        for line in lines:
            if len(line) > MAX_LINE_BYTES:
                self.too_long += 1
            elif line.strip():
                kept.append(line)
        return kept
