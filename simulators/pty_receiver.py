"""Run a :class:`LinkReceiverEmulator` on a pseudo-terminal, so the real serial
driver talks to it through pyserial exactly as to a USB receiver."""

from __future__ import annotations

import contextlib
import os
import select
import termios
import threading
import time
import tty

from simulators.link_receiver import LinkReceiverEmulator

IDLE_WAKE_S = 0.05


class PtyReceiver:
    """Owns a pty pair; :attr:`path` is the device a host opens."""

    def __init__(self, emulator: LinkReceiverEmulator) -> None:
        self.emulator = emulator
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave, termios.TCSANOW)
        self.path = os.ttyname(self._slave)
        self._outgoing = bytearray()
        self._stop = threading.Event()
        os.set_blocking(self._master, False)

    def run(self, until: threading.Event | None = None) -> None:
        """Serve until :meth:`stop` (or ``until``) is set."""
        stop = until or self._stop
        self.emulator.power_on(time.monotonic())
        while not stop.is_set() and not self._stop.is_set():
            now = time.monotonic()
            due = self.emulator.next_due()
            wait = IDLE_WAKE_S if due is None else max(0.0, min(due - now, IDLE_WAKE_S))
            writers = [self._master] if self._outgoing else []
            readable, _, _ = select.select([self._master], writers, [], wait)
            if readable:
                try:
                    data = os.read(self._master, 4096)
                except (BlockingIOError, OSError):
                    data = b""
                if data:
                    self.emulator.receive(data, time.monotonic())
            self._outgoing += self.emulator.transmit(time.monotonic())
            if self._outgoing:
                try:
                    written = os.write(self._master, self._outgoing)
                    del self._outgoing[:written]
                except BlockingIOError:
                    pass

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.run, name="pty-receiver", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self._stop.set()

    def close(self) -> None:
        self.stop()
        for descriptor in (self._master, self._slave):
            with contextlib.suppress(OSError):
                os.close(descriptor)
