"""Captures: what a receiver handed on, with host times, in one of two formats that
hold the same entries: JSON lines (:mod:`drivers.capture.json_lines`, ``.gz``
compressed) and binary (:mod:`drivers.capture.binary`, a path ending in ``.bcap``).

This package is their registry, as python-can's ``can/io`` is for CAN logs: a writer
chosen by the path's suffix (:func:`open_capture`) and a reader chosen by the file's
first bytes (:func:`read_capture`); :mod:`drivers.capture.records` holds what the
formats share, :mod:`drivers.capture.convert` writes one format as the other.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from drivers.capture.records import (
    CapturedPacket,
    CaptureError,
    CaptureEvent,
    CaptureSink,
    capture_bytes,
)

__all__ = [
    "CaptureError",
    "CaptureEvent",
    "CaptureSink",
    "CapturedPacket",
    "open_capture",
    "read_capture",
]


def open_capture(path: Path, receiver: str, *, started_at: float | None = None) -> CaptureSink:
    """A binary capture for a ``.bcap`` path, JSON lines (``.gz``: compressed) otherwise."""
    from drivers.capture.binary import SUFFIX
    from drivers.capture.binary_writer import BinaryCaptureWriter
    from drivers.capture.json_lines import CaptureWriter

    if path.suffix == SUFFIX:
        return BinaryCaptureWriter(path, receiver, started_at=started_at)
    return CaptureWriter(path, receiver, started_at=started_at)


def read_capture(path: Path) -> tuple[dict[str, Any], list[CapturedPacket | CaptureEvent]]:
    """The header and every entry, in file order, of a JSON or binary capture (told apart
    by their first bytes). A run of identical lines may be read as one packet with their
    number in ``copies``."""
    from drivers.capture.binary import entries_of_blocks, is_binary_capture, read_binary_blocks
    from drivers.capture.json_lines import read_json_capture

    data = capture_bytes(path)
    if is_binary_capture(data):
        header, blocks = read_binary_blocks(path, data)
        return header, entries_of_blocks(blocks)
    return read_json_capture(path, data)
