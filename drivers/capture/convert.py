"""One capture written again in the other format (JSON lines or binary, by the target's
name): the same header, packets and events."""

from __future__ import annotations

from pathlib import Path

from drivers.capture import CapturedPacket, open_capture, read_capture
from drivers.packets import RawPacket


def convert_capture(source: Path, target: Path) -> int:
    """Writes ``source`` to ``target``; returns the number of packets (each copy counted).
    Raises :class:`~drivers.capture.CaptureError` if ``source`` cannot be read."""
    header, entries = read_capture(source)
    started_at = float(header.get("started_at", 0.0))
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
