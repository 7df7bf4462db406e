"""Choose a driver by URL scheme. Schemes outside this package (``sim://`` from
``simulators/``, third parties' drivers) register through the ``basestation.receivers``
entry-point group (name = scheme, value = Receiver class), so ``drivers/`` never
imports them.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from drivers.base import Receiver
from drivers.errors import ReceiverUrlError
from drivers.url import parse_receiver_url

ENTRY_POINT_GROUP = "basestation.receivers"

_BUILT_IN: dict[str, str] = {
    "serial": "drivers.serial_receiver:SerialReceiver",
    "iclicker": "drivers.iclicker_usb:IClickerReceiver",
    "replay": "drivers.replay_receiver:ReplayReceiver",
    "web": "drivers.web.receiver:WebReceiver",
}
_registered: dict[str, type[Receiver]] = {}


def register_receiver(scheme: str, receiver_class: type[Receiver]) -> None:
    """Make ``scheme://`` open ``receiver_class`` in this process."""
    _registered[scheme.lower()] = receiver_class


def unregister_receiver(scheme: str) -> None:
    _registered.pop(scheme.lower(), None)


def registered_in_process() -> dict[str, type[Receiver]]:
    """What :func:`register_receiver` added (the tests check that nothing leaks)."""
    return dict(_registered)


@contextmanager
def registered_receiver(scheme: str, receiver_class: type[Receiver]) -> Iterator[None]:
    """Register for the duration of a block (tests use this so nothing leaks)."""
    register_receiver(scheme, receiver_class)
    try:
        yield
    finally:
        unregister_receiver(scheme)


def known_schemes() -> list[str]:
    from importlib.metadata import entry_points  # only for plugins: 10 ms at start

    plugins = {ep.name for ep in entry_points(group=ENTRY_POINT_GROUP)}
    return sorted(set(_BUILT_IN) | set(_registered) | plugins)


def receiver_class_for(scheme: str) -> type[Receiver]:
    scheme = scheme.lower()
    if scheme in _registered:
        return _registered[scheme]
    if scheme in _BUILT_IN:
        return _load(_BUILT_IN[scheme])
    from importlib.metadata import entry_points

    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        if entry_point.name == scheme:
            loaded = entry_point.load()
            if not (isinstance(loaded, type) and issubclass(loaded, Receiver)):
                raise ReceiverUrlError(f"plugin {entry_point.value} is not a Receiver class")
            return loaded
    raise ReceiverUrlError(
        f"no receiver driver for {scheme}://; known: {', '.join(known_schemes())}"
    )


def receiver_for_url(text: str) -> Receiver:
    """An unopened receiver for ``text``; use it as a context manager to open it."""
    url = parse_receiver_url(text)
    receiver_class = receiver_class_for(url.scheme)
    url.check_parameters(receiver_class.accepted_parameters(url))
    return receiver_class(url)


def receiver_for_urls(texts: Sequence[str]) -> Receiver:
    """One receiver, or several read as one (:class:`~drivers.group.ReceiverGroup`)."""
    if not texts:
        raise ReceiverUrlError("no receiver given")
    if len(texts) == 1:
        return receiver_for_url(texts[0])
    from drivers.group import ReceiverGroup

    return ReceiverGroup([receiver_for_url(text) for text in texts])


def _load(reference: str) -> type[Receiver]:
    module_name, _, class_name = reference.partition(":")
    loaded = getattr(importlib.import_module(module_name), class_name)
    if not (isinstance(loaded, type) and issubclass(loaded, Receiver)):
        raise ReceiverUrlError(f"{reference} is not a receiver driver")
    return loaded
