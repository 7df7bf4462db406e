"""The fast reading of an ordinary capture: every line decoded and checked by msgspec
in one pass. Anything unusual raises, and :func:`drivers.capture.read_capture` reads
the file line by line instead, to name the line that is wrong."""

from __future__ import annotations

import gc
import json
import math
from operator import attrgetter
from typing import Any

import msgspec

from drivers.capture import EVENTS, FORMAT_NAME, FORMAT_VERSION, CapturedPacket, CaptureEvent
from drivers.packets import PacketKind, RawPacket


class _Line(msgspec.Struct, gc=False):
    """Any line of a capture: the fields of packets and events (a header is read apart);
    plain values only, so the collector need not track it."""

    t: float
    event: str | None = None
    kind: str | None = None
    payload: str = ""
    receiver: str = ""
    rx_us: int | None = None
    rssi: int | None = None
    seq: int | msgspec.UnsetType | None = msgspec.UNSET


_LINES = msgspec.json.Decoder(_Line)
_payload_of = attrgetter("payload")
_KINDS = {kind.value: kind for kind in PacketKind if kind is not PacketKind.BASE_RECORD}
"""Kinds read as they are; base records may be release 0.1.0's and go line by line."""


def read_fast(text: str) -> tuple[dict[str, Any], list[CapturedPacket | CaptureEvent]]:
    """Every line decoded and checked in C at once; raises on anything unusual. The
    cyclic garbage collector waits meanwhile: hundreds of thousands of new tuples, none
    in a cycle, would otherwise set off collections that walk all of them again and
    again (a third of the time of a large replay)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _entries(text)
    finally:
        if collecting:
            gc.enable()


def _entries(text: str) -> tuple[dict[str, Any], list[CapturedPacket | CaptureEvent]]:
    first, _, rest = text.partition("\n")
    header = json.loads(first)
    if not isinstance(header, dict) or header.get("capture") != FORMAT_NAME or header.get(
            "version") != FORMAT_VERSION:
        raise ValueError("not a capture header")
    lines = _LINES.decode_lines(rest)
    hexes = list(map(bytes.fromhex, map(_payload_of, lines)))
    entries: list[CapturedPacket | CaptureEvent] = []
    kinds, new_tuple = _KINDS, tuple.__new__
    for line, payload in zip(lines, hexes, strict=True):
        if line.event is not None:
            if line.event not in EVENTS or line.kind is not None:
                raise ValueError("an unusual event")
            entries.append(CaptureEvent(line.t, line.event))
            continue
        kind = kinds[line.kind]  # type: ignore[index]
        if not line.receiver or not math.isfinite(line.t):
            raise ValueError("an unusual packet")
        seq = None if line.seq is msgspec.UNSET else line.seq
        entries.append(new_tuple(CapturedPacket, (line.t, new_tuple(RawPacket, (
            kind, payload, line.receiver, line.t, line.rx_us, line.rssi, seq, 1)))))
    return header, entries
