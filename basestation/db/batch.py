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
from operator import countOf, itemgetter
from pathlib import Path
from typing import Any

import sqlite_utils

from basestation.db.commands import DEFERRED
from basestation.db.connection import StoreError
from basestation.db.rescue import VOTE_COLUMNS, RescueJournal
from basestation.domain import Vote


class Votes:
    """Accepted votes of one poll, in order: one read's, queued at once (the store adds
    to the newest while the writer has not taken it)."""

    __slots__ = ("poll_id", "votes")

    def __init__(self, poll_id: int, votes: list[Vote]) -> None:
        self.poll_id = poll_id
        self.votes = votes


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


Item = Votes | Call | Deferred


def vote_count(items: list[Item]) -> int:
    return sum(len(item.votes) for item in items if isinstance(item, Votes))


def journal_entries(item: Votes | Deferred | Call) -> list[dict[str, Any]]:
    """What the rescue journal keeps of ``item``: a line per vote, or the step."""
    if isinstance(item, Deferred):
        return [{"step": item.step, "kwargs": item.kwargs}]
    if isinstance(item, Call):
        raise TypeError("a call waits for its answer: it is never kept in a journal")
    return [
        {
            "vote": dict(
                zip(
                    VOTE_COLUMNS,
                    (
                        item.poll_id,
                        vote.handset,
                        vote.answer,
                        vote.receiver,
                        vote.receiver_time_us,
                        vote.host_time,
                        vote.seq or None,
                        vote.base_seq,
                    ),
                    strict=True,
                )
            )
        }
        for vote in item.votes
    ]


def commit_batch(db: sqlite_utils.Database, batch: list[Item]) -> int:
    """Everything in ``batch`` in order, in one transaction; returns the votes written.
    sqlite3.Error (and nothing committed) if the database fails."""
    outcomes: list[tuple[Call, Any, BaseException | None]] = []
    written = 0
    with db.atomic():
        for item in batch:
            if isinstance(item, Votes):
                written += _insert_votes(db, item)
            elif isinstance(item, Deferred):
                DEFERRED[item.step](db, **item.kwargs)
            elif _claim(item):
                outcomes.append(_run_call(db, item))
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


def _insert_votes(db: sqlite_utils.Database, item: Votes) -> int:
    """Insert in order, a power of two of votes a statement, as many as SQLite's parameter
    limit allows (4,096): a burst of votes is a few steps, not thousands of round trips
    through the interpreter lock, and a statement of each size is parsed once (parsing
    a new size cost three times its inserts). Each vote's fields are bound as they are;
    the poll, and a field one value for every vote of the statement (the receiver, a
    missing clock or base number), once (binding a None costs as much as a row's insert)."""
    limit = db.conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    most = 1 << (((min(limit, MAX_PARAMETERS) - 1) // len(Vote._fields)).bit_length() - 1)
    votes, first = item.votes, 0
    while (left := len(votes) - first) > 0:
        size = min(most, 1 << (left.bit_length() - 1))
        chunk = votes[first : first + size]
        shared = tuple(field for field in SHAREABLE if _one_value(chunk, field))
        rows = map(itemgetter(*_varying(shared)), chunk) if shared else chunk
        shared_values = [chunk[0][field] for field in shared]
        parameters = [item.poll_id, *shared_values, *chain.from_iterable(rows)]
        db.conn.execute(_insert_rows(size, shared), parameters)
        first += size
    return len(votes)


def _one_value(chunk: list[Vote], field: int) -> bool:
    value = chunk[0][field]
    return chunk[-1][field] == value and countOf(map(itemgetter(field), chunk), value) == len(chunk)


MAX_PARAMETERS = 32_766
"""Parameters of one statement at most (SQLite's default limit since 3.32; a build
may lower it)."""
FIELD_COLUMNS = ("handset", "answer", "receiver", "t_host", "t_receiver_us", "base_seq", "seq")
"""The columns of :class:`~basestation.domain.Vote`'s fields, in its order."""
SHAREABLE = (2, 4, 5)
"""The fields often one value for a whole read: receiver, t_receiver_us, base_seq."""


@lru_cache(maxsize=16)
def _varying(shared: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(field for field in range(len(FIELD_COLUMNS)) if field not in shared)


@lru_cache(maxsize=128)
def _insert_rows(count: int, shared: tuple[int, ...]) -> str:
    """``count`` rows after the poll's and the ``shared`` fields' parameters; a vote of 0
    numbers nothing (NULL)."""
    varying = _varying(shared)
    columns = ", ".join(FIELD_COLUMNS[field] for field in (*shared, *varying))
    picked = [
        f"NULLIF(column{number}, 0)" if FIELD_COLUMNS[field] == "seq" else f"column{number}"
        for number, field in enumerate(varying, 1)
    ]
    row = f"({', '.join('?' * len(varying))})"
    return (
        f"INSERT INTO votes (poll_id, {columns}) SELECT {', '.join(['?'] * (1 + len(shared)))}, "
        f"{', '.join(picked)} FROM (VALUES {', '.join([row] * count)})"
    )


def keep(journal: RescueJournal, journaled: set[int], batch: list[Item], error: str) -> str:
    """Append the batch's votes and deferred steps not yet in ``journal``; the error to
    show, saying where they are."""
    fresh = [item for item in batch if id(item) not in journaled and not isinstance(item, Call)]
    try:
        if fresh:
            journal.append(chain.from_iterable(journal_entries(item) for item in fresh))
    except OSError as failure:
        return f"{error}; the rescue file cannot be written either ({failure})"
    journaled.update(id(item) for item in fresh)
    if journal.path is None:
        return error
    return f"{error}; votes are kept in memory and in {journal.described()}"


def give_up(journal: RescueJournal, batch: list[Item], error: str) -> str:
    """Closing with a database that takes no writes: fail the waiting calls; the error
    to show, with what to run."""
    votes = vote_count(batch)
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
