"""What the writer queues, and committing a batch of it in one transaction."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import Any

import sqlite_utils

from basestation.db.commands import DEFERRED
from basestation.db.connection import StoreError
from basestation.db.rescue import VOTE_COLUMNS, RescueJournal

VoteRow = (
    tuple[int, str, str, str, int | None, float, int | None]
    | tuple[int, str, str, str, int | None, float, int | None, int | None]
)


class Call:
    """A step somebody waits for (its result comes back through ``future``)."""

    __slots__ = ("future", "step")

    def __init__(self, step: Any) -> None:
        self.step = step
        self.future: Future[Any] = Future()


@dataclass(frozen=True)
class Deferred:
    """A step of :data:`DEFERRED` nobody waits for; its arguments are plain data."""

    step: str
    kwargs: dict[str, Any]


Item = VoteRow | Call | Deferred


def journal_entry(item: VoteRow | Deferred | Call) -> dict[str, Any]:
    if isinstance(item, Deferred):
        return {"step": item.step, "kwargs": item.kwargs}
    if isinstance(item, Call):
        raise TypeError("a call waits for its answer: it is never kept in a journal")
    return {"vote": dict(zip(VOTE_COLUMNS, item, strict=False))}


def commit_batch(db: sqlite_utils.Database, batch: list[Item]) -> int:
    """Everything in ``batch`` in order, in one transaction; returns the votes written.
    sqlite3.Error (and nothing committed) if the database fails."""
    outcomes: list[tuple[Call, Any, BaseException | None]] = []
    rows: list[VoteRow] = []
    written = 0
    with db.atomic():
        for item in batch:
            if isinstance(item, tuple):
                rows.append(item)
                continue
            if rows:
                written += _insert_votes(db, rows)
                rows = []
            if isinstance(item, Deferred):
                DEFERRED[item.step](db, **item.kwargs)
            elif _claim(item):
                outcomes.append(_run_call(db, item))
        if rows:
            written += _insert_votes(db, rows)
    for call, result, failure in outcomes:
        if failure is None:
            call.future.set_result(result)
        else:
            call.future.set_exception(failure)
    return written


def _claim(call: Call) -> bool:
    """False for a call its caller gave up on; a retried batch claims a call again."""
    if call.future.cancelled():
        return False
    return call.future.running() or call.future.set_running_or_notify_cancel()


def _run_call(db: sqlite_utils.Database, call: Call) -> tuple[Call, Any, BaseException | None]:
    """Run one call in a savepoint, so that its own error undoes only its own work."""
    try:
        with db.atomic():
            return call, call.step(db), None
    except sqlite3.OperationalError:
        raise  # the database itself is failing: retry the whole batch
    except Exception as error:
        return call, None, error


def _insert_votes(db: sqlite_utils.Database, rows: list[VoteRow]) -> int:
    """Insert in order: each run of rows of one width with as few statements as SQLite's
    parameter limit allows (one step each: a burst of votes is not thousands of round
    trips through the interpreter lock)."""
    start = 0
    for index in range(1, len(rows) + 1):
        if index == len(rows) or len(rows[index]) != len(rows[start]):
            width = len(rows[start])
            limit = db.conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
            per_statement = min(limit, MAX_PARAMETERS) // width
            for first in range(start, index, per_statement):
                chunk = rows[first : min(index, first + per_statement)]
                db.conn.execute(_insert_rows(width, len(chunk)), list(chain.from_iterable(chunk)))
            start = index
    return len(rows)


MAX_PARAMETERS = 32_766
"""Parameters of one statement at most (SQLite's default limit since 3.32; a build
may lower it)."""


@lru_cache(maxsize=64)
def _insert_rows(width: int, count: int) -> str:
    row = f"({', '.join('?' * width)})"
    values = ", ".join([row] * count)
    return f"INSERT INTO votes ({', '.join(VOTE_COLUMNS[:width])}) VALUES {values}"


def keep(journal: RescueJournal, journaled: set[int], batch: list[Item], error: str) -> str:
    """Append the batch's votes and deferred steps not yet in ``journal``; the error to
    show, saying where they are."""
    fresh = [item for item in batch if id(item) not in journaled and not isinstance(item, Call)]
    try:
        if fresh:
            journal.append(journal_entry(item) for item in fresh)
    except OSError as failure:
        return f"{error}; the rescue file cannot be written either ({failure})"
    journaled.update(id(item) for item in fresh)
    if journal.path is None:
        return error
    return f"{error}; votes are kept in memory and in {journal.described()}"


def give_up(journal: RescueJournal, batch: list[Item], error: str) -> str:
    """Closing with a database that takes no writes: fail the waiting calls; the error
    to show, with what to run."""
    votes = sum(1 for item in batch if isinstance(item, tuple))
    where = journal.described()
    command = "; ".join(f"basestation recover {path}" for path in journal.paths)
    message = (
        f"{error}; {votes} votes are not in the database but saved in {where}: run `{command}`"
        if journal.paths
        else f"{error}; {votes} votes could not be saved anywhere"
    )
    for item in batch:
        if isinstance(item, Call) and not item.future.done():
            item.future.set_exception(StoreError(message))
    return message


FAILING_WAIT_S = 0.5
"""How long a caller still waits once the database has begun failing (the caller may be
the worker that also reads the receiver)."""
WAKE_S = 0.05


def wait_for(call: Call, timeout: float, error: Callable[[], str | None], path: Path) -> Any:
    """The call's result once committed; StoreError after ``timeout``, or sooner, within
    :data:`FAILING_WAIT_S`, when ``error`` says the database began failing meanwhile."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return call.future.result(min(WAKE_S, max(0.0, deadline - time.monotonic())))
        except FutureTimeout:
            now = time.monotonic()
            if error():
                deadline = min(deadline, now + FAILING_WAIT_S)
            if now >= deadline:
                call.future.cancel()
                raise StoreError(
                    error() or f"the database {path} did not answer in {timeout:g} s"
                ) from None
