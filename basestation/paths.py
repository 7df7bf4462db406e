"""Where the database lives, and creating it readable by its owner only."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "basestation"
DB_ENV = "BASESTATION_DB"
OWNER_ONLY_FILE = 0o600
OWNER_ONLY_DIR = 0o700


def default_db_path() -> Path:
    """``$BASESTATION_DB`` or ``basestation.db`` in the platform's user data directory."""
    override = os.environ.get(DB_ENV)
    if override:
        return Path(override).expanduser()
    import platformdirs  # only when needed: ``basestation --help`` must start fast

    return platformdirs.user_data_path(APP_NAME, appauthor=False) / "basestation.db"


def create_private_file(path: Path) -> None:
    """Make sure ``path`` exists; a new file (and new folders) are the owner's alone.

    Student data must not be readable by other accounts on a shared lab machine.
    SQLite gives its -wal and -shm files the main file's permissions.
    """
    if not path.parent.exists():
        path.parent.mkdir(mode=OWNER_ONLY_DIR, parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, OWNER_ONLY_FILE)
    except FileExistsError:
        return
    os.close(descriptor)
    os.chmod(path, OWNER_ONLY_FILE)  # the umask may have narrowed it further, never widened
