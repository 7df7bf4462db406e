"""Binary captures (``.bcap``): the same header, packets and events as the JSON lines of
:mod:`drivers.capture.json_lines`, stored compactly in blocks of columns so that a replay reads
them in C, several times faster than any JSON.

Layout (little-endian):

- magic ``b"BSCAP\\x00\\x01\\n"`` (format version 1), then the header: ``u32`` length and
  the same JSON object as a JSON capture's first line;
- a string block: ``b"S"``, ``u16`` length, UTF-8 text: the next entry of the file's
  string table (packet kinds and receiver labels, each written before its first use);
- an event block: ``b"E"``, ``f64`` t, ``u8`` index into ``poll-open, poll-close, gone,
  back``;
- a packet block (what one read handed on): ``b"P"``, ``u32`` n, ``u8`` flags, then the
  columns: n ``f64`` t, n ``u16`` kind and n ``u16`` receiver (indexes into the string
  table); the optional columns ``rx_us`` (``i64``), ``rssi`` (``i32``) and ``seq``
  (``i64``), each with two bits of the flags (bits 0-1, 2-3, 4-5; 0: all null, nothing
  stored; 1: n values; 2: n ``u8`` presence flags, then n values, 0 where null); n ``u32``
  copies; n ``u16`` payload lengths; then the payloads one after another.

Copies in a row (packets the same in every field) are one packet with their number, not
a row each. A block's columns are one ``struct`` layout, read in one call. Each block
is written and flushed at once, so a crash leaves whole blocks and at most one
cut-short block at the end.
"""

from __future__ import annotations

import json
import struct
import time
from collections.abc import Sequence
from functools import lru_cache
from itertools import accumulate, repeat
from pathlib import Path
from typing import Any, NamedTuple

from drivers.capture.records import (
    EVENTS,
    FORMAT_NAME,
    FORMAT_VERSION,
    CapturedPacket,
    CaptureError,
    CaptureEvent,
    collector_paused,
    create_owner_only,
)
from drivers.packets import PacketKind, RawPacket

MAGIC = b"BSCAP\x00\x01\n"
SUFFIX = ".bcap"
_EVENT = struct.Struct("<cdB")
_PACKETS = struct.Struct("<cIB")
_STRING = struct.Struct("<cH")
_LENGTH = struct.Struct("<I")
_ABSENT, _PRESENT, _MIXED = 0, 1, 2
_KIND_OF = {kind.value: kind for kind in PacketKind}
_new = tuple.__new__
_OPTIONAL = ("q", "i", "q")
"""The struct codes of rx_us, rssi and seq."""


class PacketBlock(NamedTuple):
    """The packets of one block as columns, in the order of :class:`RawPacket`'s fields;
    their host times are the recorded times."""

    kinds: Sequence[PacketKind]
    payloads: Sequence[bytes]
    receivers: Sequence[str]
    times: Sequence[float]
    clocks: Sequence[int | None]
    rssis: Sequence[int | None]
    seqs: Sequence[int | None]
    copies: Sequence[int]

    def packets(self) -> list[RawPacket]:
        return list(map(tuple.__new__, repeat(RawPacket), zip(*self, strict=True)))


WRITE_WITHIN_S = 0.02
"""Packets are written at most this long after they were handed on (a block gathers the
reads of that window, as the store's commit window gathers votes)."""
WRITE_AT_PACKETS = 4096


