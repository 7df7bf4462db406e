"""How a receiver is doing: its state, each physical member's, how phones join it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ReceiverState(StrEnum):
    CLOSED = "closed"
    CHECKING = "checking"
    """The port is open; the receiver has not yet proven it is one."""
    CONNECTED = "connected"
    """The receiver proved itself (a HELLO, a handshake, an echo, a valid vote line)."""
    SILENT = "silent"
    """Open, but nothing recognisable came within ``answer_timeout_s``."""
    RECONNECTING = "reconnecting"
    GONE = "gone"
    ENDED = "ended"


OPEN_STATES = (ReceiverState.CHECKING, ReceiverState.CONNECTED, ReceiverState.SILENT)


@dataclass(frozen=True)
class MemberStatus:
    """How one physical receiver is doing, for the screen and the database."""

    name: str
    state: str
    packets: int
    error: str


@dataclass(frozen=True)
class JoinInfo:
    """How phones join a receiver that serves them (web://)."""

    addresses: tuple[str, ...]
    round_code: str
    phones: int
    poll_open: bool
