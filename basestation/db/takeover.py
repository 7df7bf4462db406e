"""Noticing that the database file was deleted, moved or replaced while open, and
keeping everything recorded in it.

The writer's connection still holds the old file, deleted or not, so nothing is
lost yet: ``VACUUM INTO`` copies all of it (every committed vote, a consistent
snapshot) to a fresh file beside the old name, and recording goes on there. The
file now at the old name, if any, is never written to.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import sqlite_utils

from basestation.paths import create_private_file


def identity(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    return info.st_dev, info.st_ino


def changed(path: Path, opened: tuple[int, int] | None) -> str | None:
    """ "deleted or moved", "replaced", or None if ``path`` is still the file opened."""
    now = identity(path)
    if now is None:
        return "deleted or moved"
    if opened is not None and now != opened:
        return "replaced"
    return None


def copy_out(db: sqlite_utils.Database, path: Path) -> Path:
    """Everything the connection holds, copied to a new private file beside ``path``."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    fresh = path.with_name(f"{path.stem}.rescued-{stamp}{path.suffix or '.db'}")
    create_private_file(fresh)
    db.execute("VACUUM INTO ?", [str(fresh)])
    return fresh


def move_if_gone(
    db: sqlite_utils.Database, path: Path, opened: tuple[int, int] | None
) -> tuple[Path | None, str] | None:
    """None while ``path`` is the file opened; else the fresh copy (None if it could not
    be made) and what to tell the user."""
    change = changed(path, opened)
    if change is None:
        return None
    try:
        fresh = copy_out(db, path)
    except (sqlite3.Error, OSError) as error:
        return None, f"{path} was {change} and what it held cannot be copied: {error}"
    return fresh, (
        f"{path} was {change} while recording: everything recorded so far is in "
        f"{fresh}, and recording goes on there"
    )
