"""The receiver firmwares a pseudo-terminal simulator can behave like, by name."""

from __future__ import annotations

from simulators.iskipper_firmware import CaptureSketch, InOnePackage
from simulators.link_receiver import RADIO_CODES, LinkReceiverEmulator, ScheduledRound
from simulators.pty_receiver import FirmwareEmulator
from simulators.turning_clicker import TurningClicker


def firmware_emulator(
    name: str, rounds: list[ScheduledRound], speed: float, radio: str = "iclicker"
) -> tuple[FirmwareEmulator, str]:
    """The emulator and the ``protocol=`` a host opens it with."""
    if name == "link":
        return LinkReceiverEmulator(rounds, speed=speed, radio=RADIO_CODES[radio]), "link"
    if name == "iskipper-capture":
        return CaptureSketch(rounds, speed=speed), "iskipper"
    if name == "iskipper-in-one-package":
        return InOnePackage(rounds, speed=speed), "iskipper"
    if name == "turning-clicker":
        return TurningClicker(rounds, speed=speed), "turningpoint"
    raise ValueError(f"no emulated firmware {name!r}")
