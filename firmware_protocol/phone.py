"""A phone's vote as the web receiver hands it on, so it is captured, replayed and
decoded like any receiver's packet: ASCII ``<voter>,<letter>``; how sure the student
said they were of it travels after it as ``<voter>,<confidence>`` (a packet of its own).

The voter is the handset the phone votes as: a student's registered clicker (a phone
bound to it, or a signed-in student who owns one), ``P-`` and ten hex digits for a
signed-in student without a clicker, ``W-`` and ten hex digits for an open session's
browser. The letter is one of A-J.
"""

from __future__ import annotations

import re

LETTERS = "ABCDEFGHIJ"
_VOTER = re.compile(r"[0-9A-F]{8}|[PW]-[0-9A-F]{10}")
_PAYLOAD = re.compile(rb"([0-9A-F]{8}|[PW]-[0-9A-F]{10}),([A-J])")
CONFIDENCES = ("guessing", "unsure", "sure")
"""How sure of a vote a student can say they are, least first."""
_CONFIDENCE = re.compile(rb"([0-9A-F]{8}|[PW]-[0-9A-F]{10}),(guessing|unsure|sure)")


class PhoneVoteError(ValueError):
    """Bytes that are not a phone's vote."""


def is_phone_voter(voter: str) -> bool:
    return _VOTER.fullmatch(voter) is not None


def encode_phone_vote(voter: str, letter: str) -> bytes:
    if not is_phone_voter(voter):
        raise PhoneVoteError(f"{voter!r} is no voter a phone can vote as")
    if len(letter) != 1 or letter not in LETTERS:
        raise PhoneVoteError(f"{letter!r} is not a letter A-J")
    return f"{voter},{letter}".encode("ascii")


def decode_phone_vote(payload: bytes) -> tuple[str, str]:
    """(voter, letter); PhoneVoteError for anything else."""
    match = _PAYLOAD.fullmatch(payload)
    if match is None:
        raise PhoneVoteError(f"not a phone vote: {payload[:40]!r}")
    return match.group(1).decode("ascii"), match.group(2).decode("ascii")


def encode_phone_confidence(voter: str, confidence: str) -> bytes:
    if not is_phone_voter(voter):
        raise PhoneVoteError(f"{voter!r} is no voter a phone can vote as")
    if confidence not in CONFIDENCES:
        raise PhoneVoteError(f"{confidence[:20]!r} is not one of {', '.join(CONFIDENCES)}")
    return f"{voter},{confidence}".encode("ascii")


def decode_phone_confidence(payload: bytes) -> tuple[str, str]:
    """(voter, confidence); PhoneVoteError for anything else."""
    match = _CONFIDENCE.fullmatch(payload)
    if match is None:
        raise PhoneVoteError(f"not a phone's confidence: {payload[:40]!r}")
    return match.group(1).decode("ascii"), match.group(2).decode("ascii")
