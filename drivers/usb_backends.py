"""Which pyusb backend an ``iclicker://`` URL uses: libusb (default) or one that a
``basestation.usb_backends`` entry point provides (``backend=emulated`` comes from
``simulators/``; the value is a callable taking the :class:`ReceiverUrl`), and what
a USB error means to the person at the laptop."""

from __future__ import annotations

import errno
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any

from drivers.errors import DeviceGone, PermissionDenied, ReceiverError, ReceiverUrlError
from drivers.url import ReceiverUrl

if TYPE_CHECKING:
    import usb.core

ENTRY_POINT_GROUP = "basestation.usb_backends"
GONE_ERRNOS = {errno.ENODEV, errno.ENOENT, errno.EIO, errno.EPIPE}


def backend_parameters(url: ReceiverUrl) -> frozenset[str]:
    """The URL parameters a backend takes besides the driver's (its entry point's
    ``parameters`` attribute; libusb takes none)."""
    name = url.param("backend", "libusb")
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        if entry_point.name == name:
            return frozenset(getattr(entry_point.load(), "parameters", ()))
    return frozenset()


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


def usb_error(error: usb.core.USBError, doing: str) -> ReceiverError:
    """The project's own error for a pyusb error met while ``doing`` something."""
    code = error.errno
    if code in (errno.EACCES, errno.EPERM):
        return PermissionDenied(
            f"permission denied {doing}: install the udev rule "
            "(`basestation doctor` prints it and says how)"
        )
    if code == errno.EBUSY:
        return ReceiverError(
            f"the iClicker base is busy {doing}: another program (the vendor "
            "software?) holds it; close that program"
        )
    if code in GONE_ERRNOS or (code is None and "No such device" in str(error)):
        return DeviceGone(f"the iClicker base went away while {doing}: {error}")
    return ReceiverError(f"USB error {doing}: {error}")
