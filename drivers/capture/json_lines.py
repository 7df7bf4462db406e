"""Captures: what a receiver handed on, with host times, as JSON lines (the same in
binary form: :mod:`drivers.capture.binary`, for a path ending in ``.bcap``).

Format (version 1; ``.gz`` files are gzip-compressed), one JSON object a line:

- header: ``{"capture": "basestation", "version": 1, "receiver": str, "started_at": epoch}``
- packet: ``{"t": s, "kind": str, "payload": hex, "receiver": str, "rx_us": int|null,
  "rssi": int|null, "seq": int|null}``; ``t`` is seconds since ``started_at``, ``kind``
  a :class:`~drivers.packets.PacketKind` value, ``seq`` a USB base's record sequence
- event: ``{"t": s, "event": "poll-open" | "poll-close" | "gone" | "back"}``

Captures written by release 0.1.0 of a USB base (a 4-byte re-encoded record, its
sequence in ``rx_us``, re-sent records as their own kind) are read as what the
base sent.

Packets are recorded as the driver delivered them (before decoding), so a replay
exercises every decoding and counting rule again (copies a driver handed on as one
packet are written a line each, with the first copy's clock and RSSI). Poll events
bound the polls in file order; within a poll, entries are played in time order.
"""

from __future__ import annotations

import gzip
import json
import math
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any, cast

from drivers.capture.records import (
    EVENTS,
    FORMAT_NAME,
    FORMAT_VERSION,
    LEGACY_BASE_RECORD_HEX,
    CapturedPacket,
    CaptureError,
    CaptureEvent,
    create_owner_only,
)
from drivers.packets import PacketKind, RawPacket


def _open_for_writing(path: Path) -> IO[str]:
    create_owner_only(path)
    if path.suffix == ".gz":
        return cast(IO[str], gzip.open(path, "wt", encoding="utf-8"))
    return path.open("w", encoding="utf-8")


class CaptureWriter:
    """Appends packets and events; flushes each batch so a crash keeps what was heard."""

    def __init__(self, path: Path, receiver: str, *, started_at: float | None = None) -> None:
        self.path = path
        self.started_at = time.time() if started_at is None else started_at
        self._file = _open_for_writing(path)
        self._write(
            {
                "capture": FORMAT_NAME,
                "version": FORMAT_VERSION,
                "receiver": receiver,
                "started_at": self.started_at,
            }
        )

    def packets(self, packets: Sequence[RawPacket]) -> None:
        if not packets:
            return
        start = self.started_at
        lines: list[str] = []
        for p in packets:  # copies as lines of their own, with the first copy's clock
            lines += [
                json.dumps(
                    {
                        "t": round(p.host_time - start, 6),
                        "kind": p.kind.value,
                        "payload": p.payload.hex(),
                        "receiver": p.receiver,
                        "rx_us": p.receiver_time_us,
                        "rssi": p.rssi,
                        "seq": p.base_seq,
                    }
                )
            ] * p.copies
        self._file.write("\n".join(lines) + "\n")
        self._file.flush()

    def event(self, name: str, at: float | None = None) -> None:
        if name not in EVENTS:
            raise ValueError(f"unknown capture event {name!r}")
        moment = time.time() if at is None else at
        self._write({"t": round(moment - self.started_at, 6), "event": name})

    def _write(self, record: dict[str, Any]) -> None:
        self._file.write(json.dumps(record) + "\n")
        self._file.flush()

    def close(self) -> None:
        self._file.close()


def read_json_capture(
    path: Path, data: bytes
) -> tuple[dict[str, Any], list[CapturedPacket | CaptureEvent]]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CaptureError(
            f"{path} is damaged or cut short ({error}): nothing was replayed"
        ) from None
    import msgspec  # only a replay reads a capture: imported then, not by every recorder

    from drivers.capture.json_fast import read_fast

    try:
        return read_fast(text)
    except (msgspec.MsgspecError, ValueError, TypeError, KeyError):
        return _read_line_by_line(path, text)  # says which line is wrong, and why


def _read_line_by_line(
    path: Path, text: str
) -> tuple[dict[str, Any], list[CapturedPacket | CaptureEvent]]:
    lines = _numbered(text.splitlines())
    try:
        _, first = next(lines)
    except StopIteration:
        raise CaptureError(f"{path} is empty") from None
    if first.get("capture") != FORMAT_NAME or first.get("version") != FORMAT_VERSION:
        raise CaptureError(f"{path}:1: not a version {FORMAT_VERSION} base station capture")
    return first, [_entry(path, number, record) for number, record in lines]


def _numbered(lines: list[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise CaptureError(f"line {number}: not JSON ({error.msg})") from None
        if not isinstance(record, dict):
            raise CaptureError(f"line {number}: expected a JSON object")
        yield number, record


def _entry(path: Path, number: int, record: dict[str, Any]) -> CapturedPacket | CaptureEvent:
    try:
        t = float(record["t"])
        if not math.isfinite(t):
            raise ValueError(f"time {record['t']!r} is not a finite number of seconds")
        if "event" in record:
            if record["event"] not in EVENTS:
                raise ValueError(f"unknown event {record['event']!r}")
            return CaptureEvent(t, record["event"])
        if record["kind"] in LEGACY_BASE_KINDS or (
            record["kind"] == PacketKind.BASE_RECORD
            and len(record["payload"]) == LEGACY_BASE_RECORD_HEX
            and "seq" not in record
        ):
            return CapturedPacket(t, _legacy_base_record(record, t))
        packet = RawPacket(
            PacketKind(record["kind"]),
            bytes.fromhex(record["payload"]),
            str(record["receiver"]),
            t,
            record.get("rx_us"),
            record.get("rssi"),
            record.get("seq"),
        )
        return CapturedPacket(t, packet)
    except (KeyError, ValueError, TypeError) as error:
        raise CaptureError(f"{path}:{number}: {error}") from None


LEGACY_BASE_KINDS = ("iclicker-base-resent",)
LEGACY_PUSHED_BUTTON = range(0x81, 0x86)
POLLED_BUTTON_OFFSET = 0x81 - 0x61


def _legacy_base_record(record: dict[str, Any], t: float) -> RawPacket:
    """Release 0.1.0's base records: ``btn id0 id1 id2`` with the pushed button codes."""
    payload = bytes.fromhex(record["payload"])
    if len(payload) != 4 or payload[0] not in LEGACY_PUSHED_BUTTON:
        raise ValueError(f"not a base record: {record['payload']}")
    as_polled = bytes((payload[0] - POLLED_BUTTON_OFFSET, *payload[1:]))
    return RawPacket(
        PacketKind.BASE_RECORD,
        as_polled,
        str(record["receiver"]),
        t,
        None,
        record.get("rssi"),
        record.get("rx_us"),
    )
