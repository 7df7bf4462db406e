"""One recorder per database: a lock that dies with its process.

``record``, ``run`` and the demo take ``<db>.lock`` (an advisory ``flock``, released
by the kernel however the process ends, so a killed recorder never blocks the next
one). Readers (``watch``, exports, analysis) take no lock.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import sys
from pathlib import Path

from basestation.db.connection import StoreError
from basestation.paths import create_private_file


class RecorderLock:
    def __init__(self, db_path: Path) -> None:
        self.path = db_path.with_name(db_path.name + ".lock")
        self.db_path = db_path
        self._fd: int | None = None

    def acquire(self) -> None:
        create_private_file(self.path)
        fd = os.open(self.path, os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            os.close(fd)
            raise StoreError(
                f"{self.db_path} is being recorded by another process ({holder}); "
                "close it first, or record into another --db"
            ) from None
        os.ftruncate(fd, 0)
        os.write(
            fd,
            json.dumps(
                {
                    "pid": os.getpid(),
                    "command": " ".join(sys.argv[:2]),
                    "since": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
                }
            ).encode(),
        )
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor releases the lock
            self._fd = None


def holds_recorder(db_path: Path) -> str | None:
    """Who records into ``db_path`` now, or None."""
    lock = RecorderLock(db_path)
    if not lock.path.exists():
        return None
    try:
        lock.acquire()
    except StoreError as error:
        return str(error)
    lock.release()
    return None


def _read_holder(fd: int) -> str:
    try:
        holder = json.loads(os.pread(fd, 4096, 0) or b"{}")
        command = os.path.basename(str(holder.get("command", "")))
        return f"pid {holder['pid']}, `{command}`, since {holder.get('since', '?')}"
    except (OSError, ValueError, KeyError):
        return "pid unknown"
