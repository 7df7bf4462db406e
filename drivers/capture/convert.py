"""One capture written again in the other format (JSON lines or binary, by the target's
name): the same header, packets and events."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from drivers.capture import CapturedPacket, CaptureEvent, open_capture, read_capture
from drivers.packets import RawPacket


def convert_capture(source: Path, target: Path) -> int:
    """Writes ``source`` to ``target``; returns the number of packets (each copy counted).
    Raises :class:`~drivers.capture.CaptureError` if ``source`` cannot be read. ``target``
    appears whole or not at all: it is written beside it first, then renamed."""
    header, entries = read_capture(source)
    started_at = float(header.get("started_at", 0.0))
    partial = target.with_name(f".{target.stem}.partial{target.suffix}")
    try:
        heard = _write(partial, header, entries, started_at)
        descriptor = os.open(partial, os.O_RDONLY)  # on the disk before it has the name
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return heard


def _write(
    target: Path,
    header: dict[str, Any],
    entries: list[CapturedPacket | CaptureEvent],
    started_at: float,
) -> int:
    writer = open_capture(target, str(header.get("receiver", "")), started_at=started_at)
    heard = 0
    batch: list[RawPacket] = []
    try:
        for entry in entries:
            if isinstance(entry, CapturedPacket):  # times are since started_at
                packet = entry.packet
                batch.append(packet._replace(host_time=entry.t + started_at))
                heard += packet.copies
                continue
            writer.packets(batch)
            batch = []
            writer.event(entry.name, entry.t + started_at)
        writer.packets(batch)
    finally:
        writer.close()
    return heard
