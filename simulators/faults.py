"""Fault injection at the byte boundary: split, delay, duplicate, drop and corrupt the
bytes between a receiver and the host. Seeded, and it remembers which spans of
the original stream it damaged, so tests can say exactly which frames must survive.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass
class ByteFaults:
    """Probabilities are per chunk of the stream (chunks are 1..``max_chunk`` bytes)."""

    seed: int = 0
    max_chunk: int = 64
    duplicate: float = 0.0
    drop: float = 0.0
    corrupt: float = 0.0
    delay: float = 0.0
    damaged: list[tuple[int, int]] = field(default_factory=list)
    _held: bytes = b""
    _offset: int = 0

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def apply(self, data: bytes) -> list[bytes]:
        """The reads a host would see for ``data``: split, maybe damaged, maybe late."""
        reads: list[bytes] = []
        rng = self._rng
        position = 0
        while position < len(data):
            size = rng.randint(1, self.max_chunk)
            chunk = data[position : position + size]
            start = self._offset + position
            position += len(chunk)
            roll = rng.random()
            if roll < self.drop:
                self.damaged.append((start, start + len(chunk)))
                continue
            if roll < self.drop + self.corrupt:
                flipped = bytearray(chunk)
                flipped[rng.randrange(len(flipped))] ^= 1 << rng.randrange(8)
                chunk = bytes(flipped)
                self.damaged.append((start, start + len(chunk)))
            if rng.random() < self.delay:
                self._held += chunk  # arrives with the next read, in order
                continue
            reads.append(self._held + chunk)
            self._held = b""
            if rng.random() < self.duplicate:
                reads.append(chunk)
                self.damaged.append((start, start + len(chunk)))
        self._offset += len(data)
        return reads

    def flush(self) -> list[bytes]:
        held, self._held = self._held, b""
        return [held] if held else []

    def touched(self, start: int, end: int) -> bool:
        """Whether any fault touched bytes ``start``..``end`` of the original stream."""
        return any(a < end and start < b for a, b in self.damaged)
