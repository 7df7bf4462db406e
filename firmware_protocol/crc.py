"""CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, not reflected, no final XOR."""

from __future__ import annotations

import binascii


def crc16_ccitt_false(data: bytes) -> int:
    """Return the CRC of ``data`` (check value of b"123456789" is 0x29B1)."""
    return binascii.crc_hqx(data, 0xFFFF)
