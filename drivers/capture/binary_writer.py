"""Writing binary captures (``.bcap``): packets gathered into blocks of columns, each
block written and flushed whole (the format: :mod:`drivers.capture.binary`)."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from pathlib import Path

from drivers.capture.binary import (
    EVENT_RECORD,
    LENGTH,
    MAGIC,
    MIXED,
    PACKETS_RECORD,
    PRESENT,
    STRING_RECORD,
    block_layout,
)
from drivers.capture.records import EVENTS, FORMAT_NAME, FORMAT_VERSION, create_owner_only
from drivers.packets import RawPacket

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
        header = json.dumps(
            {
                "capture": FORMAT_NAME,
                "version": FORMAT_VERSION,
                "receiver": receiver,
                "started_at": self.started_at,
            }
        ).encode()
        self._write(MAGIC + LENGTH.pack(len(header)) + header)

    def packets(self, packets: Sequence[RawPacket]) -> None:
        """Called after every read (also an empty one), so the window is kept."""
        if packets:
            if not self._pending:
                self._pending_since = time.monotonic()
            self._pending += packets
        if self._pending and (
            len(self._pending) >= WRITE_AT_PACKETS
            or time.monotonic() - self._pending_since >= WRITE_WITHIN_S
        ):
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
        parts = [STRING_RECORD.pack(b"S", len(text.encode())) + text.encode() for text in new]
        optional = (
            [p.receiver_time_us for p in rows],
            [p.rssi for p in rows],
            [p.base_seq for p in rows],
        )
        flags, columns = 0, []
        for bit, values in zip((0, 2, 4), optional, strict=True):
            present = [value is not None for value in values]
            if all(present):
                flags |= PRESENT << bit
                columns += values
            elif any(present):
                flags |= MIXED << bit
                columns += [*present, *(0 if value is None else value for value in values)]
        layout = block_layout(n, flags).struct
        parts += [
            PACKETS_RECORD.pack(b"P", n, flags),
            layout.pack(
                *(round(p.host_time - start, 6) for p in rows),
                *(strings[p.kind.value] for p in rows),
                *(strings[p.receiver] for p in rows),
                *columns,
                *(p.copies for p in rows),
                *(len(p.payload) for p in rows),
            ),
            *(p.payload for p in rows),
        ]
        self._write(b"".join(parts))
        self._strings = strings  # known once written

    def event(self, name: str, at: float | None = None) -> None:
        if name not in EVENTS:
            raise ValueError(f"unknown capture event {name!r}")
        moment = time.time() if at is None else at
        self.flush()
        self._write(EVENT_RECORD.pack(b"E", round(moment - self.started_at, 6), EVENTS.index(name)))

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
