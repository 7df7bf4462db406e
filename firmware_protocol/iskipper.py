"""Text lines of the two public iSkipper firmwares (RFM69 radios, iClicker handsets).

- The capture sketch (wizard97/iSkipper ``examples/capture``) prints
  ``Captured: C (42, 80, 71, B3) `` for each packet heard, followed by an empty
  line, and short debug lines (``3D``) between them; ``Started promiscous`` once
  it listens.
- The "in-one-package" firmware (charlescao460/iSkipper-Software) waits for the
  host's handshake, then prints ``Captured,C,428071B3`` lines while capturing.

In both, the answer is A-E, ``P`` for a ping (a handset looking for a base) or
``X`` for an unknown code; the ID's fourth byte is the XOR check byte. The
splitter is incremental and bounds how much it holds without a newline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from firmware_protocol.handset_id import HandsetIdError, parse_handset_id
from firmware_protocol.iclicker_air import ANSWERS, PING

MAX_LINE_BYTES = 256
PING_LETTER = "P"
UNKNOWN_LETTER = "X"

CAPTURE_SKETCH_LINE = re.compile(
    rb"^Captured: (?P<answer>\S) \((?P<ids>[0-9A-Fa-f]{1,2}(?:, *[0-9A-Fa-f]{1,2}){3})\)\s*$"
)
IN_ONE_PACKAGE_LINE = re.compile(rb"^Captured,(?P<answer>[^,]*),(?P<ids>[^,]*)$")

# What the in-one-package firmware says, and what the host sends it (SerialSymbols.h)
WAITING_PROMPT = b"Initialization Complete. Waiting for COM command..."
CONNECTED_BANNER = b"Connection Established!"
IDLE_PROMPT = b"No Running Progress, waiting for commands..."
CAPTURE_STARTED = b"Start capture"
CAPTURE_ENDED = b"End Capture"
CHANNEL_CHANGED = b"Successfully change channel to:"
CHANNEL_REFUSED = b"Illegal input Channel"
CAPTURE_SKETCH_BANNER = b"Started promiscous"
HANDSHAKE = b"I"
START_CAPTURE = b"C\0"
STOP_CAPTURE = b"s"


def change_channel_commands(channel: str) -> bytes:
    """Stop capturing, change channel, capture again (the firmware reads nothing else
    while it captures)."""
    return STOP_CAPTURE + b"c," + channel.encode("ascii") + b"\0" + START_CAPTURE


class IskipperLineError(ValueError):
    """A ``Captured`` line that does not hold a valid answer and handset ID."""


@dataclass(frozen=True, slots=True)
class IskipperPacket:
    """A packet a firmware printed: ``answer`` is one of A-E or PING."""

    handset: str
    answer: str


def format_capture_sketch_line(handset_id: str, answer: str) -> bytes:
    """What the capture sketch prints for a packet (with its trailing empty line)."""
    pairs = ", ".join(handset_id[i : i + 2] for i in range(0, 8, 2))
    return f"Captured: {answer} ({pairs}) \n\r\n".encode("ascii")


def format_iskipper_line(handset_id: str, answer: str) -> bytes:
    """What the in-one-package firmware prints for a packet."""
    return f"Captured,{answer},{handset_id}\n".encode("ascii")


def is_captured_line(line: bytes) -> bool:
    return line.lstrip().startswith(b"Captured")


def parse_iskipper_line(line: bytes) -> IskipperPacket | None:
    """The packet in a ``Captured`` line of either firmware, None for any other line;
    IskipperLineError for a ``Captured`` line that holds no valid packet."""
    text = line.strip()
    if not text.startswith(b"Captured"):
        return None
    match = CAPTURE_SKETCH_LINE.match(text) or IN_ONE_PACKAGE_LINE.match(text)
    if match is None:
        raise IskipperLineError(f"not a Captured line of a known firmware: {_shown(text)}")
    answer = match["answer"].decode("ascii", errors="replace").strip().upper()
    if answer == PING_LETTER:
        answer = PING
    elif answer not in ANSWERS:
        raise IskipperLineError(f"answer {answer!r} is not one of A-E (X: unknown code)")
    digits = b"".join(part.strip().rjust(2, b"0") for part in match["ids"].split(b","))
    try:
        handset = parse_handset_id(digits.decode("ascii"))
    except (HandsetIdError, UnicodeDecodeError) as error:
        raise IskipperLineError(str(error)) from error
    return IskipperPacket(handset, answer)


def _shown(text: bytes) -> str:
    return repr(text[:80].decode("ascii", errors="replace"))


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
