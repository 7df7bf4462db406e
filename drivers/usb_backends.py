"""Which pyusb backend an ``iclicker://`` URL uses: libusb (default) or an emulated bus."""

from __future__ import annotations

from typing import Any

from drivers.errors import ReceiverUrlError
from drivers.url import ReceiverUrl


def backend_for_url(url: ReceiverUrl) -> Any:
    """None means pyusb's default (libusb); ``backend=emulated`` serves a simulated base
    playing a seeded class (``students``, ``seed``, ``speed``, ``variant``, ``loss``, …)."""
    name = url.param("backend", "libusb")
    if name == "libusb":
        return None
    if name == "emulated":
        from drivers.sim_receiver import scenario_from_url, speed_from_url
        from firmware_protocol.iclicker_base import BaseVariant
        from simulators.iclicker_base_emulator import EmulatedBase
        from simulators.usb_backend import EmulatedBaseBackend

        scenario = scenario_from_url(url, url.int_param("students", 300))
        try:
            variant = BaseVariant(url.param("variant", "pushed"))
        except ValueError:
            raise ReceiverUrlError(f"{url.text}: variant must be pushed or polled") from None
        base = EmulatedBase(scenario.rounds(), variant=variant, speed=speed_from_url(url),
                            seed=scenario.seed)
        return EmulatedBaseBackend(base)
    raise ReceiverUrlError(f"{url.text}: backend must be libusb or emulated, not {name!r}")
