"""Opening a database file with the project's settings."""

from __future__ import annotations

import contextlib
import logging
import signal
import sqlite3
from pathlib import Path

import sqlite_utils

from basestation.db.errors import StoreError

log = logging.getLogger(__name__)

__all__ = ["StoreError", "ignore_file_size_signal", "new_id", "open_database", "open_existing"]


def open_database(path: Path) -> sqlite_utils.Database:
    """A connection with the project's settings (foreign keys, a patient busy timeout).
    No sqlite-utils plugin is loaded into it: what else is installed beside the program
    changes nothing in its database (and start-up scans no package's entry points)."""
    connection = sqlite3.connect(str(path), check_same_thread=False, timeout=10.0)
    db = sqlite_utils.Database(connection, execute_plugins=False)
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA busy_timeout = 10000")
    return db


def open_existing(path: Path) -> sqlite_utils.Database:
    """Open an existing database; never creates one."""
    if not path.exists():
        raise StoreError(f"no database at {path} (record a poll first, or pass --db)")
    try:
        db = open_database(path)
        db.execute("SELECT 1 FROM sessions LIMIT 1")
    except sqlite3.Error as error:
        raise StoreError(f"{path} is not a base station database: {error}") from error
    return db


def new_id(table: sqlite_utils.db.Table) -> int:
    """The primary key of the row just inserted."""
    row_id = table.last_pk
    if not isinstance(row_id, int):
        raise StoreError(f"no row id after an insert into {table.name}: {row_id!r}")
    return row_id


def ignore_file_size_signal() -> None:
    """A file-size limit (``ulimit -f``) must fail a write, not kill the recorder."""
    with contextlib.suppress(ValueError, AttributeError):  # not the main thread
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def reopen_durable(path: Path) -> sqlite_utils.Database | None:
    """A fresh connection whose every commit is synced, or None (logged) if the file
    cannot be opened just now."""
    try:
        fresh = open_database(path)
        fresh.execute("PRAGMA synchronous = FULL")
    except sqlite3.Error as error:
        log.warning("reopening %s: %s", path, error)
        return None
    return fresh
