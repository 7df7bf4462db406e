"""The rescue journal: what the writer could not commit, kept on disk beside the database,
and putting it back exactly once.

While commits fail (a full disk, a failing file), every vote and deferred step that is
not yet in the database is appended to ``<db>.unsaved-<time>.jsonl`` (mode 0600,
fsync'ed), so that even a killed process loses nothing. When the database takes
writes again the journal is deleted; if it never does, ``basestation recover FILE``
(or the next recorder on that database) puts it back. Votes carry their poll and
their number in it, so putting a journal back twice adds nothing twice.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs
import sqlite_utils

from basestation.db.commands import DEFERRED, close_interrupted_polls
from basestation.db.connection import StoreError
from basestation.paths import APP_NAME, create_private_file

FORMAT = "basestation-rescue"
VERSION = 1
SUFFIX = ".unsaved-"
RECOVERED_SUFFIX = ".recovered"
VOTE_COLUMNS = (
    "poll_id",
    "handset",
    "answer",
    "receiver",
    "t_receiver_us",
    "t_host",
    "seq",
    "base_seq",
)
"""The columns of a vote a journal keeps, in the order they are put back."""


def locations(db_path: Path) -> list[Path]:
    """Where a journal may go, in order: beside the database, then (a full disk takes no
    journal either) the user's data folder, then the temporary folder."""
    data = Path(platformdirs.user_data_path(APP_NAME, appauthor=False)) / "rescue"
    return [db_path.parent, data, Path(tempfile.gettempdir())]


def rescue_files(db_path: Path) -> list[Path]:
    """Journals of ``db_path`` that have not been put back yet, wherever they went."""
    found = []
    for index, folder in enumerate(locations(db_path)):
        for path in sorted(folder.glob(f"{db_path.name}{SUFFIX}*.jsonl")):
            if index == 0 or journal_database(path) == str(db_path):
                found.append(path)
    return found


def journal_database(path: Path) -> str | None:
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            header = json.loads(handle.readline())
    except (OSError, ValueError):
        return None
    return str(header.get("database")) if isinstance(header, dict) else None


class RescueJournal:
    """Appends entries to a journal file, created (0600) on first use; if the disk takes
    no more, the rest goes to the next of :func:`locations`."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self.path: Path | None = None
        self.paths: list[Path] = []
        self.entries = 0
        self._location = 0

    def append(self, entries: Iterable[dict[str, Any]]) -> Path:
        """Write and fsync ``entries``; OSError if no location takes them."""
        lines = [json.dumps(entry) + "\n" for entry in entries]
        while True:
            try:
                return self._write(lines)
            except OSError:
                self._location += 1
                self.path = None
                if self._location >= len(locations(self.db_path)):
                    raise

    def _write(self, lines: list[str]) -> Path:
        if self.path is None:
            self.path = self._new_path(locations(self.db_path)[self._location])
            self.paths.append(self.path)
            lines = [
                json.dumps({"rescue": FORMAT, "version": VERSION, "database": str(self.db_path)})
                + "\n",
                *lines,
            ]
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write("".join(lines))
            handle.flush()
            os.fsync(handle.fileno())
        self.entries += len(lines)
        return self.path

    def described(self) -> str:
        return " and ".join(str(path) for path in self.paths)

    def discard(self) -> None:
        """Everything in the journal is in the database now."""
        for path in self.paths:
            path.unlink(missing_ok=True)
        self.path, self.paths, self.entries, self._location = None, [], 0, 0

    def _new_path(self, folder: Path) -> Path:
        if not folder.exists():
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        candidate = folder / f"{self.db_path.name}{SUFFIX}{stamp}.jsonl"
        counter = 1
        while candidate.exists():
            counter += 1
            candidate = folder / f"{self.db_path.name}{SUFFIX}{stamp}-{counter}.jsonl"
        create_private_file(candidate)
        return candidate


@dataclass(frozen=True)
class Recovered:
    votes_added: int
    votes_already_stored: int
    steps: int
    unreadable_lines: int
    polls_closed: int


def read_journal(path: Path) -> tuple[list[dict[str, Any]], int]:
    """The journal's entries and how many lines could not be read (a process killed
    mid-write leaves its last line cut short)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        raise StoreError(f"cannot read {path}: {error}") from error
    entries, unreadable = [], 0
    for number, line in enumerate(text.splitlines(), start=1):
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            unreadable += 1
            continue
        if number == 1:
            if not isinstance(entry, dict) or entry.get("rescue") != FORMAT:
                raise StoreError(f"{path} is not a base station rescue file")
            continue
        if isinstance(entry, dict) and ("vote" in entry or "step" in entry):
            entries.append(entry)
        else:
            unreadable += 1
    return entries, unreadable


def put_back(db: sqlite_utils.Database, path: Path) -> Recovered:
    """Insert the journal's votes (each once) and run its steps, in one transaction."""
    entries, unreadable = read_journal(path)
    added = already = steps = 0
    with db.atomic():
        for entry in entries:
            if "vote" in entry:
                vote = entry["vote"]
                try:
                    cursor = db.execute(
                        "INSERT OR IGNORE INTO votes (poll_id, handset, answer, receiver, "
                        "t_receiver_us, t_host, seq, base_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [vote.get(column) for column in VOTE_COLUMNS],
                    )
                except sqlite3.IntegrityError:
                    unreadable += 1  # a poll this database does not have
                    continue
                added += cursor.rowcount
                already += 1 - cursor.rowcount
            elif entry["step"] in DEFERRED:
                DEFERRED[entry["step"]](db, **entry.get("kwargs", {}))
                steps += 1
        closed = close_interrupted_polls(db)
    return Recovered(added, already, steps, unreadable, closed)


def mark_recovered(path: Path) -> Path:
    done = path.with_name(path.name + RECOVERED_SUFFIX)
    path.replace(done)
    return done


def put_back_all(db: sqlite_utils.Database, db_path: Path) -> list[str]:
    """Every journal left beside ``db_path``, put back and marked; what was done."""
    done = []
    for journal in rescue_files(db_path):
        result = put_back(db, journal)
        done.append(
            f"put back {result.votes_added} votes from {journal} "
            f"({result.votes_already_stored} were already stored)"
        )
        logging.getLogger(__name__).warning("%s", done[-1])
        mark_recovered(journal)
    return done
