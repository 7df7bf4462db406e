"""The iClicker handset-to-base air payload: five bytes after the sync word.

``e0 e1 e2 (e3 & 0xF0)|answer_nibble checksum`` where e0..e3 encode the three ID
bytes bit by bit and checksum = (e0 + e1 + e2 + byte3) mod 256.
"""

from __future__ import annotations

from firmware_protocol.handset_id import handset_id_bytes, handset_id_from_bytes

PAYLOAD_BYTES = 5
PING = "ping"
ANSWERS = ("A", "B", "C", "D", "E")

ANSWER_NIBBLES: dict[str, int] = {"A": 0x1, "B": 0x5, "C": 0xD, "D": 0xE, "E": 0xA, PING: 0x2}
_NIBBLE_ANSWERS = {nibble: answer for answer, nibble in ANSWER_NIBBLES.items()}


class AirPayloadError(ValueError):
    """The payload is not a valid iClicker transmission."""


AirPacket = tuple[str, str]
"""A decoded transmission: (handset, answer), the answer one of ANSWERS or PING (a plain
tuple: a hall of 100,000 handsets decodes most presses it hears)."""


def encode_id(id0: int, id1: int, id2: int) -> tuple[int, int, int, int]:
    """The four encoded bytes e0..e3 (e3's low nibble is left zero)."""
    e0 = (id0 << 3 & 0xF8) | (id0 >> 5 & 0x04) | (id1 >> 7)
    e1 = (id1 << 1 & 0xFC) | (id0 >> 6 & 0x01)
    e2 = (id1 << 7 & 0x80) | (id0 >> 5 & 0x01) | (id2 >> 1 & 0x7C)
    e3 = (id2 & 0x07) << 5 | (id2 & 0x01) << 4
    return e0, e1, e2, e3


def decode_id(e0: int, e1: int, e2: int, e3: int) -> tuple[int, int, int]:
    id0 = (e0 >> 3) | (e2 & 0x01) << 5 | (e1 & 0x01) << 6 | (e0 & 0x04) << 5
    id1 = (e0 & 0x01) << 7 | (e1 >> 1) | (e2 >> 7)
    id2 = (e2 & 0x7C) << 1 | (e3 >> 5)
    return id0 & 0xFF, id1 & 0xFF, id2 & 0xFF


def encode_air_payload(handset_id: str, answer: str) -> bytes:
    """The five payload bytes a handset sends for ``answer`` (A-E or ``ping``)."""
    try:
        nibble = ANSWER_NIBBLES[answer]
    except KeyError:
        raise ValueError(f"answer {answer!r} is not one of A-E or ping") from None
    e0, e1, e2, e3 = encode_id(*handset_id_bytes(handset_id))
    byte3 = (e3 & 0xF0) | nibble
    return bytes((e0, e1, e2, byte3, (e0 + e1 + e2 + byte3) & 0xFF))


def decode_air_payload(payload: bytes) -> AirPacket:
    """Decode five payload bytes or raise :class:`AirPayloadError` saying why."""
    if len(payload) != PAYLOAD_BYTES:
        raise AirPayloadError(f"payload has {len(payload)} bytes, expected {PAYLOAD_BYTES}")
    e0, e1, e2, byte3, checksum = payload
    if (e0 + e1 + e2 + byte3) & 0xFF != checksum:
        raise AirPayloadError("payload checksum mismatch")
    answer = _NIBBLE_ANSWERS.get(byte3 & 0x0F)
    if answer is None:
        raise AirPayloadError(f"unknown answer nibble 0x{byte3 & 0x0F:X}")
    id0, id1, id2 = decode_id(e0, e1, e2, byte3)
    return handset_id_from_bytes(id0, id1, id2), answer
