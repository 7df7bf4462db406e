"""Bodies of link v1 frames: typed values and their byte layouts (big-endian)."""

from __future__ import annotations

import struct
from dataclasses import dataclass

_HELLO = struct.Struct(">BBBBIB2s")
RADIO_HEADER = struct.Struct(">Ib")
"""Receiver clock (µs) and RSSI before the air payload in a RADIO_PACKET body."""
_STATUS = struct.Struct(">III")
_REPLY_HEADER = struct.Struct(">BB")

PROTOCOL_VERSION = 1
RSSI_UNKNOWN = -128
RADIO_ICLICKER = 1
RADIO_TURNINGPOINT = 2


class LinkBodyError(ValueError):
    """A frame passed its CRC but its body does not fit its type."""


@dataclass(frozen=True, slots=True)
class Hello:
    protocol_version: int
    firmware: tuple[int, int, int]
    receiver_id: int
    radio: int
    channel: str

    def encode(self) -> bytes:
        channel = self.channel.encode("ascii")
        return _HELLO.pack(
            self.protocol_version, *self.firmware, self.receiver_id, self.radio, channel
        )

    @classmethod
    def parse(cls, body: bytes) -> Hello:
        _expect_size("HELLO", body, _HELLO.size)
        version, major, minor, patch, receiver_id, radio, channel = _HELLO.unpack(body)
        try:
            channel_text = channel.decode("ascii")
        except UnicodeDecodeError as error:
            raise LinkBodyError(f"HELLO channel {channel!r} is not ASCII") from error
        return cls(version, (major, minor, patch), receiver_id, radio, channel_text)


@dataclass(frozen=True, slots=True)
class RadioPacket:
    clock_us: int
    rssi: int
    payload: bytes

    def encode(self) -> bytes:
        return RADIO_HEADER.pack(self.clock_us & 0xFFFFFFFF, self.rssi) + self.payload

    @classmethod
    def parse(cls, body: bytes) -> RadioPacket:
        if len(body) < RADIO_HEADER.size:
            raise LinkBodyError(f"RADIO_PACKET body of {len(body)} bytes is shorter than 5")
        clock_us, rssi = RADIO_HEADER.unpack_from(body)
        return cls(clock_us, rssi, body[RADIO_HEADER.size :])


@dataclass(frozen=True, slots=True)
class Status:
    uptime_ms: int
    packets_heard: int
    packets_dropped: int

    def encode(self) -> bytes:
        return _STATUS.pack(self.uptime_ms, self.packets_heard, self.packets_dropped)

    @classmethod
    def parse(cls, body: bytes) -> Status:
        _expect_size("STATUS", body, _STATUS.size)
        return cls(*_STATUS.unpack(body))


@dataclass(frozen=True, slots=True)
class Reply:
    answered_seq: int
    result: int
    text: str = ""

    @property
    def ok(self) -> bool:
        return self.result == 0

    def encode(self) -> bytes:
        return _REPLY_HEADER.pack(self.answered_seq, self.result) + self.text.encode("utf-8")

    @classmethod
    def parse(cls, body: bytes) -> Reply:
        if len(body) < _REPLY_HEADER.size:
            raise LinkBodyError(f"REPLY body of {len(body)} bytes is shorter than 2")
        answered, result = _REPLY_HEADER.unpack_from(body)
        return cls(answered, result, _utf8("REPLY", body[_REPLY_HEADER.size :]))


def parse_log(body: bytes) -> str:
    return _utf8("LOG", body)


def encode_channel(channel: str) -> bytes:
    """Body of SET_CHANNEL: two ASCII letters, e.g. ``AA``."""
    if len(channel) != 2 or not channel.isascii():
        raise ValueError(f"channel {channel!r} is not two ASCII letters")
    return channel.upper().encode("ascii")


def _expect_size(name: str, body: bytes, size: int) -> None:
    if len(body) != size:
        raise LinkBodyError(f"{name} body has {len(body)} bytes, expected {size}")


def _utf8(name: str, raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise LinkBodyError(f"{name} text is not UTF-8") from error