class BinaryCaptureWriter:
    """Appends blocks; writes and flushes each at once so a crash keeps what was heard,
    but for the last :data:`WRITE_WITHIN_S` of it."""

    def __init__(self, path: Path, receiver: str, *, started_at: float | None = None) -> None:
        self.path = path
        self.started_at = time.time() if started_at is None else started_at
        create_owner_only(path)
        self._file = path.open("wb")
        self._strings: dict[str, int] = {}
        self._pending: list[RawPacket] = []
        self._pending_since = 0.0
        header = json.dumps({"capture": FORMAT_NAME, "version": FORMAT_VERSION,
                             "receiver": receiver, "started_at": self.started_at}).encode()
        self._write(MAGIC + _LENGTH.pack(len(header)) + header)

    def packets(self, packets: Sequence[RawPacket]) -> None:
        """Called after every read (also an empty one), so the window is kept."""
        if packets:
            if not self._pending:
                self._pending_since = time.monotonic()
            self._pending += packets
        if self._pending and (len(self._pending) >= WRITE_AT_PACKETS or
                              time.monotonic() - self._pending_since >= WRITE_WITHIN_S):
            self.flush()

    def flush(self) -> None:
        """Writes the packets waiting for their window."""
        rows, self._pending = _collapsed(self._pending), []
        if not rows:
            return
        n, start = len(rows), self.started_at
        known = self._strings
        new = sorted(({p.kind.value for p in rows} | {p.receiver for p in rows}) - known.keys())
        strings = {**known, **{text: len(known) + index for index, text in enumerate(new)}}
        parts = [_STRING.pack(b"S", len(text.encode())) + text.encode() for text in new]
        optional = ([p.receiver_time_us for p in rows], [p.rssi for p in rows],
                    [p.base_seq for p in rows])
        flags, columns = 0, []
        for bit, values in zip((0, 2, 4), optional, strict=True):
            present = [value is not None for value in values]
            if all(present):
                flags |= _PRESENT << bit
                columns += values
            elif any(present):
                flags |= _MIXED << bit
                columns += [*present, *(0 if value is None else value for value in values)]
        layout = _layout(n, flags).struct
        parts += [_PACKETS.pack(b"P", n, flags), layout.pack(
            *(round(p.host_time - start, 6) for p in rows),
            *(strings[p.kind.value] for p in rows), *(strings[p.receiver] for p in rows),
            *columns, *(p.copies for p in rows), *(len(p.payload) for p in rows)),
            *(p.payload for p in rows)]
        self._write(b"".join(parts))
        self._strings = strings  # known once written

    def event(self, name: str, at: float | None = None) -> None:
        if name not in EVENTS:
            raise ValueError(f"unknown capture event {name!r}")
        moment = time.time() if at is None else at
        self.flush()
        self._write(_EVENT.pack(b"E", round(moment - self.started_at, 6), EVENTS.index(name)))

    def _write(self, block: bytes) -> None:
        self._file.write(block)
        self._file.flush()

    def close(self) -> None:
        try:
            self.flush()
        finally:
            self._file.close()


def _collapsed(packets: Sequence[RawPacket]) -> list[RawPacket]:
    """Packets the same as the one before in every field (copies, as the JSON lines
    would be identical lines) as one."""
    rows: list[RawPacket] = []
    for packet in packets:
        if rows and rows[-1][:7] == packet[:7]:
            rows[-1] = rows[-1]._replace(copies=rows[-1].copies + packet.copies)
        else:
            rows.append(packet)
    return rows


class _Layout(NamedTuple):
    """The columns of a packet block of n packets with these flags, as one layout."""

    struct: struct.Struct
    optional: tuple[tuple[int, slice, slice], ...]
    """Each optional column's flag, where its presence flags and its values are."""
    copies: slice
    lengths: slice


@lru_cache(maxsize=1024)
def _layout(n: int, flags: int) -> _Layout:
    codes, at, optional = [f"{n}d{n}H{n}H"], 3 * n, []
    for bit, code in zip((0, 2, 4), _OPTIONAL, strict=True):
        flag = (flags >> bit) & 3
        if flag == _ABSENT:
            optional.append((flag, slice(0), slice(0)))
        elif flag == _PRESENT:
            codes.append(f"{n}{code}")
            optional.append((flag, slice(0), slice(at, at + n)))
            at += n
        elif flag == _MIXED:
            codes.append(f"{n}B{n}{code}")
            optional.append((flag, slice(at, at + n), slice(at + n, at + 2 * n)))
            at += 2 * n
        else:
            raise ValueError(f"unknown column flags {flags:#x}")
    codes.append(f"{n}I{n}H")
    return _Layout(struct.Struct("<" + "".join(codes)), tuple(optional),
                   slice(at, at + n), slice(at + n, at + 2 * n))


def is_binary_capture(data: bytes) -> bool:
    return data.startswith(MAGIC)


