"""The fast reading of an ordinary capture: every line decoded and checked by msgspec
in one pass. Anything unusual raises, and :func:`drivers.capture.read_capture` reads
the file line by line instead, to name the line that is wrong."""

from __future__ import annotations

import json
import math
from itertools import chain, compress, count, islice
from operator import attrgetter, ne, sub
from typing import Any

import msgspec

from drivers.capture.records import (
    EVENTS,
    FORMAT_NAME,
    FORMAT_VERSION,
    LEGACY_BASE_RECORD_HEX,
    CapturedPacket,
    CaptureEvent,
    collector_paused,
)
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
_KINDS = {kind.value: kind for kind in PacketKind}
"""Kinds read as they are (release 0.1.0's re-sent base records are not among them)."""
_BASE = PacketKind.BASE_RECORD


def read_fast(text: str) -> tuple[dict[str, Any], list[CapturedPacket | CaptureEvent]]:
    """Every line decoded and checked in C at once; raises on anything unusual."""
    with collector_paused():
        return _entries(text)


def _entries(text: str) -> tuple[dict[str, Any], list[CapturedPacket | CaptureEvent]]:
    first, _, rest = text.partition("\n")
    header = json.loads(first)
    if (
        not isinstance(header, dict)
        or header.get("capture") != FORMAT_NAME
        or header.get("version") != FORMAT_VERSION
    ):
        raise ValueError("not a capture header")
    texts = list(filter(None, rest.split("\n")))
    # a line the same as the one before is a copy of that packet (the writer writes one
    # line per copy): each run of them is decoded once and read as one packet
    starts = list(compress(count(), map(ne, texts, chain((None,), texts))))
    copies = list(map(sub, chain(islice(starts, 1, None), (len(texts),)), starts))
    lines = _LINES.decode_lines("\n".join(map(texts.__getitem__, starts)))
    hexes = list(map(bytes.fromhex, map(_payload_of, lines)))
    entries: list[CapturedPacket | CaptureEvent] = []
    kinds, new_tuple = _KINDS, tuple.__new__
    for line, payload, run in zip(lines, hexes, copies, strict=True):
        if line.event is not None:
            if line.event not in EVENTS or line.kind is not None:
                raise ValueError("an unusual event")
            entries.extend([CaptureEvent(line.t, line.event)] * run)
            continue
        kind = kinds[line.kind]  # type: ignore[index]
        if not line.receiver or not math.isfinite(line.t):
            raise ValueError("an unusual packet")
        if line.seq is msgspec.UNSET:
            if kind is _BASE and len(line.payload) == LEGACY_BASE_RECORD_HEX:  # line by line
                raise ValueError("a base record of release 0.1.0")
            seq = None
        else:
            seq = line.seq
        entries.append(
            new_tuple(
                CapturedPacket,
                (
                    line.t,
                    new_tuple(
                        RawPacket,
                        (kind, payload, line.receiver, line.t, line.rx_us, line.rssi, seq, run),
                    ),
                ),
            )
        )
    return header, entries
