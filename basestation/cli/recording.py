"""One poll from the command line: open a receiver, record until told to stop."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from basestation.assembly import default_choices, open_station
from basestation.domain import PreparedQuestion, QuestionSpec
from basestation.live.votes import BufferSnapshot
from drivers.base import Receiver

FLUSH_WAIT_S = 0.5
"""How long a closing poll waits for the database before the rest goes to the rescue
journal (SIGTERM and Ctrl-C must end ``record`` within 2 s)."""


@dataclass(frozen=True)
class RecordRequest:
    receiver_urls: tuple[str, ...]
    db_path: Path
    question: str | None = None
    session: int | None = None
    revote: bool = False
    duration: float | None = None
    course: str | None = None
    capture: Path | None = None
    anonymous: bool = False
    channel: str | None = None
    prepared: PreparedQuestion | None = None
    """A question of a prepared set (``--questions FILE --number N``)."""
    choices: int | None = None
    """Of an ad-hoc question (a prepared one has its own); None: as the receivers say."""
    receiver: Receiver | None = None
    """The receiver already built from ``receiver_urls`` (built here when None)."""


def record_poll(
    request: RecordRequest,
    stop: threading.Event,
    on_notice: Callable[[str], None] | None = None,
    on_progress: Callable[[BufferSnapshot], None] | None = None,
) -> dict[str, Any]:
    """Run one poll and return its summary; the poll is closed whatever happens.
    ``on_notice`` hears what the user should be told about the receiver meanwhile."""
    with open_station(
        request.receiver or request.receiver_urls,
        request.db_path,
        capture=request.capture,
        channel=request.channel,
    ) as station:
        store, receiver = station.store, station.receiver
        for line in store.recovered:
            if on_notice is not None:
                on_notice(line)
        polls = station.polls
        if request.session is None:
            polls.start_session(course=request.course, anonymous=request.anonymous)
        else:
            polls.resume_session(request.session)
        if request.revote:
            poll_opener = station.revote
        else:
            if request.prepared is not None:
                polls.add_prepared(request.prepared)
            else:
                choices = request.choices or default_choices(receiver)
                polls.add_question(request.question, spec=QuestionSpec(choices=choices))
            poll_opener = station.open_poll
        poll_opener()
        join = receiver.join_info()
        if join is not None and on_notice is not None:
            on_notice(
                f"phones vote at {' or '.join(join.addresses)} with the round code "
                f"{join.round_code}"
            )
        deadline = None if request.duration is None else time.monotonic() + request.duration
        try:
            progress = (
                None if on_progress is None else (lambda: on_progress(station.buffer.snapshot()))
            )
            reason = station.run_until(stop, deadline, on_notice, progress)
        finally:
            poll = polls.poll
            station.close_poll()  # queued: a failing disk cannot hold the poll open
            polls.finish()
        snapshot = station.buffer.snapshot()
        store.flush(timeout=FLUSH_WAIT_S)
        if poll is None or polls.session_id is None:
            raise RuntimeError("the poll was never opened")
        result = summary(
            polls.session_id,
            poll.id,
            poll.question.number,
            poll.round,
            snapshot,
            reason,
            receiver.stats(),
        )
    # closed now: the store has committed everything, or says where the rest is
    if store.problem:
        result["store_error"] = store.problem
    result["database"] = str(store.path)
    return result


def summary(
    session: int,
    poll: int,
    question: int,
    round_number: int,
    snapshot: BufferSnapshot,
    reason: str,
    link: dict[str, int],
) -> dict[str, Any]:
    return {
        "session": session,
        "poll": poll,
        "question": question,
        "round": round_number,
        "voters": snapshot.voters,
        "counts": snapshot.counts,
        "votes": snapshot.votes,
        "duplicates": snapshot.duplicates,
        "invalid": snapshot.invalid,
        "out_of_range": snapshot.out_of_range,
        "late": snapshot.late,
        "heard": snapshot.heard,
        "stopped_by": reason,
        "link": link,
    }
