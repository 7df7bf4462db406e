"""Files the program writes with student data: created readable by the owner only, never
over the database or over a file it did not write (unless forced), and CSV cells that a
spreadsheet would run as formulas neutralised."""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import platformdirs

from basestation.paths import APP_NAME, OWNER_ONLY_DIR, OWNER_ONLY_FILE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class OutputError(Exception):
    """The file may not be written (it is the database, or somebody else's)."""


def safe_cell(value: object) -> object:
    """A text cell a spreadsheet would read as a formula, made plain text with a leading
    apostrophe (numbers stay numbers)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeCsvWriter:
    """``csv.writer`` whose every text cell goes through :func:`safe_cell`."""

    def __init__(self, stream: IO[str], **options: Any) -> None:
        self._writer = csv.writer(stream, lineterminator="\n", **options)

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([safe_cell(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def _registry() -> Path:
    return Path(platformdirs.user_state_path(APP_NAME, appauthor=False)) / "written.json"


def _written() -> dict[str, list[int]]:
    try:
        loaded = json.loads(_registry().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _remember(path: Path) -> None:
    registry = _registry()
    known = _written()
    info = path.stat()
    known[str(path.resolve())] = [info.st_size, info.st_mtime_ns]
    make_folder(registry.parent, OWNER_ONLY_DIR)
    write_atomically(registry, json.dumps(known).encode("utf-8"), OWNER_ONLY_FILE)


def _ours(path: Path) -> bool:
    """The file is one this program wrote and nobody changed since."""
    entry = _written().get(str(path.resolve()))
    info = path.stat()
    return entry is not None and entry == [info.st_size, info.st_mtime_ns]


def check_target(path: Path, database: Path | None, force: bool) -> None:
    if (
        database is not None
        and path.resolve().name.startswith(database.resolve().name)
        and path.resolve().parent == database.resolve().parent
    ):
        raise OutputError(f"{path} is the database (or one of its files): choose another -o")
    if path.exists() and not force and not _ours(path):
        raise OutputError(
            f"{path} exists and was not written by basestation: pass --force to replace it"
        )


@contextmanager
def private_output(
    path: Path,
    *,
    database: Path | None = None,
    force: bool = False,
) -> Iterator[IO[str]]:
    """Write ``path`` (mode 0600, an existing file's mode narrowed too)."""
    check_target(path, database, force)
    temporary = partial_name(path)
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, OWNER_ONLY_FILE)
        os.fchmod(descriptor, OWNER_ONLY_FILE)
        stream = os.fdopen(descriptor, "w", encoding="utf-8", newline="")
    except OSError as error:
        raise OutputError(f"cannot write {path}: {error.strerror}") from error
    try:
        with stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)  # whole or not at all: a killed export leaves no half file
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _remember(path)


def partial_name(path: Path) -> Path:
    """Where ``path`` is written before it is renamed into place: hidden, beside it, with
    the same last suffix (writers choose their format by it)."""
    return path.with_name(f".{path.stem}.partial{path.suffix}")


def write_atomically(path: Path, data: bytes, mode: int) -> None:
    """``path`` holds ``data`` with exactly ``mode`` (whatever the umask), or is left as it
    was: written beside it, synced, then renamed into place."""
    temporary = partial_name(path)
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def make_folder(path: Path, mode: int) -> None:
    """``path`` and its missing parents as folders; the ones made get exactly ``mode``."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    path.mkdir(parents=True, exist_ok=True)
    for folder in missing:
        os.chmod(folder, mode)
