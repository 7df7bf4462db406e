"""iClicker handset IDs: four bytes printed as eight hex digits, byte 3 = XOR of bytes 0..2."""

from __future__ import annotations

import string

ID_HEX_DIGITS = 8
_HEX = frozenset(string.hexdigits)


class HandsetIdError(ValueError):
    """A handset ID that cannot be right, with a message a person can act on."""


def xor_check(id0: int, id1: int, id2: int) -> int:
    return id0 ^ id1 ^ id2


_HEX_OF_BYTE: tuple[str, ...] = tuple(f"{byte:02X}" for byte in range(256))


def handset_id_from_bytes(id0: int, id1: int, id2: int) -> str:
    """The printed ID of the three bytes that travel over the air (from a table of the
    256 two-digit forms: a hall of 100,000 handsets decodes most presses it hears)."""
    hex_of = _HEX_OF_BYTE
    return hex_of[id0] + hex_of[id1] + hex_of[id2] + hex_of[xor_check(id0, id1, id2)]


def handset_id_bytes(handset_id: str) -> tuple[int, int, int]:
    """The three over-the-air bytes of a valid printed ID."""
    value = int(parse_handset_id(handset_id), 16)
    return (value >> 24) & 0xFF, (value >> 16) & 0xFF, (value >> 8) & 0xFF


SAMPLE_ID = "11A4C277"
"""The ID printed in the vendor's registration instructions: its check digits are right,
and students copy it from the page (the vendor's own LMS plugin refuses it)."""


def parse_handset_id(text: str) -> str:
    """Normalise a typed ID to eight upper-case hex digits or raise :class:`HandsetIdError`.

    The rules of the vendor's own LMS plugin: trimmed, upper-cased, hex digits only (no
    separators), eight of them (callers pad shorter ones), the XOR of the four bytes 0,
    and never the sample ID of the registration page."""
    cleaned = text.strip()
    if cleaned[:1] in ("T", "t") and cleaned[1:3].isdigit():
        raise HandsetIdError(
            f"{text!r} looks like the model number printed on the handset (T…); the handset ID "
            "is the 8-character code on the sticker on its back"
        )
    if len(cleaned) != ID_HEX_DIGITS:
        raise HandsetIdError(
            f"{text!r} has {len(cleaned)} characters; a handset ID has 8 hex digits (0-9, A-F)"
        )
    if not set(cleaned) <= _HEX:
        raise HandsetIdError(f"{text!r} is not hexadecimal; a handset ID uses only 0-9 and A-F")
    if cleaned.upper() == SAMPLE_ID:
        raise HandsetIdError(
            f"{text!r} is the sample ID of the registration instructions, not a handset's: "
            "the student's own ID is on the sticker on the back of the handset"
        )
    value = int(cleaned, 16)
    id0, id1, id2, check = value.to_bytes(4, "big")
    expected = xor_check(id0, id1, id2)
    if check != expected:
        raise HandsetIdError(
            f"{text!r} fails its check digit (last two digits should be {expected:02X}); "
            "it was probably mistyped"
        )
    return cleaned.upper()


def is_valid_handset_id(text: str) -> bool:
    try:
        parse_handset_id(text)
    except HandsetIdError:
        return False
    return True


def alternate_form(handset_id: str) -> str | None:
    """The form some LMS tools register for IDs starting with 2, 4 or 8, else None.

    It is ``0`` followed by the next five hex digits and a recomputed XOR byte.
    """
    canonical = parse_handset_id(handset_id)
    if canonical[0] not in "248":
        return None
    value = int("0" + canonical[1:6], 16)
    return handset_id_from_bytes((value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF)
