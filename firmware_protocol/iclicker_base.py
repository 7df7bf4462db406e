"""The iClicker USB base station's 64-byte HID reports: commands and what comes back.

Host -> base: SET_REPORT control transfers of 64 bytes, zero padded. Base ->
host: 64-byte interrupt reports: command echoes (``b0 b1 AA``), pushed vote
records (newer bases: two 32-byte records ``02 13 btn id0 id1 id2 seq ...``),
polled records (older bases: ``02 18 more left start end count`` then 4-byte
records ``[0x61..0x65] id0 id1 id2``) and the end-of-poll summary ``02 18 1a``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from firmware_protocol.handset_id import handset_id_bytes, handset_id_from_bytes
from firmware_protocol.iclicker_air import ANSWERS

REPORT_BYTES = 64
RECORD_BYTES = 32
LCD_LINE_CHARS = 17
ECHO_MARK = 0xAA
PUSHED_VOTE = (0x02, 0x13)
_PUSHED_PREFIX = bytes(PUSHED_VOTE)
POLL_REPORT = (0x02, 0x18)
SUMMARY_MARK = 0x1A
PUSHED_BUTTONS = {0x81 + index: answer for index, answer in enumerate(ANSWERS)}
POLLED_BUTTONS = {0x61 + index: answer for index, answer in enumerate(ANSWERS)}
POLLED_HEADER_BYTES = 7
PUSHED_RECORD_USED = 7  # 02 13 btn id0 id1 id2 seq; the rest of the 32 bytes is padding
POLLED_RECORD_BYTES = 4
MAX_REMEMBERED_VOTES = 65_536
CHANNEL_LETTERS = "ABCD"


class PollKind(StrEnum):
    LETTERS = "letters"  # A-E
    NUMERIC = "numeric"
    ALPHANUMERIC = "alphanumeric"


POLL_KIND_CODES = {PollKind.LETTERS: 0x66, PollKind.NUMERIC: 0x67, PollKind.ALPHANUMERIC: 0x68}


class BaseVariant(StrEnum):
    PUSHED = "pushed"  # newer bases ("iclicker"): votes arrive by themselves
    POLLED = "polled"  # older bases ("I-Clicker USB Base"): the host asks for them


def variant_from_manufacturer(manufacturer: str | None) -> BaseVariant:
    """Older and newer bases tell themselves apart by their USB manufacturer string."""
    if manufacturer and manufacturer.strip().lower().startswith("i-clicker usb base"):
        return BaseVariant.POLLED
    return BaseVariant.PUSHED


# -- commands ---------------------------------------------------------------------
def pad_report(command: bytes) -> bytes:
    if len(command) > REPORT_BYTES:
        raise ValueError(f"a report holds {REPORT_BYTES} bytes, not {len(command)}")
    return command.ljust(REPORT_BYTES, b"\x00")


def channel_bytes(channel: str) -> tuple[int, int]:
    """``c1 = 0x21 + f1``, ``c2 = 0x41 + f2`` for the letters A..D (AA = 21 41)."""
    channel = channel.upper()
    if len(channel) != 2 or any(letter not in CHANNEL_LETTERS for letter in channel):
        raise ValueError(f"channel {channel!r} is not one of AA..DD")
    first, second = [CHANNEL_LETTERS.index(letter) for letter in channel]
    return 0x21 + first, 0x41 + second


def set_channel_commands(channel: str) -> list[bytes]:
    """Tune the base: the first two commands of :func:`open_commands`."""
    c1, c2 = channel_bytes(channel)
    return [bytes((0x01, 0x10, c1, c2)), bytes((0x01, 0x2A, c1, c2, 0x05))]


WELCOME_TEXT = bytes.fromhex("0129a18f968d99978f80")


def open_commands(channel: str, instructor: str | None = None) -> list[bytes]:
    """What the vendor's software sends to open a base, in its order: the channel,
    ``01 12``, ``01 16``, the instructor remote if there is one, ``01 15``, the newer
    protocol (``01 2d``), the welcome text, ``01 17 04``, ``01 17 03``, ``01 16``."""
    remote = [instructor_remote_command(instructor)] if instructor else []
    return [
        *set_channel_commands(channel),
        bytes.fromhex("0112"),
        bytes.fromhex("0116"),
        *remote,
        bytes.fromhex("0115"),
        bytes.fromhex("012d"),
        WELCOME_TEXT,
        bytes.fromhex("011704"),
        bytes.fromhex("011703"),
        bytes.fromhex("0116"),
    ]


def poll_type_command(kind: PollKind = PollKind.LETTERS) -> bytes:
    return bytes((0x01, 0x19, POLL_KIND_CODES[kind], 0x0A, 0x01))


def start_poll_commands(kind: PollKind = PollKind.LETTERS) -> list[bytes]:
    """The poll type, ``01 17 03``, ``01 17 05``, the poll type again, ``01 11``."""
    return [
        poll_type_command(kind),
        bytes.fromhex("011703"),
        bytes.fromhex("011705"),
        poll_type_command(kind),
        bytes.fromhex("0111"),
    ]


STOP_POLL_COMMANDS: tuple[bytes, ...] = (
    bytes.fromhex("0112"),
    bytes.fromhex("0116"),
    bytes.fromhex("0117010004"),
    bytes.fromhex("0117010004"),  # the vendor's software sends this one twice
    bytes.fromhex("011703"),
    bytes.fromhex("011704"),
)


def lcd_command(line: int, text: str) -> bytes:
    """Show ``text`` on line 1 or 2 of the base's display: 17 ASCII bytes, space padded."""
    if line not in (1, 2):
        raise ValueError("the display has lines 1 and 2")
    shown = text.encode("ascii", errors="replace")[:LCD_LINE_CHARS].ljust(LCD_LINE_CHARS)
    return bytes((0x01, 0x13 if line == 1 else 0x14)) + shown


