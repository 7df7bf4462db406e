"""TurningPoint ResponseCard RF frames (2.4 GHz Nordic ShockBurst).

Every handset sends to the base address ``12 34 56``. After the address a frame
is ``ID0 ID1 ID2 KEY CRC_hi CRC_lo``: the CRC-16/CCITT-FALSE runs over the seven
bytes address + ID + key. Keys are ASCII ``1``..``9`` and ``0`` for the keys
labelled 1/A .. 9/I and 0/J (ten choices), ``?`` for the question key. Handsets in
letter mode were seen sending ``A``..``J`` / ``a``..``j`` shifted by one (``A`` + d
for key digit d; tentative). The base acknowledges with ``ID0 ID1 ID2 06`` and the
CRC over those four bytes. The handset ID is the three raw bytes, shown as six hex
digits in air order (which order the label prints is not settled: rosters match
either, see :func:`reversed_id`).
"""

from __future__ import annotations

import binascii
from typing import NamedTuple

BASE_ADDRESS = bytes((0x12, 0x34, 0x56))
FRAME_BYTES = 6
ACK = 0x06
KEY_LABELS = "1234567890"
"""Key d of the ten answer keys, in the order of their choices (1/A first, 0/J last)."""
QUESTION_KEY = "?"
ID_HEX_DIGITS = 6


class TurningPointFrameError(ValueError):
    """Not a frame of a ResponseCard: wrong length, bad CRC or an unknown key."""


class TurningPointPacket(NamedTuple):
    handset: str
    """Six hex digits, air order."""
    key: str
    """``1``..``9``, ``0`` or ``?``."""


def crc16(data: bytes) -> int:
    return binascii.crc_hqx(data, 0xFFFF)


def handset_id(id_bytes: bytes) -> str:
    return id_bytes.hex().upper()


def reversed_id(handset: str) -> str:
    """The same three bytes the other way round (``090FD3`` -> ``D30F09``)."""
    return bytes.fromhex(handset)[::-1].hex().upper()


def decode_frame(frame: bytes) -> TurningPointPacket:
    """``ID0 ID1 ID2 KEY CRC_hi CRC_lo`` (the bytes after the address)."""
    if len(frame) != FRAME_BYTES:
        raise TurningPointFrameError(f"frame has {len(frame)} bytes, expected {FRAME_BYTES}")
    if crc16(BASE_ADDRESS + frame[:4]) != int.from_bytes(frame[4:], "big"):
        raise TurningPointFrameError("frame CRC mismatch")
    return TurningPointPacket(handset_id(frame[:3]), key_label(frame[3]))


def key_label(byte: int) -> str:
    """The key a key byte names; TurningPointFrameError for an unknown one."""
    character = chr(byte)
    if character in KEY_LABELS or character == QUESTION_KEY:
        return character
    if "A" <= character.upper() <= "J":  # letter mode: "A" + d for key digit d
        return str(ord(character.upper()) - ord("A"))
    raise TurningPointFrameError(f"unknown key byte 0x{byte:02X}")


def encode_frame(handset: str, key: str) -> bytes:
    """The six bytes a handset sends after the address (simulators use it)."""
    id_bytes = bytes.fromhex(handset)
    if len(id_bytes) != 3 or not (key in KEY_LABELS or key == QUESTION_KEY):
        raise ValueError(f"cannot encode handset {handset!r} key {key!r}")
    body = id_bytes + key.encode("ascii")
    return body + crc16(BASE_ADDRESS + body).to_bytes(2, "big")


def ack_frame(handset: str) -> bytes:
    """What the base sends back to a handset whose vote it accepted."""
    body = bytes.fromhex(handset) + bytes((ACK,))
    return body + crc16(body).to_bytes(2, "big")


def parse_sketch_line(line: bytes) -> bytes | None:
    """The frame bytes of a turning-clicker ``incoming: 090fd331ee8c --> 1`` line; None
    for any other line (``outgoing:``, the boot banner, the radio's register dump)."""
    text = line.strip()
    if not text.startswith(b"incoming:"):
        return None
    hex_part = text[len(b"incoming:") :].split(b"-->")[0].strip()
    try:
        return bytes.fromhex(hex_part.decode("ascii"))
    except (ValueError, UnicodeDecodeError):
        return b""  # an incoming line that holds no frame: invalid, counted


def format_sketch_line(frame: bytes) -> bytes:
    """What the turning-clicker sketch prints for a valid frame (emulators use it)."""
    return f"incoming: {frame.hex()} --> {chr(frame[3])}\r\n".encode("ascii")
