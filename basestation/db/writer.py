"""The SQLite writer: one writer thread that batches votes into short transactions.

Every write goes through the writer thread's single connection, so there is no
lock contention and votes and poll updates are committed in the order they
were made. Votes are committed at most ``flush_interval_s`` after they are
accepted (default 0.1 s, well inside the 250 ms promise). If a commit fails
(disk full, read-only file) the votes stay queued in memory, ``error`` says
why, and the writer retries until the store works again.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

import sqlite_utils

from basestation.db.connection import StoreError, open_database
from basestation.db.schema import migrate
from basestation.domain import Vote
from basestation.paths import create_private_file

log = logging.getLogger(__name__)
T = TypeVar("T")

VOTE_COLUMNS = ("poll_id", "handset", "answer", "receiver", "t_receiver_us", "t_host", "seq",
                "base_seq")
INSERT_VOTE = {
    # A row without a base sequence binds one parameter less: 15 % faster, and it is
    # the common row (every radio receiver)
    width: f"INSERT INTO votes ({', '.join(VOTE_COLUMNS[:width])}) "
           f"VALUES ({', '.join('?' * width)})"
    for width in (7, 8)
}
VoteRow = tuple[int, str, str, str, int | None, float, int | None] | tuple[
    int, str, str, str, int | None, float, int | None, int | None]
CLOSE_RETRIES = 3


class _Call:
    __slots__ = ("future", "step")

    def __init__(self, step: Callable[[sqlite_utils.Database], Any]) -> None:
        self.step = step
        self.future: Future[Any] = Future()


class Store:
    """Owns the database file and the writer thread."""

    def __init__(self, path: Path | str, *, flush_interval_s: float = 0.1) -> None:
        self.path = Path(path)
        self.flush_interval_s = flush_interval_s
        self.error: str | None = None
        self.write_failures = 0
        self.committed_votes = 0
        self.commit_latencies: deque[float] = deque(maxlen=10_000)
        self._pending: list[VoteRow | _Call] = []
        self._oldest_pending: float | None = None
        self._lock = threading.Condition()
        self._closing = False
        self._ready: Future[None] = Future()
        self._thread = threading.Thread(target=self._run, name="store-writer", daemon=True)
        self._thread.start()
        try:
            self._ready.result()
        except Exception as error:
            self._thread.join()
            raise StoreError(f"cannot open the database {self.path}: {error}") from error

    # -- what the rest of the program calls ------------------------------
    def add_vote(self, poll_id: int, vote: Vote) -> None:
        """Queue one accepted vote; committed within ``flush_interval_s``."""
        row: VoteRow = (poll_id, vote.handset, vote.answer, vote.receiver,
                        vote.receiver_time_us, vote.host_time, vote.seq or None)
        if vote.base_seq is not None:
            row = (*row, vote.base_seq)
        with self._lock:
            if self._oldest_pending is None:
                self._oldest_pending = time.monotonic()
            self._pending.append(row)

    def add_rows(self, rows: list[VoteRow]) -> None:
        """Queue many vote rows at once (imports and benchmarks)."""
        with self._lock:
            if self._oldest_pending is None:
                self._oldest_pending = time.monotonic()
            self._pending.extend(rows)
            self._lock.notify()

    def call(self, step: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``step(db, *args, **kwargs)`` on the writer's connection after the votes
        queued before it, in the same transaction; return its result once committed.
        The steps are the functions of :mod:`basestation.db.commands`."""
        work = _Call((lambda db: step(db, *args, **kwargs)) if args or kwargs else step)
        with self._lock:
            if self._closing:
                raise StoreError("the store is closed")
            self._pending.append(work)
            self._lock.notify()
        result: T = work.future.result()
        return result

    def flush(self) -> None:
        """Return once everything queued so far is committed."""
        self.call(lambda db: None)

    @property
    def pending_votes(self) -> int:
        with self._lock:
            return sum(1 for item in self._pending if not isinstance(item, _Call))

    def close(self) -> None:
        """Commit what is queued and stop the writer."""
        with self._lock:
            self._closing = True
            self._lock.notify()
        self._thread.join()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the writer thread -------------------------------------------------
    def _run(self) -> None:
        try:
            create_private_file(self.path)
            db = open_database(self.path)
            db.enable_wal()
            db.execute("PRAGMA synchronous = FULL")
            migrate(db)
        except Exception as error:  # handed to the constructor's caller
            self._ready.set_exception(error)
            return
        self._ready.set_result(None)
        try:
            self._write_loop(db)
        finally:
            self._db.close()

    def _write_loop(self, db: sqlite_utils.Database) -> None:
        failures = 0
        self._db = db
        while True:
            with self._lock:
                if not self._pending and not self._closing:
                    self._lock.wait(self.flush_interval_s)
                batch, self._pending = self._pending, []
                oldest, self._oldest_pending = self._oldest_pending, None
                closing = self._closing
            if not batch:
                if closing:
                    return
                continue
            if self._commit(self._db, batch, oldest):
                failures = 0
                continue
            failures += 1
            self.write_failures += 1
            self._reopen()
            if closing and failures >= CLOSE_RETRIES:
                self._rescue(batch)
                return
            with self._lock:
                self._pending = batch + self._pending
                self._oldest_pending = oldest
            time.sleep(min(self.flush_interval_s * 2**failures, 2.0))

    def _reopen(self) -> None:
        """A fresh connection after a failed commit: whatever state the old one was in
        (a failed transaction, a stale handle to a replaced file) is gone."""
        try:
            fresh = open_database(self.path)
            fresh.execute("PRAGMA synchronous = FULL")
        except sqlite3.Error as error:
            log.warning("reopening %s: %s", self.path, error)
            return
        self._db.close()
        self._db = fresh

    def _commit(self, db: sqlite_utils.Database, batch: list[VoteRow | _Call],
                oldest: float | None) -> bool:
        outcomes: list[tuple[_Call, Any, BaseException | None]] = []
        rows: list[VoteRow] = []
        written = 0
        try:
            with db.atomic():
                for item in batch:
                    if not isinstance(item, _Call):
                        rows.append(item)
                        continue
                    if rows:
                        written += _insert_votes(db, rows)
                        rows = []
                    outcomes.append(self._run_call(db, item))
                if rows:
                    written += _insert_votes(db, rows)
        except sqlite3.Error as error:
            self.error = f"cannot write to {self.path}: {error}; votes are kept in memory"
            log.error("%s", self.error)
            return False
        self.committed_votes += written
        self.error = None
        if oldest is not None:
            self.commit_latencies.append(time.monotonic() - oldest)
        for call, result, failure in outcomes:
            if failure is None:
                call.future.set_result(result)
            else:
                call.future.set_exception(failure)
        return True

    @staticmethod
    def _run_call(db: sqlite_utils.Database,
                  call: _Call) -> tuple[_Call, Any, BaseException | None]:
        """Run one call in a savepoint, so that its own error undoes only its own work."""
        try:
            with db.atomic():
                return call, call.step(db), None
        except sqlite3.OperationalError:
            raise  # the database itself is failing: retry the whole batch
        except Exception as error:
            return call, None, error

    def _rescue(self, batch: list[VoteRow | _Call]) -> None:
        """Closing with a database that will not take writes: save the votes beside it
        as JSON lines, tell the user where, and fail the waiting calls."""
        rows = [item for item in batch if not isinstance(item, _Call)]
        if rows:
            rescue = self.path.with_name(f"{self.path.name}.unsaved-{int(time.time())}.jsonl")
            try:
                create_private_file(rescue)
                with rescue.open("a", encoding="utf-8") as handle:
                    for row in rows:
                        handle.write(json.dumps(dict(zip(VOTE_COLUMNS, row, strict=False))) + "\n")
                self.error = f"{self.error}; {len(rows)} unsaved votes written to {rescue}"
            except OSError as error:
                self.error = f"{self.error}; {len(rows)} votes could not be saved anywhere: {error}"
            log.error("%s", self.error)
        for item in batch:
            if isinstance(item, _Call) and not item.future.done():
                item.future.set_exception(StoreError(self.error or "the store failed"))


def _insert_votes(db: sqlite_utils.Database, rows: list[VoteRow]) -> int:
    """Insert in order: each run of rows of one width with one statement."""
    start = 0
    for index in range(1, len(rows) + 1):
        if index == len(rows) or len(rows[index]) != len(rows[start]):
            db.conn.executemany(INSERT_VOTE[len(rows[start])], rows[start:index])
            start = index
    return len(rows)
