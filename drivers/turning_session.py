"""The host side of the turning-clicker sketch (``serial://…?protocol=turningpoint``):
an Arduino with an nRF24L01+ that hears TurningPoint ResponseCards.

It prints a boot banner and the radio's register dump, then for every frame whose
CRC it checked ``incoming: 090fd331ee8c --> 1`` (and ``outgoing: …`` for the
acknowledgement it sends, which is no vote). The frame goes on undecoded: the
decode seam checks its CRC again.
"""

from __future__ import annotations

import logging

from drivers.packets import PacketKind, RawPacket
from firmware_protocol.iskipper import LineSplitter
from firmware_protocol.turningpoint import parse_sketch_line

log = logging.getLogger(__name__)
BOOT_BANNER = b"*** booting ***"


class TurningSketchSession:
    def __init__(self, label: str) -> None:
        self.receiver = label
        self.splitter = LineSplitter()
        self.other_lines = 0
        self.proven = False

    def on_bytes(self, data: bytes, host_time: float) -> list[RawPacket]:
        packets = []
        for line in self.splitter.feed(data):
            frame = parse_sketch_line(line)
            if frame is not None:
                self.proven = True
                packets.append(
                    RawPacket(PacketKind.TURNINGPOINT_FRAME, frame, self.receiver, host_time)
                )
            elif line.strip().startswith(BOOT_BANNER):
                self.proven = True
            else:
                self.other_lines += 1
                log.debug("receiver %s says: %r", self.receiver, line)
        return packets

    def stats(self) -> dict[str, int]:
        return {"too_long": self.splitter.too_long, "other_lines": self.other_lines}
