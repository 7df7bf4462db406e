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
CONFIDENCES = ("guessing", "unsure", "sure")
"""How sure of a vote a student can say they are, least first."""
_VOTER_PATTERN = r"[0-9A-F]{8}|[PW]-[0-9A-F]{10}"
_VOTER = re.compile(_VOTER_PATTERN)
_PAYLOAD = re.compile(f"({_VOTER_PATTERN}),([A-J])".encode())
_CONFIDENCE = re.compile(f"({_VOTER_PATTERN}),({'|'.join(CONFIDENCES)})".encode())


class PhoneVoteError(ValueError):
    """Bytes that are not a phone's vote."""


def is_phone_voter(voter: str) -> bool:
    return _VOTER.fullmatch(voter) is not None


def encode_phone_vote(voter: str, letter: str) -> bytes:
    _check_voter(voter)
    if len(letter) != 1 or letter not in LETTERS:
        raise PhoneVoteError(f"{letter!r} is not a letter A-J")
    return f"{voter},{letter}".encode("ascii")


def decode_phone_vote(payload: bytes) -> tuple[str, str]:
    """(voter, letter); PhoneVoteError for anything else."""
    return _decode(_PAYLOAD, payload, "a phone vote")


def encode_phone_confidence(voter: str, confidence: str) -> bytes:
    _check_voter(voter)
    if confidence not in CONFIDENCES:
        raise PhoneVoteError(f"{confidence[:20]!r} is not one of {', '.join(CONFIDENCES)}")
    return f"{voter},{confidence}".encode("ascii")


def decode_phone_confidence(payload: bytes) -> tuple[str, str]:
    """(voter, confidence); PhoneVoteError for anything else."""
    return _decode(_CONFIDENCE, payload, "a phone's confidence")


def _check_voter(voter: str) -> None:
    if not is_phone_voter(voter):
        raise PhoneVoteError(f"{voter!r} is no voter a phone can vote as")


def _decode(pattern: re.Pattern[bytes], payload: bytes, what: str) -> tuple[str, str]:
    match = pattern.fullmatch(payload)
    if match is None:
        raise PhoneVoteError(f"not {what}: {payload[:40]!r}")
    return match.group(1).decode("ascii"), match.group(2).decode("ascii")