def read_binary_blocks(path: Path, data: bytes
                       ) -> tuple[dict[str, Any], list[PacketBlock | CaptureEvent]]:
    """The header and every packet block and event, in file order; a damaged block is
    named by its byte."""
    reader = _Reader(data)
    try:
        header = reader.header()
    except (ValueError, struct.error, UnicodeDecodeError) as error:
        raise CaptureError(f"{path}: not a version {FORMAT_VERSION} binary capture ({error})"
                           ) from None
    blocks: list[PacketBlock | CaptureEvent] = []
    with collector_paused():
        while not reader.done:
            at = reader.offset
            try:
                block = reader.block()
            except (ValueError, IndexError, KeyError, TypeError, struct.error,
                    UnicodeDecodeError) as error:
                raise CaptureError(f"{path}: the block at byte {at} is damaged or cut short "
                                   f"({error}): nothing was replayed") from None
            if block is not None:
                blocks.append(block)
    return header, blocks


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.offset = 0
        self.strings: list[str] = []
        self.kinds: dict[int, PacketKind] = {}
        """The entries of the string table that name a packet kind."""

    @property
    def done(self) -> bool:
        return self.offset >= len(self.data)

    def take(self, size: int) -> bytes:
        chunk = self.data[self.offset:self.offset + size]
        if len(chunk) != size:
            raise ValueError(f"{size - len(chunk)} bytes missing")
        self.offset += size
        return chunk

    def header(self) -> dict[str, Any]:
        if self.take(len(MAGIC)) != MAGIC:
            raise ValueError("no binary capture magic")
        (length,) = _LENGTH.unpack(self.take(_LENGTH.size))
        header = json.loads(self.take(length))
        if not isinstance(header, dict) or header.get("capture") != FORMAT_NAME:
            raise ValueError("no base station header")
        return header

    def block(self) -> PacketBlock | CaptureEvent | None:
        tag = self.data[self.offset:self.offset + 1]
        if tag == b"E":
            _, t, event = _EVENT.unpack(self.take(_EVENT.size))
            return CaptureEvent(t, EVENTS[event])
        if tag == b"S":
            _, length = _STRING.unpack(self.take(_STRING.size))
            text = self.take(length).decode()
            if text in _KIND_OF:
                self.kinds[len(self.strings)] = _KIND_OF[text]
            self.strings.append(text)
            return None
        if tag != b"P":
            raise ValueError(f"unknown block {tag!r}")
        return self.packet_block()

    def packet_block(self) -> PacketBlock:
        """Kept lean: a live capture has a block per read, often of one or two packets."""
        data = self.data
        _, n, flags = _PACKETS.unpack_from(data, self.offset)
        layout = _layout(n, flags)
        values = layout.struct.unpack_from(data, self.offset + _PACKETS.size)
        ends = list(accumulate(values[layout.lengths],
                               initial=self.offset + _PACKETS.size + layout.struct.size))
        if ends[-1] > len(data):
            raise ValueError(f"{ends[-1] - len(data)} bytes missing")
        self.offset = ends[-1]
        rx, rssi, seq = layout.optional
        return _new(PacketBlock, (
            list(map(self.kinds.__getitem__, values[n:2 * n])),
            list(map(data.__getitem__, map(slice, ends, ends[1:]))),
            list(map(self.strings.__getitem__, values[2 * n:3 * n])), values[:n],
            _optional(values, n, *rx), _optional(values, n, *rssi), _optional(values, n, *seq),
            values[layout.copies]))


def _optional(values: tuple[Any, ...], n: int, flag: int, present: slice, at: slice
              ) -> Sequence[int | None]:
    if flag == _ABSENT:
        return [None] * n
    if flag == _PRESENT:
        return values[at]
    return [value if there else None
            for value, there in zip(values[at], values[present], strict=True)]


def entries_of_blocks(blocks: list[PacketBlock | CaptureEvent]
                      ) -> list[CapturedPacket | CaptureEvent]:
    """The blocks as the entries :func:`drivers.capture.read_capture` gives."""
    entries: list[CapturedPacket | CaptureEvent] = []
    for block in blocks:
        if isinstance(block, CaptureEvent):
            entries.append(block)
        else:
            entries += map(CapturedPacket, block.times, block.packets())
    return entries
