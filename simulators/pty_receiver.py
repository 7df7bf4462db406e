"""Run a receiver's firmware emulator on a pseudo-terminal, so the real serial driver
talks to it through pyserial exactly as to a USB receiver.

Opening a real Arduino's port resets the board. A pseudo-terminal has no DTR line,
so the server notices an open by the serial settings the host applies (pyserial
sets the speed) and tells the emulator, which resets like the board would.
"""

from __future__ import annotations

import contextlib
import os
import select
import termios
import threading
import time
import tty
from pathlib import Path
from typing import Protocol

from simulators.faults import ByteFaults

IDLE_WAKE_S = 0.05
IDLE_SPEED = termios.B9600
"""What the server sets; a host that opens the port sets its own (115200)."""


class FirmwareEmulator(Protocol):
    def power_on(self, now: float) -> None: ...

    def receive(self, data: bytes, now: float) -> None: ...

    def transmit(self, now: float) -> bytes: ...

    def next_due(self) -> float | None: ...


class PtyReceiver:
    """Owns a pty pair; :attr:`path` is the device a host opens.

    With ``link_path`` the device is also reachable at that stable name (a symlink),
    which lets :meth:`unplug` and :meth:`replug` act like pulling the USB cable:
    the old pty vanishes, and a new one appears under the same name.
    """

    def __init__(
        self,
        emulator: FirmwareEmulator,
        link_path: Path | None = None,
        faults: ByteFaults | None = None,
    ) -> None:
        self.emulator = emulator
        self.link_path = link_path
        self.faults = faults
        self._outgoing = bytearray()
        self._stop = threading.Event()
        self._plugged = threading.Event()
        self._lock = threading.Lock()
        self._open_pty()

    def _open_pty(self) -> None:
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave, termios.TCSANOW)
        self._set_idle_speed()
        self.path = os.ttyname(self._slave)
        os.set_blocking(self._master, False)
        if self.link_path is not None:
            temporary = self.link_path.with_name(self.link_path.name + ".new")
            temporary.unlink(missing_ok=True)
            temporary.symlink_to(self.path)
            temporary.replace(self.link_path)
        self._outgoing.clear()
        self._plugged.set()

    def unplug(self) -> None:
        """The device disappears: its name is gone and the host's reads fail."""
        with self._lock:
            self._plugged.clear()
            if self.link_path is not None:
                self.link_path.unlink(missing_ok=True)
            self._close_descriptors()

    def replug(self) -> None:
        with self._lock:
            self._open_pty()

    def run(self, until: threading.Event | None = None) -> None:
        """Serve until :meth:`stop` (or ``until``) is set."""
        stop = until or self._stop
        self.emulator.power_on(time.monotonic())
        while not stop.is_set() and not self._stop.is_set():
            if not self._plugged.wait(IDLE_WAKE_S):
                continue  # unplugged: the class goes on, nobody hears it until replug
            with self._lock:
                if self._plugged.is_set():
                    self._serve_once()

    def _set_idle_speed(self) -> None:
        attributes = termios.tcgetattr(self._slave)
        attributes[4] = attributes[5] = IDLE_SPEED
        termios.tcsetattr(self._slave, termios.TCSANOW, attributes)

    def _notice_host_open(self, now: float) -> None:
        host_opened = getattr(self.emulator, "host_opened", None)
        if host_opened is None:
            return
        if termios.tcgetattr(self._slave)[4] != IDLE_SPEED:
            self._set_idle_speed()  # so that the next open is noticed too
            host_opened(now)

    def _serve_once(self) -> None:
        now = time.monotonic()
        self._notice_host_open(now)
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
        sent = self.emulator.transmit(time.monotonic())
        if self.faults is not None:
            sent = b"".join(self.faults.apply(sent))
        self._outgoing += sent
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
        with self._lock:
            self._plugged.clear()
            self._close_descriptors()
            if self.link_path is not None:
                self.link_path.unlink(missing_ok=True)

    def _close_descriptors(self) -> None:
        for descriptor in (self._master, self._slave):
            with contextlib.suppress(OSError):
                os.close(descriptor)