def instructor_remote_command(handset_id: str) -> bytes:
    return bytes((0x01, 0x1E, *handset_id_bytes(handset_id)))


def poll_votes_command(index: int) -> bytes:
    """Older bases: ask for the records from ``index`` on."""
    return bytes((0x01, 0x17, 0x01, index & 0xFF, 0x04))


# -- what the base sends ---------------------------------------------------------------
@dataclass(frozen=True)
class CommandEcho:
    command: tuple[int, int]


@dataclass(frozen=True, slots=True)
class VoteRecord:
    handset: str
    answer: str
    seq: int | None  # None on older (polled) bases
    raw: bytes = field(default=b"", compare=False)
    """The record's bytes as the base sent them (see :func:`decode_record`)."""


@dataclass(frozen=True)
class PollSummary:
    raw: bytes


@dataclass(frozen=True)
class PolledBatch:
    more: bool
    records: tuple[VoteRecord, ...]


@dataclass
class BaseReportParser:
    """Turns reports into events; junk and unknown records are dropped and counted."""

    variant: BaseVariant = BaseVariant.PUSHED
    junk_records: int = 0
    unknown_reports: int = 0
    short_reports: int = 0
    _votes: dict[bytes, tuple[str, str] | None] = field(default_factory=dict, repr=False)
    """Button and ID bytes -> (handset, answer): a class has a few thousand at most."""

    def parse(self, report: bytes) -> list[CommandEcho | VoteRecord | PollSummary | PolledBatch]:
        if len(report) < 3:
            self.short_reports += 1
            return []
        if report[2] == ECHO_MARK and report[0] == 0x01:
            return [CommandEcho((report[0], report[1]))]
        if (report[0], report[1]) == POLL_REPORT:
            if self.variant is BaseVariant.POLLED:
                if len(report) < POLLED_HEADER_BYTES:
                    self.short_reports += 1
                    return []
                return [self._polled(report)]
            if report[2] == SUMMARY_MARK:
                return [PollSummary(bytes(report))]
        if self.variant is BaseVariant.PUSHED:
            records = [
                self._pushed(report[start : start + RECORD_BYTES])
                for start in range(0, len(report), RECORD_BYTES)
            ]
            return [record for record in records if record is not None]
        self.unknown_reports += 1
        return []

    def pushed_votes(self, report: bytes) -> list[tuple[bytes, str, int]] | None:
        """The votes of an ordinary report of a newer base, as (the record's bytes as
        sent, handset, seq): what :meth:`parse` finds in it, without an object per
        record; None for any other report (:meth:`parse` says what it is)."""
        if (
            self.variant is not BaseVariant.PUSHED
            or report[:2] != _PUSHED_PREFIX
            or len(report) < REPORT_BYTES
        ):
            return None
        votes = []
        remembered = self._votes.get
        for start in (0, RECORD_BYTES):
            record = report[start : start + PUSHED_RECORD_USED]
            vote = remembered(record[2:6]) if record[:2] == _PUSHED_PREFIX else None
            if vote is None:  # new to the memo, or no vote: the one careful way
                event = self._pushed(report[start : start + RECORD_BYTES])
                if event is not None:
                    votes.append((event.raw, event.handset, event.seq or 0))
                continue
            votes.append((record, vote[0], record[6]))
        return votes

    def _pushed(self, record: bytes) -> VoteRecord | None:
        if len(record) < 7 or not any(record):
            return None  # an empty half of a report
        if (record[0], record[1]) != PUSHED_VOTE:
            self.unknown_reports += 1
            return None
        key = bytes(record[2:6])
        vote = self._votes.get(key)
        if vote is None:
            answer = PUSHED_BUTTONS.get(record[2])
            if answer is None:
                self.junk_records += 1
                return None
            vote = (handset_id_from_bytes(record[3], record[4], record[5]), answer)
            if len(self._votes) >= MAX_REMEMBERED_VOTES:
                self._votes.clear()
            self._votes[key] = vote
        return VoteRecord(vote[0], vote[1], record[6], bytes(record[:PUSHED_RECORD_USED]))

    def _polled(self, report: bytes) -> PolledBatch:
        more, count = report[2], report[6]
        records = []
        for index in range(count):
            start = POLLED_HEADER_BYTES + index * POLLED_RECORD_BYTES
            chunk = report[start : start + POLLED_RECORD_BYTES]
            if len(chunk) < POLLED_RECORD_BYTES:
                self.short_reports += 1
                break
            answer = POLLED_BUTTONS.get(chunk[0])
            if answer is None:
                self.junk_records += 1
                continue
            records.append(
                VoteRecord(
                    handset_id_from_bytes(chunk[1], chunk[2], chunk[3]), answer, None, bytes(chunk)
                )
            )
        return PolledBatch(bool(more), tuple(records))


