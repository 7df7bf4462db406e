"""The project's own receiver exceptions, each with a message a person can act on."""

from __future__ import annotations


class ReceiverError(Exception):
    """Base of every receiver problem."""


class ReceiverUrlError(ReceiverError):
    """The receiver URL cannot be understood."""


class NoSuchDevice(ReceiverError):
    """Nothing is there: the port or device does not exist."""


class PermissionDenied(ReceiverError):
    """The device exists but this user may not open it."""


class DeviceGone(ReceiverError):
    """The device went away while in use (unplugged, powered off)."""


class ReceiverEnded(ReceiverError):
    """The source has nothing more to give (a finished simulation or replay)."""
