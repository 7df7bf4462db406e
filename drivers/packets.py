"""What a driver hands on: raw packets, undecoded, with where and when they were heard."""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple


class PacketKind(StrEnum):
    ICLICKER_AIR = "iclicker-air"
    """Five bytes heard after the sync word; decoded by firmware_protocol.iclicker_air."""
    ISKIPPER_LINE = "iskipper-line"
    """One ``Captured,<answer>,<id>`` text line; decoded by firmware_protocol.iskipper."""
    BASE_RECORD = "iclicker-base-record"
    """A USB base's vote: button and ID bytes (firmware_protocol.iclicker_base)."""
    BASE_RESENT = "iclicker-base-resent"
    """A record the base sent again (same ID, button and sequence): a duplicate."""


class RawPacket(NamedTuple):
    kind: PacketKind
    payload: bytes
    receiver: str
    host_time: float
    receiver_time_us: int | None = None
    rssi: int | None = None
