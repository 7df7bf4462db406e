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
        from firmware_protocol.iclicker_base import BaseVariant
        from simulators.iclicker_base_emulator import EmulatedBase
        from simulators.scenario import ClassScenario
        from simulators.usb_backend import EmulatedBaseBackend

        scenario = ClassScenario(
            students=url.int_param("students", 300), seed=url.int_param("seed", 0),
            questions=url.int_param("questions", 1), revote=url.int_param("revote", 0) == 1,
            loss=url.float_param("loss", 0.0), corrupt=url.float_param("corrupt", 0.0))
        try:
            variant = BaseVariant(url.param("variant", "pushed"))
        except ValueError:
            raise ReceiverUrlError(f"{url.text}: variant must be pushed or polled") from None
        base = EmulatedBase(scenario.rounds(), variant=variant,
                            speed=url.float_param("speed", 1.0), seed=url.int_param("seed", 0))
        return EmulatedBaseBackend(base)
    raise ReceiverUrlError(f"{url.text}: backend must be libusb or emulated, not {name!r}")
