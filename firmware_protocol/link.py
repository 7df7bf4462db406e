"""Receiver link protocol v1: COBS frames delimited by 0x00, each carrying
``type, seq, body, CRC-16/CCITT-FALSE (big-endian)``.

The decoder is incremental: feed it bytes as they arrive, in any split, and it
returns the frames completed so far. A bad CRC, a bad COBS block, a short or an
over-long frame is dropped and counted; decoding resumes at the next 0x00.
"""

from __future__ import annotations

import binascii
from dataclasses import dataclass
from enum import IntEnum
from typing import NamedTuple

from firmware_protocol.cobs import CobsError, cobs_decode, cobs_encode

MAX_FRAME_BYTES = 255
"""Longest decoded frame (type + seq + body + CRC)."""

MAX_ENCODED_BYTES = MAX_FRAME_BYTES + 2
"""Longest COBS block a valid frame can produce (one code byte per 254 bytes)."""

FRAME_OVERHEAD = 4
MAX_BODY_BYTES = MAX_FRAME_BYTES - FRAME_OVERHEAD


class FrameType(IntEnum):
    """Frame types; device-to-host below 0x80, host-to-device from 0x81."""

    HELLO = 0x01
    RADIO_PACKET = 0x02
    STATUS = 0x03
    REPLY = 0x04
    LOG = 0x05
    SET_CHANNEL = 0x81
    OPEN_POLL = 0x82
    CLOSE_POLL = 0x83
    PING = 0x84
    GET_INFO = 0x85


class LinkFrame(NamedTuple):
    """One decoded frame. ``type`` is an int so unknown types pass through."""

    type: int
    seq: int
    body: bytes


@dataclass
class LinkStats:
    """What the decoder saw, frame by frame."""

    frames: int = 0
    bad_crc: int = 0
    bad_cobs: int = 0
    too_short: int = 0
    too_long: int = 0

    @property
    def dropped(self) -> int:
        return self.bad_crc + self.bad_cobs + self.too_short + self.too_long


def encode_frame(frame_type: int, seq: int, body: bytes = b"") -> bytes:
    """Return the wire bytes of one frame, delimiter included."""
    if len(body) > MAX_BODY_BYTES:
        raise ValueError(f"frame body of {len(body)} bytes exceeds {MAX_BODY_BYTES}")
    if not 0 <= frame_type <= 0xFF:
        raise ValueError(f"frame type {frame_type} is not a byte")
    raw = bytes((frame_type, seq & 0xFF)) + body
    raw += binascii.crc_hqx(raw, 0xFFFF).to_bytes(2, "big")
    return cobs_encode(raw) + b"\x00"


class LinkDecoder:
    """Incremental link v1 decoder with resynchronisation and drop counters."""

    def __init__(self) -> None:
        self.stats = LinkStats()
        self._pending = b""
        self._discarding = False

    def feed(self, data: bytes) -> list[LinkFrame]:
        """Take more bytes; return every frame they complete."""
        return [LinkFrame(raw[0], raw[1], raw[2:-2]) for raw in self.feed_raw(data)]

    def feed_raw(self, data: bytes) -> list[bytes]:
        """Like :meth:`feed`, but each frame is its checked bytes (type, seq, body, CRC).

        The hot path reads fields straight from these, avoiding an object per frame.
        """
        parts = (self._pending + data).split(b"\x00")
        tail = parts.pop()
        if self._discarding and parts:
            # The first block ends the over-long run that was already counted.
            parts[0] = b""
            self._discarding = False
        if len(tail) > MAX_ENCODED_BYTES:
            if not self._discarding:
                self.stats.too_long += 1
                self._discarding = True
            tail = b""
        self._pending = tail
        frames: list[bytes] = []
        stats = self.stats
        crc = binascii.crc_hqx
        for block in parts:
            if not block:
                continue  # idle delimiters between frames
            size = len(block)
            if size > MAX_ENCODED_BYTES:
                stats.too_long += 1
                continue
            if block[0] == size:
                raw = block[1:]  # no zero byte inside: the common short frame
            else:
                try:
                    raw = cobs_decode(block)
                except CobsError:
                    stats.bad_cobs += 1
                    continue
            if len(raw) < FRAME_OVERHEAD:
                stats.too_short += 1
                continue
            if len(raw) > MAX_FRAME_BYTES:
                stats.too_long += 1
                continue
            if crc(raw, 0xFFFF) != 0:
                # Running the CRC over data + big-endian CRC leaves zero when intact.
                stats.bad_crc += 1
                continue
            frames.append(raw)
        stats.frames += len(frames)
        return frames

    @property
    def buffered(self) -> int:
        """Bytes held while waiting for a delimiter."""
        return len(self._pending)
