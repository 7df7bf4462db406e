"""Text lines from the public RFM69 receiver sketch (``Captured,<A-E>,<ID>``)."""

from __future__ import annotations

import logging

from drivers.packets import PacketKind, RawPacket
from firmware_protocol.iskipper import CAPTURED_PREFIX, LineSplitter

log = logging.getLogger(__name__)
_PREFIX = CAPTURED_PREFIX.encode("ascii")


class IskipperSession:
    def __init__(self, label: str) -> None:
        self.receiver = label
        self.splitter = LineSplitter()
        self.other_lines = 0

    def on_bytes(self, data: bytes, host_time: float) -> list[RawPacket]:
        packets = []
        for line in self.splitter.feed(data):
            if line.lstrip().startswith(_PREFIX):
                packets.append(RawPacket(PacketKind.ISKIPPER_LINE, line.strip(), self.receiver,
                                         host_time))
            else:
                self.other_lines += 1
                log.debug("receiver %s says: %r", self.receiver, line)
        return packets

    def stats(self) -> dict[str, int]:
        return {"too_long": self.splitter.too_long, "other_lines": self.other_lines}
