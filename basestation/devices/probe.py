"""Which receiver firmware answers on a serial port: each protocol is tried in turn
until one proves itself (a link v1 HELLO, an iSkipper prompt or vote line, the
turning-clicker banner). ``basestation doctor`` uses it."""

from __future__ import annotations

import time

from drivers.errors import ReceiverError
from drivers.registry import receiver_for_url
from drivers.serial_receiver import PROTOCOLS
from drivers.status import ReceiverState

PROBE_S = 3.0


def answering_protocol(port: str, seconds: float = PROBE_S) -> str | None:
    """The first of :data:`PROTOCOLS` whose receiver answers on ``port``, or None."""
    for protocol in PROTOCOLS:
        receiver = receiver_for_url(f"serial://{port}?protocol={protocol}")
        try:
            receiver.open()
        except ReceiverError:
            return None
        try:
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                receiver.read(0.1)
                if receiver.state is ReceiverState.CONNECTED:
                    return protocol
        finally:
            receiver.close()
    return None


def probe_line(port: str, seconds: float = PROBE_S) -> str:
    protocol = answering_protocol(port, seconds)
    if protocol is None:
        return (
            f"✗ no receiver answers on {port} (tried protocol {', '.join(PROTOCOLS)}): "
            "is it a receiver, at 115200 baud?"
        )
    return f"✓ {port} answers as protocol={protocol}: serial://{port}?protocol={protocol}"
