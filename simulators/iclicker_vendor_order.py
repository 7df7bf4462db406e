"""The order in which the vendor's software drives an iClicker USB base, as the
reference page records it (from the vendor's USB traffic; the rhombus driver
agrees). The emulated base checks every host against it and refuses a poll that
was not opened this way, so a driver that drifts from it fails its tests.

Written from the reference, not from the project's driver or codec.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

CHANNEL = r"01 10 (2[1-4]) (4[1-4])"
OPEN_TAIL = [
    "01 12",
    "01 16",
    "(01 1e .. .. ..)?",
    "01 15",
    "01 2d",
    "01 29 a1 8f 96 8d 99 97 8f 80",
    "01 17 04",
    "01 17 03",
    "01 16",
]
POLL_TYPE = "01 19 6[678] 0a 01"
START = [POLL_TYPE, "01 17 03", "01 17 05", POLL_TYPE, "01 11"]
STOP = ["01 12", "01 16", "01 17 01 00 04", "01 17 01 00 04", "01 17 03", "01 17 04"]
LCD = re.compile(r"01 1[34]( [2-7][0-9a-f]){17}")


OPEN = re.compile(
    CHANNEL
    + r" 01 2a \1 \2 05 "
    + " ".join(OPEN_TAIL).replace(" (01 1e .. .. ..)?", "( 01 1e .. .. ..)?")
    + "$"
)
START_TAIL = re.compile(" ".join(START) + "$")
CHANNEL_CHANGE = re.compile(CHANNEL + r" 01 2a \1 \2 05$")


@dataclass
class VendorOrder:
    """Follows one host's commands (hex strings); says when a step is out of order."""

    opened: bool = False
    errors: list[str] = field(default_factory=list)
    _recent: list[str] = field(default_factory=list)
    _stop_at: int | None = None

    def take(self, command: bytes) -> None:
        text = command.hex(" ")
        self._recent = [*self._recent[-15:], text]
        joined = " ".join(self._recent)
        if text == "01 16" and OPEN.search(joined):
            self.opened = True
        if text.startswith(("01 13", "01 14")) and not LCD.fullmatch(text):
            self.errors.append(f"LCD line is not 17 ASCII bytes: {text}")
        self._follow_stop(text)

    def may_start(self) -> str | None:
        """None if a poll may start now, else why the base refuses it."""
        if not self.opened:
            return "the base was not opened in the vendor's order"
        if not START_TAIL.search(" ".join(self._recent)):
            return "the poll was not started in the vendor's order"
        return None

    def _follow_stop(self, text: str) -> None:
        if self._stop_at is None:
            if text == STOP[0] and self.opened and not self._opening():
                self._stop_at = 1
            return
        if text != STOP[self._stop_at]:
            self.errors.append(f"stop sequence: expected {STOP[self._stop_at]}, got {text}")
            self._stop_at = None
            return
        self._stop_at += 1
        if self._stop_at == len(STOP):
            self._stop_at = None

    def _opening(self) -> bool:
        """``01 12`` also belongs to the open sequence, right after the channel."""
        return len(self._recent) >= 2 and self._recent[-2].startswith("01 2a")
