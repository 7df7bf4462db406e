"""Finding receivers that are plugged in."""

from __future__ import annotations

from dataclasses import dataclass

from serial.tools import list_ports

SERIAL_RECEIVER_HINTS = ("ttyACM", "ttyUSB", "usbmodem", "usbserial", "COM")


@dataclass(frozen=True)
class FoundReceiver:
    url: str
    description: str


def serial_candidates() -> list[FoundReceiver]:
    """USB serial ports that could be a receiver (CDC-ACM or USB-UART bridges)."""
    found = []
    for port in list_ports.comports():
        if not any(hint in port.device for hint in SERIAL_RECEIVER_HINTS):
            continue
        ids = (
            f"{port.vid:04X}:{port.pid:04X} "
            if port.vid is not None and port.pid is not None
            else ""
        )
        found.append(FoundReceiver(f"serial://{port.device}", f"{ids}{port.description}"))
    return found


def find_receiver() -> FoundReceiver | None:
    """The first receiver found, or None."""
    candidates = serial_candidates()
    return candidates[0] if candidates else None


NOTHING_FOUND = (
    "No receiver found. Looked for iClicker USB bases (1881:0150, 1881:0805) and serial "
    "receivers (/dev/ttyACM*, /dev/ttyUSB*, usbmodem/usbserial ports); `basestation doctor` "
    "says more. Plug one in, or pass --receiver URL; to try the "
    "dashboard without hardware: basestation run --receiver sim://300 (or basestation demo)."
)
