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
)
from drivers.packets import PacketKind, RawPacket

MAGIC = b"BSCAP\x00\x01\n"
SUFFIX = ".bcap"
EVENT_RECORD = struct.Struct("<cdB")
PACKETS_RECORD = struct.Struct("<cIB")
STRING_RECORD = struct.Struct("<cH")
LENGTH = struct.Struct("<I")
ABSENT, PRESENT, MIXED = 0, 1, 2
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


class BlockLayout(NamedTuple):
    """The columns of a packet block of n packets with these flags, as one layout."""

    struct: struct.Struct
    optional: tuple[tuple[int, slice, slice], ...]
    """Each optional column's flag, where its presence flags and its values are."""
    copies: slice
    lengths: slice


@lru_cache(maxsize=1024)
def block_layout(n: int, flags: int) -> BlockLayout:
    codes, at, optional = [f"{n}d{n}H{n}H"], 3 * n, []
    for bit, code in zip((0, 2, 4), _OPTIONAL, strict=True):
        flag = (flags >> bit) & 3
        if flag == ABSENT:
            optional.append((flag, slice(0), slice(0)))
        elif flag == PRESENT:
            codes.append(f"{n}{code}")
            optional.append((flag, slice(0), slice(at, at + n)))
            at += n
        elif flag == MIXED:
            codes.append(f"{n}B{n}{code}")
            optional.append((flag, slice(at, at + n), slice(at + n, at + 2 * n)))
            at += 2 * n
        else:
            raise ValueError(f"unknown column flags {flags:#x}")
    codes.append(f"{n}I{n}H")
    return BlockLayout(
        struct.Struct("<" + "".join(codes)),
        tuple(optional),
        slice(at, at + n),
        slice(at + n, at + 2 * n),
    )


def is_binary_capture(data: bytes) -> bool:
    return data.startswith(MAGIC)


def read_binary_blocks(
    path: Path, data: bytes
) -> tuple[dict[str, Any], list[PacketBlock | CaptureEvent]]:
    """The header and every packet block and event, in file order; a damaged block is
    named by its byte."""
    reader = _Reader(data)
    try:
        header = reader.header()
    except (ValueError, struct.error, UnicodeDecodeError) as error:
        raise CaptureError(
            f"{path}: not a version {FORMAT_VERSION} binary capture ({error})"
        ) from None
    blocks: list[PacketBlock | CaptureEvent] = []
    with collector_paused():
        while not reader.done:
            at = reader.offset
            try:
                block = reader.block()
            except (
                ValueError,
                IndexError,
                KeyError,
                TypeError,
                struct.error,
                UnicodeDecodeError,
            ) as error:
                raise CaptureError(
                    f"{path}: the block at byte {at} is damaged or cut short "
                    f"({error}): nothing was replayed"
                ) from None
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
        chunk = self.data[self.offset : self.offset + size]
        if len(chunk) != size:
            raise ValueError(f"{size - len(chunk)} bytes missing")
        self.offset += size
        return chunk

    def header(self) -> dict[str, Any]:
        if self.take(len(MAGIC)) != MAGIC:
            raise ValueError("no binary capture magic")
        (length,) = LENGTH.unpack(self.take(LENGTH.size))
        header = json.loads(self.take(length))
        if not isinstance(header, dict) or header.get("capture") != FORMAT_NAME:
            raise ValueError("no base station header")
        return header

    def block(self) -> PacketBlock | CaptureEvent | None:
        tag = self.data[self.offset : self.offset + 1]
        if tag == b"E":
            _, t, event = EVENT_RECORD.unpack(self.take(EVENT_RECORD.size))
            return CaptureEvent(t, EVENTS[event])
        if tag == b"S":
            _, length = STRING_RECORD.unpack(self.take(STRING_RECORD.size))
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
        _, n, flags = PACKETS_RECORD.unpack_from(data, self.offset)
        layout = block_layout(n, flags)
        values = layout.struct.unpack_from(data, self.offset + PACKETS_RECORD.size)
        ends = list(
            accumulate(
                values[layout.lengths],
                initial=self.offset + PACKETS_RECORD.size + layout.struct.size,
            )
        )
        if ends[-1] > len(data):
            raise ValueError(f"{ends[-1] - len(data)} bytes missing")
        self.offset = ends[-1]
        rx, rssi, seq = layout.optional
        return _new(
            PacketBlock,
            (
                list(map(self.kinds.__getitem__, values[n : 2 * n])),
                list(map(data.__getitem__, map(slice, ends, ends[1:]))),
                list(map(self.strings.__getitem__, values[2 * n : 3 * n])),
                values[:n],
                _optional(values, n, *rx),
                _optional(values, n, *rssi),
                _optional(values, n, *seq),
                values[layout.copies],
            ),
        )


def _optional(
    values: tuple[Any, ...], n: int, flag: int, present: slice, at: slice
) -> Sequence[int | None]:
    if flag == ABSENT:
        return [None] * n
    if flag == PRESENT:
        return values[at]
    return [
        value if there else None for value, there in zip(values[at], values[present], strict=True)
    ]


def entries_of_blocks(
    blocks: list[PacketBlock | CaptureEvent],
) -> list[CapturedPacket | CaptureEvent]:
    """The blocks as the entries :func:`drivers.capture.read_capture` gives."""
    entries: list[CapturedPacket | CaptureEvent] = []
    for block in blocks:
        if isinstance(block, CaptureEvent):
            entries.append(block)
        else:
            entries += map(CapturedPacket, block.times, block.packets())
    return entries
