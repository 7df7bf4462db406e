"""The decode seam: raw packets from any driver to (handset, answer) in the
application's vocabulary, through the pure codecs. This is the only place that
knows each vendor's answer codes (:mod:`basestation.domain` has the words)."""

from __future__ import annotations

from collections.abc import Callable

from basestation.domain import ANSWER_LETTERS
from drivers.packets import PacketKind, RawPacket
from firmware_protocol.iclicker_air import ANSWERS as ICLICKER_BUTTONS
from firmware_protocol.iclicker_air import PING as ICLICKER_PING
from firmware_protocol.iclicker_air import AirPayloadError, decode_air_payload
from firmware_protocol.iclicker_base import decode_record
from firmware_protocol.iskipper import IskipperLineError, parse_iskipper_line
from firmware_protocol.phone import PhoneVoteError, decode_phone_confidence, decode_phone_vote
from firmware_protocol.turningpoint import KEY_LABELS as TURNINGPOINT_KEYS
from firmware_protocol.turningpoint import TurningPointFrameError, decode_frame

PING = "ping"
"""A handset's presence beacon: not an answer, never counted."""

ICLICKER_ANSWERS = {
    button: ANSWER_LETTERS[index] for index, button in enumerate(ICLICKER_BUTTONS)
} | {ICLICKER_PING: PING}
"""An iClicker's five buttons are choices A-E."""

TURNINGPOINT_ANSWERS = {key: ANSWER_LETTERS[index] for index, key in enumerate(TURNINGPOINT_KEYS)}
"""A ResponseCard's keys 1/A .. 0/J are choices A-J; its question key is no answer."""

Decoded = tuple[str, str]
"""(handset, answer or PING)."""


class PacketDecodeError(ValueError):
    """A packet that carries no valid vote."""


class _Memo:
    """Bytes -> what they decode to, while that pays. A class of a thousand handsets
    sends a few thousand distinct payloads, each heard again and again. A hall whose
    distinct payloads fill ``max_entries`` hears mostly new ones, and a memo that large
    outgrows the processor's caches: it costs more than decoding (100,000 handsets,
    compiled: 1.22 M frames/s with a memo of 65,536, 1.50 M without), so it steps aside
    for good and gives its memory back."""

    def __init__(self, max_entries: int, decode: Callable[[bytes], Decoded | str]) -> None:
        self.recent: dict[bytes, Decoded | str] = {}
        self._max_entries = max_entries
        self._decode = decode
        self.stepped_aside = False

    def lookup(self, key: bytes, data: bytes) -> Decoded | str:
        cached = self.recent.get(key)
        if cached is not None:
            return cached
        decoded = self._decode(data)
        if self.stepped_aside:
            return decoded
        if len(self.recent) >= self._max_entries:
            self.stepped_aside = True
            self.recent.clear()  # the hot loop may hold its ``get`` until its read ends
        else:
            self.recent[bytes(key)] = decoded
        return decoded


def _air_vote(payload: bytes) -> Decoded | str:
    try:
        handset, button = decode_air_payload(payload)
    except AirPayloadError as error:
        return str(error)
    return handset, ICLICKER_ANSWERS[button]


def _record_vote(raw: bytes) -> Decoded | str:
    try:
        handset, button = decode_record(raw)
    except ValueError as error:
        return str(error)
    return handset, ICLICKER_ANSWERS[button]


class PacketDecoder:
    """Decodes packets; iClicker air payloads and USB base records behind bounded memos,
    since a class of a thousand handsets sends a few thousand distinct ones at most
    (a hall that sends more is decoded packet by packet)."""

    def __init__(self, max_entries: int = 65_536) -> None:
        self._air = _Memo(max_entries, _air_vote)
        self._records = _Memo(max_entries, _record_vote)

    @property
    def memo(self) -> dict[bytes, Decoded | str]:
        """Recent air payloads -> (handset, answer) or the reason they are invalid; the
        hot loop reads it before calling :meth:`lookup_air`."""
        return self._air.recent

    @property
    def record_memo(self) -> dict[bytes, Decoded | str]:
        """Recent USB base records by their first six bytes (button and ID), for the hot
        loop to read before calling :meth:`lookup_record`."""
        return self._records.recent

    def lookup_air(self, payload: bytes) -> Decoded | str:
        """An air payload's (handset, answer), or why it is invalid (no exception)."""
        return self._air.lookup(payload, payload)

    def lookup_record(self, raw: bytes) -> Decoded | str:
        """A USB base record's (handset, answer), or why it is invalid (no exception);
        remembered by its button and ID bytes (its sequence number says nothing more)."""
        return self._records.lookup(raw[:6] if len(raw) == 7 else raw, raw)

    def decode_confidence(self, packet: RawPacket) -> tuple[str, str]:
        """A phone's (voter, confidence); raises :class:`PacketDecodeError`."""
        try:
            return decode_phone_confidence(packet.payload)
        except PhoneVoteError as error:
            raise PacketDecodeError(str(error)) from error

    def decode(self, packet: RawPacket) -> Decoded:
        """The vote or ping in ``packet``; raises :class:`PacketDecodeError`."""
        try:
            if packet.kind is PacketKind.ICLICKER_AIR:
                decoded = self.lookup_air(packet.payload)
                if isinstance(decoded, str):
                    raise PacketDecodeError(decoded)
                return decoded
            if packet.kind is PacketKind.BASE_RECORD:
                decoded = self.lookup_record(packet.payload)
                if isinstance(decoded, str):
                    raise PacketDecodeError(decoded)
                return decoded
            if packet.kind is PacketKind.TURNINGPOINT_FRAME:
                frame = decode_frame(packet.payload)
                answer = TURNINGPOINT_ANSWERS.get(frame.key)
                if answer is None:
                    raise PacketDecodeError(f"key {frame.key!r} is not an answer")
                return frame.handset, answer
            if packet.kind is PacketKind.PHONE_VOTE:
                return decode_phone_vote(packet.payload)
            if packet.kind is PacketKind.ISKIPPER_LINE:
                line = parse_iskipper_line(packet.payload)
                if line is None:
                    raise PacketDecodeError(f"not a vote line: {packet.payload!r}")
                return line.handset, ICLICKER_ANSWERS[line.answer]
        except (
            AirPayloadError,
            IskipperLineError,
            PhoneVoteError,
            TurningPointFrameError,
            ValueError,
        ) as error:
            raise PacketDecodeError(str(error)) from error
        raise PacketDecodeError(f"no decoder for packets of kind {packet.kind}")
