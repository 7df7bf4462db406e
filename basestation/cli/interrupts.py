"""Ctrl-C from the first moment. Python would turn a SIGINT during start-up into a
KeyboardInterrupt traceback (or ignore it, when a script started the program in the
background with SIGINT ignored); this handler, installed before anything else is
imported, only notes it. A command that records (``record``, ``demo``) then ends its
poll cleanly and prints its summary; any other command stops as Ctrl-C stops it."""

from __future__ import annotations

import signal

_interrupted: list[int] = []


def _noted(signum: int, frame: object) -> None:
    _interrupted.append(signum)


def install() -> None:
    signal.signal(signal.SIGINT, _noted)


def interrupted_early() -> bool:
    """A SIGINT came before the command took over the signal."""
    return bool(_interrupted)


def give_back() -> None:
    """For commands that do not record: Ctrl-C interrupts them as usual from now on."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
