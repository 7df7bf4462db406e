"""Consistent Overhead Byte Stuffing (Cheshire and Baker), the standard variant.

An encoded block never contains 0x00, so 0x00 can delimit frames on the wire.
"""

from __future__ import annotations


class CobsError(ValueError):
    """The bytes are not a valid COBS block."""


def cobs_encode(data: bytes) -> bytes:
    """Encode ``data``; the result holds no zero byte (the delimiter is not added)."""
    out = bytearray()
    pieces = data.split(b"\x00")
    last = len(pieces) - 1
    for position, piece in enumerate(pieces):
        # A run holds at most 254 data bytes; a full run (code 0xFF) implies no zero.
        while len(piece) >= 0xFE:
            out.append(0xFF)
            out += piece[:0xFE]
            piece = piece[0xFE:]
            if not piece and position == last:
                return bytes(out)
        out.append(len(piece) + 1)
        out += piece
    return bytes(out)


def cobs_decode(block: bytes) -> bytes:
    """Decode one block (without its 0x00 delimiter); raise :class:`CobsError` if malformed."""
    if 0 in block:
        raise CobsError("zero byte inside a COBS block")
    out = bytearray()
    index = 0
    size = len(block)
    while index < size:
        code = block[index]
        end = index + code
        if end > size:
            raise CobsError("COBS block ends inside a run")
        out += block[index + 1 : end]
        index = end
        if code != 0xFF and index < size:
            out.append(0)
    return bytes(out)