def encode_pushed_record(record: VoteRecord) -> bytes:
    """A 32-byte record as a newer base sends it (used by the emulator)."""
    button = {answer: code for code, answer in PUSHED_BUTTONS.items()}[record.answer]
    body = bytes(
        (*PUSHED_VOTE, button, *handset_id_bytes(record.handset), (record.seq or 0) & 0xFF)
    )
    return body.ljust(RECORD_BYTES, b"\x00")


def encode_polled_batch(records: list[VoteRecord], more: bool, start: int) -> bytes:
    """An older base's answer to :func:`poll_votes_command` (used by the emulator)."""
    header = bytes(
        (*POLL_REPORT, int(more), 0, start & 0xFF, (start + len(records)) & 0xFF, len(records))
    )
    button = {answer: code for code, answer in POLLED_BUTTONS.items()}
    body = b"".join([bytes((button[r.answer], *handset_id_bytes(r.handset))) for r in records])
    return pad_report(header + body)


MAX_POLLED_RECORDS = (REPORT_BYTES - POLLED_HEADER_BYTES) // POLLED_RECORD_BYTES


def decode_record(raw: bytes) -> tuple[str, str]:
    """(handset, answer) of one record's bytes as the base sent them: a pushed record
    (``02 13 btn id0 id1 id2 seq``) or a polled one (``btn id0 id1 id2``); ValueError
    if it is neither."""
    if len(raw) == PUSHED_RECORD_USED and (raw[0], raw[1]) == PUSHED_VOTE:
        answer = PUSHED_BUTTONS.get(raw[2])
        ids = raw[3:6]
    elif len(raw) == POLLED_RECORD_BYTES:
        answer = POLLED_BUTTONS.get(raw[0])
        ids = raw[1:4]
    else:
        raise ValueError(f"not a base vote record: {raw.hex()}")
    if answer is None:
        raise ValueError(f"not a button of a base vote record: {raw.hex()}")
    return handset_id_from_bytes(ids[0], ids[1], ids[2]), answer
