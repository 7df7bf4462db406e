"""What a driver hands on: packets as the device delivered them, undecoded, with where
and when they were heard. Decoding happens in one place above the drivers
(``basestation/live/decoding.py``); every field means what its name says."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from operator import itemgetter
from typing import NamedTuple


class PacketKind(StrEnum):
    ICLICKER_AIR = "iclicker-air"
    """Five bytes heard after the sync word; decoded by firmware_protocol.iclicker_air."""
    ISKIPPER_LINE = "iskipper-line"
    """One ``Captured,<answer>,<id>`` text line; decoded by firmware_protocol.iskipper."""
    TURNINGPOINT_FRAME = "turningpoint-frame"
    """A ResponseCard's six bytes after the address: ID, key, CRC
    (firmware_protocol.turningpoint)."""
    PHONE_VOTE = "phone-vote"
    """A vote from a phone on the room's network, ``<voter>,<letter>`` in ASCII
    (firmware_protocol.phone.decode_phone_vote)."""
    PHONE_CONFIDENCE = "phone-confidence"
    """How sure a phone's student is of their vote, ``<voter>,<confidence>``: it changes
    no count; the store keeps it with that vote (firmware_protocol.phone)."""
    BASE_RECORD = "iclicker-base-record"
    """One vote record of a USB base, its bytes as the base sent them
    (firmware_protocol.iclicker_base.decode_record)."""


class RawPacket(NamedTuple):
    kind: PacketKind
    payload: bytes
    receiver: str
    host_time: float
    """time.time() when the host read it."""
    receiver_time_us: int | None = None
    """The receiver's own clock in microseconds; None for receivers without one."""
    rssi: int | None = None
    """Signal strength in dBm, where the receiver reports it."""
    base_seq: int | None = None
    """A USB base's record sequence number (newer bases), for recognising re-sent records."""
    copies: int = 1
    """How many times the receiver handed on these very bytes back to back in one read
    (a handset's retransmissions); the clock and RSSI are the first copy's."""


_copies_of = itemgetter(7)


def packets_heard(packets: Iterable[RawPacket]) -> int:
    """Packets the receiver heard, each copy counted."""
    return sum(map(_copies_of, packets))
