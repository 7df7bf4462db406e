"""What every capture format shares: its entries, its errors, the sink a station
writes to, and creating a capture readable by its owner only."""

from __future__ import annotations

import gc
import gzip
import os
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple, Protocol

from drivers.packets import RawPacket

FORMAT_NAME = "basestation"
FORMAT_VERSION = 1
EVENTS = ("poll-open", "poll-close", "gone", "back")


class CaptureError(ValueError):
    """A capture file that cannot be read, with the line that is wrong."""


def create_owner_only(path: Path) -> None:
    """An empty file at ``path`` (emptied if it is there) that only its owner may read: a
    capture holds every handset's ID."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    os.chmod(path, 0o600)


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector waits while a capture's entries are built: hundreds of
    thousands of new tuples, none in a cycle, would otherwise set off collections that
    walk all of them again and again (a third of the time of a large replay)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


class CaptureSink(Protocol):
    """Where a station records what its receiver handed on."""

    path: Path

    def packets(self, packets: Sequence[RawPacket]) -> None: ...

    def event(self, name: str, at: float | None = None) -> None: ...

    def close(self) -> None: ...


class CaptureEvent(NamedTuple):
    t: float
    name: str


class CapturedPacket(NamedTuple):
    t: float
    packet: RawPacket


def capture_bytes(path: Path) -> bytes:
    """The file's bytes, uncompressed if it is a ``.gz``."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CaptureError(f"cannot open capture {path}: {error}") from error
    try:
        return gzip.decompress(data) if path.suffix == ".gz" else data
    except (EOFError, OSError, zlib.error) as error:
        raise CaptureError(
            f"{path} is damaged or cut short ({error}): nothing was replayed"
        ) from None


LEGACY_BASE_RECORD_HEX = 8
"""Release 0.1.0 wrote a base record as 4 bytes (8 hex digits), with no ``seq``."""
