"""The host side of both iSkipper firmwares (``serial://…?protocol=iskipper``).

The capture sketch talks by itself. The in-one-package firmware says nothing
useful until the host answers its prompt: every time the port opens (which resets
a Nano) it prints a waiting prompt every 3 s; the host sends ``I``, then ``C\\0``
to start capturing. The session reacts to what the firmware prints, so it works
after every open and reconnect, and with either firmware.
"""

from __future__ import annotations

import logging

from drivers.packets import PacketKind, RawPacket
from firmware_protocol import iskipper

log = logging.getLogger(__name__)

PASSIVE_NOTICE = (
    "this iSkipper firmware (in-one-package) does not acknowledge handsets: "
    "students see no confirmation, so use it beside a vendor base"
)
FIXED_CHANNEL_NOTICE = "the iSkipper capture sketch listens on channel AA only"


class IskipperSession:
    def __init__(self, label: str) -> None:
        self.receiver = label
        self.splitter = iskipper.LineSplitter()
        self.other_lines = 0
        self.proven = False
        self.firmware: str | None = None  # capture-sketch or in-one-package, once known
        self.notices: list[str] = []
        self._outgoing = bytearray()
        self._channel: str | None = None

    def on_bytes(self, data: bytes, host_time: float) -> list[RawPacket]:
        packets = []
        for line in self.splitter.feed(data):
            if iskipper.is_captured_line(line):
                self.proven = True
                self._identified(
                    "capture-sketch" if line.lstrip().startswith(b"Captured:") else "in-one-package"
                )
                packets.append(
                    RawPacket(PacketKind.ISKIPPER_LINE, line.strip(), self.receiver, host_time)
                )
            else:
                self._other_line(line.strip())
        return packets

    def take_outgoing(self) -> bytes:
        """Bytes the firmware is waiting for (the handshake, commands)."""
        out = bytes(self._outgoing)
        self._outgoing.clear()
        return out

    def set_channel(self, channel: str) -> None:
        self._channel = channel
        if self.firmware == "in-one-package":
            self._outgoing += iskipper.change_channel_commands(channel)
        elif self.firmware == "capture-sketch" and channel != "AA":
            self.notices.append(FIXED_CHANNEL_NOTICE)

    def _other_line(self, line: bytes) -> None:
        if line.startswith(iskipper.WAITING_PROMPT):
            self._identified("in-one-package")
            self._outgoing += iskipper.HANDSHAKE
        elif line.startswith(iskipper.CONNECTED_BANNER) or line.startswith(iskipper.IDLE_PROMPT):
            self._identified("in-one-package")
            self.proven = True
            if self._channel is not None and self._channel != "AA":
                self._outgoing += b"c," + self._channel.encode("ascii") + b"\0"
            self._outgoing += iskipper.START_CAPTURE
        elif line.startswith(iskipper.CAPTURE_STARTED):
            self.proven = True
        elif line.startswith(iskipper.CAPTURE_SKETCH_BANNER):
            self._identified("capture-sketch")
            self.proven = True
        elif line.startswith(iskipper.CHANNEL_REFUSED):
            log.warning("receiver %s refused the channel: %r", self.receiver, line)
        else:
            self.other_lines += 1
            log.debug("receiver %s says: %r", self.receiver, line)

    def _identified(self, firmware: str) -> None:
        if self.firmware is None:
            self.firmware = firmware
            if firmware == "in-one-package":
                self.notices.append(PASSIVE_NOTICE)

    def stats(self) -> dict[str, int]:
        return {"too_long": self.splitter.too_long, "other_lines": self.other_lines}
