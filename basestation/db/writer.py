"""The SQLite writer: one thread that batches votes into short transactions.

Every write goes through the writer thread's single connection, so there is no lock
contention and votes and poll updates are committed in the order they were made.
The writer is woken by work: the first vote of a batch wakes it, it gathers what
comes within ``group_commit_s`` (a group commit: one fsync for a burst), or until told
the batch is whole (``commit_now``: the votes of one read's window), and commits.

When a commit fails (disk full, read-only or failing file) the writer keeps the
votes in memory, writes them at once to a rescue journal beside the database
(:mod:`basestation.db.rescue`), says so in ``error`` and retries; closing never
waits longer than its timeout. When the database file is deleted, moved or
replaced while open (:mod:`basestation.db.takeover`), everything recorded so far
is copied to a fresh file beside it and recording goes on there; ``warning`` says
where.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

import sqlite_utils

from basestation.db import takeover
from basestation.db.batch import (
    FAILING_WAIT_S,
    Call,
    Deferred,
    Item,
    Votes,
    commit_batch,
    give_up,
    keep,
    vote_count,
    wait_for,
)
from basestation.db.connection import (
    StoreError,
    ignore_file_size_signal,
    open_database,
    reopen_durable,
)
from basestation.db.lock import RecorderLock
from basestation.db.rescue import RescueJournal, put_back_all
from basestation.db.upgrade import migrate
from basestation.domain import Vote
from basestation.paths import create_private_file
from drivers.threads import background_thread

log = logging.getLogger(__name__)
T = TypeVar("T")
CALL_TIMEOUT_S = 10.0
GROUP_COMMIT_S = 0.035
CLOSE_TIMEOUT_S = 1.0
FILE_CHECK_EVERY_S = 0.5


class Store:
    """Owns the database file and the writer thread. ``recorder``: this process records
    polls (one per database: :class:`~basestation.db.lock.RecorderLock`); it also puts
    back rescue journals a failed recorder left."""

    def __init__(
        self,
        path: Path | str,
        *,
        flush_interval_s: float = 0.1,
        recorder: bool = False,
        group_commit_s: float = GROUP_COMMIT_S,
    ) -> None:
        self.path = Path(path)
        self.flush_interval_s = flush_interval_s
        """How often an idle writer looks at the file (and retries after a failure)."""
        self.group_commit_s = group_commit_s
        self.on_commit: Callable[[int], None] | None = None
        """Called on the writer thread after each commit with the votes committed so far."""
        self.error: str | None = None
        """Why writes fail right now (None once they work again)."""
        self.warning: str | None = None
        """Something the user must know that stays true (the file was replaced …)."""
        self.recovered: list[str] = []
        self.write_failures = 0
        self.committed_votes = 0
        self.commit_latencies: deque[float] = deque(maxlen=10_000)
        self._pending: list[Item] = []
        self._votes_tail: Votes | None = None  # grows until the writer takes it
        self._oldest_pending: float | None = None
        self._commit_now = False
        self._lock = threading.Condition()
        self._closing = False
        self._close_deadline = 0.0
        self._journal = RescueJournal(self.path)
        self._journaled: set[int] = set()
        self._in_flight = 0
        self._identity: tuple[int, int] | None = None
        self._next_file_check = 0.0
        self._recorder_lock = RecorderLock(self.path) if recorder else None
        ignore_file_size_signal()
        if self._recorder_lock is not None:
            self._recorder_lock.acquire()
        self._ready: Future[None] = Future()
        self._thread = background_thread(self._run, "store-writer")
        self._thread.start()
        try:
            self._ready.result()
        except Exception as error:
            self._thread.join()
            self._release_lock()
            if isinstance(error, StoreError):
                raise
            raise StoreError(f"cannot open the database {self.path}: {error}") from error

    # -- what the rest of the program calls ------------------------------
    def add_vote(self, poll_id: int, vote: Vote) -> None:
        """Queue one accepted vote; committed within a few milliseconds."""
        self.add_votes(poll_id, (vote,))

    def add_votes(self, poll_id: int, votes: Sequence[Vote]) -> None:
        """Queue a poll's accepted votes, in order (one read's: one lock, not one a vote)."""
        with self._lock:
            if self._oldest_pending is None:
                self._oldest_pending = time.monotonic()
                self._lock.notify()  # the first vote of a batch wakes the writer
            tail, pending = self._votes_tail, self._pending
            if tail is not None and tail.poll_id == poll_id and pending[-1] is tail:
                tail.votes.extend(votes)
            else:
                self._votes_tail = Votes(poll_id, list(votes))
                pending.append(self._votes_tail)

    def commit_now(self) -> None:
        """The queued votes are a whole batch (one read's window): commit them at once."""
        with self._lock:
            if self._pending:
                self._commit_now = True
                self._lock.notify()

    def submit(self, step: str, **kwargs: Any) -> None:
        """Queue a step of :data:`~basestation.db.commands.DEFERRED` that nobody waits
        for (closing a poll, its counters): in order with the votes, kept in the rescue
        journal if the database takes no writes."""
        with self._lock:
            self._pending.append(Deferred(step, kwargs))
            self._lock.notify()

    def call(
        self, step: Callable[..., T], *args: Any, timeout: float = CALL_TIMEOUT_S, **kwargs: Any
    ) -> T:
        """Run ``step(db, *args, **kwargs)`` on the writer's connection after the votes
        queued before it, in the same transaction; return its result once committed.
        StoreError if the database does not answer within ``timeout`` (shorter while it
        fails)."""
        if self.error:
            timeout = min(timeout, FAILING_WAIT_S)
        work = Call((lambda db: step(db, *args, **kwargs)) if args or kwargs else step)
        with self._lock:
            if self._closing:
                raise StoreError("the store is closed")
            self._pending.append(work)
            self._commit_now = True  # someone waits for it
            self._lock.notify()
        result: T = wait_for(work, timeout, lambda: self.error, self.path)
        return result

    def flush(self, timeout: float = CALL_TIMEOUT_S) -> bool:
        """Wait until everything queued so far is committed; False if it is not within
        ``timeout`` (the database is failing: see ``error``)."""
        try:
            self.call(lambda db: None, timeout=timeout)
        except StoreError:
            return False
        return True

    @property
    def pending_votes(self) -> int:
        """Votes not committed yet (queued, or in the batch being written)."""
        with self._lock:
            return self._in_flight + vote_count(self._pending)

    @property
    def problem(self) -> str | None:
        """What the user should be told now: a failure, or a lasting warning."""
        return self.error or self.warning

    def close(self, timeout: float = CLOSE_TIMEOUT_S) -> None:
        """Commit what is queued and stop the writer; a database that takes no writes
        keeps the writer at most ``timeout`` s, and what it did not take stays in the
        rescue journal, whose path ``error`` gives."""
        with self._lock:
            self._closing = True
            self._close_deadline = time.monotonic() + timeout
            self._lock.notify()
        self._thread.join()
        self._release_lock()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _release_lock(self) -> None:
        if self._recorder_lock is not None:
            self._recorder_lock.release()

    # -- the writer thread -------------------------------------------------
    def _run(self) -> None:
        try:
            self._db = self._open(self.path, wal=False)
            migrate(self._db)  # a new file's schema is written without a WAL: it stays small
            self._db.enable_wal()
            if self._recorder_lock is not None:
                self.recovered = put_back_all(self._db, self.path)
        except Exception as error:  # handed to the constructor's caller
            self._ready.set_exception(error)
            return
        self._ready.set_result(None)
        try:
            self._write_loop()
        finally:
            self._db.close()

    def _open(self, path: Path, wal: bool = True) -> sqlite_utils.Database:
        create_private_file(path)
        db = open_database(path)
        if wal:
            db.enable_wal()
        db.execute("PRAGMA synchronous = FULL")
        self._identity = takeover.identity(path)
        return db

    def _write_loop(self) -> None:
        failures = 0
        while True:
            with self._lock:
                if not self._pending and not self._closing:
                    self._lock.wait(self.flush_interval_s)
                self._gather()
                batch, self._pending, self._votes_tail = self._pending, [], None
                oldest, self._oldest_pending = self._oldest_pending, None
                self._commit_now = False
                closing = self._closing
                self._in_flight = vote_count(batch)
            self._watch_file()
            if not batch:
                if closing:
                    return
                continue
            if self._commit(batch, oldest):
                failures = 0
                with self._lock:
                    self._in_flight = 0
                continue
            failures += 1
            self._keep_in_journal(batch)
            self._reopen()
            if closing and time.monotonic() >= self._close_deadline:
                self.error = give_up(self._journal, batch, self.error or "")
                log.error("%s", self.error)
                return
            with self._lock:
                self._pending = batch + self._pending
                self._oldest_pending = oldest
                self._in_flight = 0
            time.sleep(0.05 if closing else min(self.flush_interval_s * 2**failures, 2.0))

    def _gather(self) -> None:
        """Hold the batch open until ``group_commit_s`` after its oldest vote or until it is
        whole (lock held): a burst shares one commit; a lone vote waits no longer."""
        if self._oldest_pending is None or self._closing:
            return
        deadline = self._oldest_pending + self.group_commit_s
        while not (self._commit_now or self._closing) and (left := deadline - time.monotonic()) > 0:
            self._lock.wait(left)

    def _commit(self, batch: list[Item], oldest: float | None) -> bool:
        try:
            written = commit_batch(self._db, batch)
        except sqlite3.Error as error:
            self.write_failures += 1
            self.error = f"cannot write to {self.path}: {error}"
            log.error("%s", self.error)
            return False
        self.committed_votes += written
        self.error = None
        if self.on_commit is not None:
            self.on_commit(self.committed_votes)
        if oldest is not None:
            self.commit_latencies.append(time.monotonic() - oldest)
        self._journaled.difference_update(id(item) for item in batch)
        if self._journal.path is not None and not self._journaled:
            self._journal.discard()  # all of it is in the database now
        return True

    def _keep_in_journal(self, batch: list[Item]) -> None:
        """Write what failed to the rescue journal at once, so even a killed process
        loses nothing (each item once)."""
        self.error = keep(self._journal, self._journaled, batch, self.error or "")

    def _reopen(self) -> None:
        """A fresh connection after a failed commit (no failed transaction left over)."""
        fresh = reopen_durable(self.path)
        if fresh is not None:
            self._db.close()
            self._db = fresh

    def _watch_file(self) -> None:
        now = time.monotonic()
        if now < self._next_file_check:
            return
        self._next_file_check = now + FILE_CHECK_EVERY_S
        moved = takeover.move_if_gone(self._db, self.path, self._identity)
        if moved is None:
            return
        fresh, message = moved
        log.error("%s", message)
        if fresh is None:
            self.error = message
            return
        self._db.close()
        self.path, self._journal, self.warning = fresh, RescueJournal(fresh), message
        self._db = self._open(fresh)
