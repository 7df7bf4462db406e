"""Background threads that leave Ctrl-C to the main thread.

A SIGINT or SIGTERM may be delivered to any thread that does not block it. On CPython
3.11 one that lands on a busy background thread can leave the main thread's handler
waiting indefinitely (that thread clears the interpreter's pending-call flag, which only
the main thread may act on): ``record`` then did not end on Ctrl-C. Every thread of the
program blocks both signals, so the kernel hands them to the main thread."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable

STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def background_thread(target: Callable[[], object], name: str) -> threading.Thread:
    """A daemon thread running ``target`` with SIGINT and SIGTERM blocked (threads it
    starts inherit the mask)."""

    def run() -> None:
        signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        target()

    return threading.Thread(target=run, name=name, daemon=True)
