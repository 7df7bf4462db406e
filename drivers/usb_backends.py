"""Which pyusb backend an ``iclicker://`` URL uses: libusb (default) or one that a
``basestation.usb_backends`` entry point provides (``backend=emulated`` comes from
``simulators/``; the value is a callable taking the :class:`ReceiverUrl`)."""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Any

from drivers.errors import ReceiverUrlError
from drivers.url import ReceiverUrl

ENTRY_POINT_GROUP = "basestation.usb_backends"


def backend_for_url(url: ReceiverUrl) -> Any:
    """None means pyusb's default (libusb)."""
    name = url.param("backend", "libusb")
    if name == "libusb":
        return None
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        if entry_point.name == name:
            return entry_point.load()(url)
    known = ", ".join(["libusb", *sorted(ep.name for ep in entry_points(group=ENTRY_POINT_GROUP))])
    raise ReceiverUrlError(f"{url.text}: backend must be one of {known}, not {name!r}")
