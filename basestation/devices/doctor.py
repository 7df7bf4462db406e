"""``basestation devices`` and ``basestation doctor``: what is plugged in, and what stands
in the way of using it."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

import usb.backend.libusb1
import usb.core
import usb.util

from drivers.discovery import serial_candidates
from drivers.iclicker_usb import BASE_PRODUCT_IDS, LIBUSB_HINT, VENDOR_ID
from firmware_protocol.iclicker_base import variant_from_manufacturer

UDEV_RULE_NAME = "70-basestation-iclicker.rules"


def udev_rule_text() -> str:
    return files("drivers").joinpath("udev", UDEV_RULE_NAME).read_text(encoding="utf-8")


@dataclass(frozen=True)
class UsbBase:
    url: str
    description: str
    problem: str | None


def usb_bases(backend: Any = None) -> list[UsbBase] | None:
    """The iClicker bases on the bus, or None when pyusb has no libusb backend."""
    if backend is None:
        backend = usb.backend.libusb1.get_backend()
        if backend is None:
            return None
    found = []
    for device in usb.core.find(find_all=True, backend=backend, idVendor=VENDOR_ID):
        if device.idProduct not in BASE_PRODUCT_IDS:
            continue
        ids = f"{device.idVendor:04X}:{device.idProduct:04X}"
        url = f"iclicker://{ids.lower()}?bus={device.bus}&address={device.address}"
        try:
            manufacturer = usb.util.get_string(device, device.iManufacturer)
            variant = variant_from_manufacturer(manufacturer)
            found.append(UsbBase(url, f'iClicker base {ids} ({variant}, "{manufacturer}")', None))
        except (usb.core.USBError, ValueError) as error:
            found.append(UsbBase(url, f"iClicker base {ids}", _usb_problem(error)))
        finally:
            usb.util.dispose_resources(device)
    return found


def _usb_problem(error: Exception) -> str:
    code = getattr(error, "errno", None)
    if code in (errno.EACCES, errno.EPERM):
        return "permission denied: install the udev rule (below)"
    if code == errno.EBUSY:
        return "busy: another program holds it (the vendor software?)"
    return f"cannot read it: {error}"


def list_devices(say: Callable[[str], None], backend: Any = None) -> None:
    bases = usb_bases(backend)
    serial = serial_candidates()
    if bases is None:
        say(f"USB bases: cannot look ({LIBUSB_HINT})")
    for base in bases or []:
        say(f"{base.url}  {base.description}" + (f"  [{base.problem}]" if base.problem else ""))
    for port in serial:
        say(f"{port.url}  {port.description}")
    if not bases and not serial:
        say("No receivers found: no iClicker USB base and no USB serial receiver is plugged in.")


def diagnose_port(say: Callable[[str], None], port: str, probe_s: float = 3.0) -> bool:
    """``basestation doctor PORT``: that port only, asked which firmware answers on it."""
    from basestation.devices.probe import probe_line

    path = port.removeprefix("serial://")
    if not os.path.exists(path):
        say(f"✗ serial://{path}: no such port; `basestation devices` lists what is plugged in")
        return False
    if not os.access(path, os.R_OK | os.W_OK):
        say(
            f"✗ serial://{path}: permission denied; add yourself to its group "
            "(usually `sudo usermod -aG dialout $USER`, then log in again)"
        )
        return False
    line = probe_line(path, probe_s)
    say(line)
    return line.startswith("✓")


def diagnose(
    say: Callable[[str], None],
    backend: Any = None,
    ports: list[str] | None = None,
    probe_s: float = 3.0,
) -> None:
    """Walk through what is needed and say plainly what is missing; serial ports that
    can be opened are asked which receiver firmware answers on them."""
    from basestation.devices.probe import probe_line

    bases = usb_bases(backend)
    if bases is None:
        say(f"✗ {LIBUSB_HINT}")
    elif not bases:
        ids = ", ".join(f"{VENDOR_ID:04X}:{pid:04X}" for pid in BASE_PRODUCT_IDS)
        say(f"- No iClicker USB base is plugged in (looked for {ids}).")
    for base in bases or []:
        if base.problem is None:
            say(f"✓ {base.description} is ready: {base.url}")
            continue
        say(f"✗ {base.description}: {base.problem}")
        if "udev" in base.problem:
            say(
                "  Save this as /etc/udev/rules.d/" + UDEV_RULE_NAME + ", then run "
                "`sudo udevadm control --reload-rules && sudo udevadm trigger` and replug:"
            )
            say("\n".join("    " + line for line in udev_rule_text().splitlines()))
    paths = (
        ports
        if ports is not None
        else [port.url.removeprefix("serial://") for port in serial_candidates()]
    )
    if not paths:
        say("- No USB serial receiver is plugged in (looked for ttyACM*, ttyUSB*, usbmodem).")
    for path in paths:
        if os.access(path, os.R_OK | os.W_OK):
            say(probe_line(path, probe_s))
        else:
            say(
                f"✗ serial://{path}: permission denied; add yourself to its group "
                "(usually `sudo usermod -aG dialout $USER`, then log in again)"
            )
    if not bases and not paths:
        say("To try everything without hardware: basestation demo")
