"""The composition root: receiver -> station -> store -> live session -> app.

The CLI, the demo, the tests and the benchmarks all build the program here, so
each of them runs the same wiring (python-can's ``Bus`` factory and harlequin's
app factory are the models).
"""

from __future__ import annotations

import gc
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from basestation.db import Store
from basestation.domain import DEFAULT_CHOICES, MAX_CHOICES, PreparedQuestion
from basestation.live.station import Station, VoteListener
from basestation.peer_instruction import DEFAULT_BAND, DiscussionBand
from drivers.base import Receiver
from drivers.capture import CaptureSink, open_capture
from drivers.registry import receiver_for_urls

if TYPE_CHECKING:
    from basestation.live.discussion import DiscussionSettings
    from basestation.live.session import LiveSession
    from basestation.tui.app import DashboardApp


ReceiverSpec = str | Sequence[str] | Receiver
"""A URL, several URLs (read as one group), or a receiver already made."""


def receiver_from(receiver: ReceiverSpec) -> Receiver:
    if isinstance(receiver, Receiver):
        return receiver
    return receiver_for_urls([receiver] if isinstance(receiver, str) else list(receiver))


@contextmanager
def open_station(
    receiver: ReceiverSpec,
    db_path: Path,
    *,
    instructor: str | None = None,
    capture: Path | None = None,
    channel: str | None = None,
    flush_interval_s: float = 0.1,
    listeners: Sequence[VoteListener] = (),
    wall_clock: Callable[[], float] = time.time,
) -> Iterator[Station]:
    """An opened receiver, the store and the station that joins them; all closed on exit.

    The receiver is opened first, so a missing device fails before the database is
    touched. ``capture`` also writes what the receiver hands on to that file.
    """
    receiver = receiver_from(receiver)
    if instructor is not None:
        receiver.set_instructor(instructor)  # some receivers name it while opening
    _phones_sign_in_from(receiver, db_path)
    receiver.open()
    try:
        if channel:
            receiver.set_channel(channel)
        with (
            Store(db_path, flush_interval_s=flush_interval_s, recorder=True) as store,
            _capture(capture, receiver) as writer,
            _interpreter_for_a_station(),
        ):
            yield Station(
                receiver,
                store,
                instructor=instructor,
                capture=writer,
                listeners=listeners,
                wall_clock=wall_clock,
            )
    finally:
        receiver.close()


LIVE_COLLECTOR_THRESHOLD = 50_000
LIVE_SWITCH_INTERVAL_S = 0.001


@contextmanager
def _interpreter_for_a_station() -> Iterator[None]:
    """While a station runs, the interpreter is set for its threads, then put back.

    Python's cyclic collector runs after 50,000 new objects, not 700: each vote makes a
    few that hold no cycles (reference counting frees them), and the collector walking
    them was a fifth of a replayed poll's time. A busy thread gives up the interpreter
    lock after 1 ms, not 5: the store's writer takes it back after each SQLite step,
    and at 5 ms a busy read loop kept it waiting until its votes piled up."""
    threshold, interval = gc.get_threshold(), sys.getswitchinterval()
    gc.set_threshold(LIVE_COLLECTOR_THRESHOLD, *threshold[1:])
    sys.setswitchinterval(LIVE_SWITCH_INTERVAL_S)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        sys.setswitchinterval(interval)


def _phones_sign_in_from(receiver: Receiver, db_path: Path) -> None:
    """Students sign in on a web receiver with the codes in this database."""
    if not any(part.scheme == "web" for part in receiver.parts()):
        return
    from basestation.db.phones import PhoneSignIn
    from drivers.web.receiver import WebReceiver

    for part in receiver.parts():
        if isinstance(part, WebReceiver):
            part.set_roster(PhoneSignIn(db_path))


def default_choices(receiver: Receiver) -> int:
    """An ad-hoc question's choices: A-J when every receiver hears TurningPoint
    ResponseCards (ten keys), else A-E."""
    return MAX_CHOICES if receiver.turningpoint_only() else DEFAULT_CHOICES


def live_session(
    station: Station,
    *,
    countdown_s: float | None = None,
    clock: Callable[[], float] = time.monotonic,
    prepared: Sequence[PreparedQuestion] = (),
    choices: int = DEFAULT_CHOICES,
    discussion: DiscussionSettings | None = None,
) -> LiveSession:
    from basestation.live.session import LiveSession  # not for `record`: 17 ms at start

    return LiveSession(
        station,
        countdown_s=countdown_s,
        clock=clock,
        prepared=prepared,
        choices=choices,
        discussion=discussion,
    )


def dashboard_app(
    station: Station,
    *,
    countdown_s: float | None = None,
    hide_results: bool = False,
    start_poll: bool = False,
    run_worker: bool = True,
    clock: Callable[[], float] = time.monotonic,
    prepared: Sequence[PreparedQuestion] = (),
    choices: int = DEFAULT_CHOICES,
    hint: str | None = None,
    app_class: type[DashboardApp] | None = None,
    band: DiscussionBand = DEFAULT_BAND,
    discussion: DiscussionSettings | None = None,
) -> DashboardApp:
    """The dashboard on ``station`` (``app_class``: a subclass, e.g. a benchmark's)."""
    from basestation.tui.app import DashboardApp

    live = live_session(
        station,
        countdown_s=countdown_s,
        clock=clock,
        prepared=prepared,
        choices=choices,
        discussion=discussion,
    )
    return (app_class or DashboardApp)(
        live,
        hide_results=hide_results,
        start_poll=start_poll,
        run_worker=run_worker,
        hint=hint,
        band=band,
    )


@contextmanager
def _capture(path: Path | None, receiver: Receiver) -> Iterator[CaptureSink | None]:
    if path is None:
        yield None
        return
    writer = open_capture(path, receiver.describe())
    try:
        yield writer
    finally:
        writer.close()


@dataclass(frozen=True)
class DashboardRun:
    """What ``run`` and the demo tell the user once the dashboard is quit."""

    session_id: int
    db_path: Path
    questions: int
    store_error: str | None


def run_dashboard(
    receiver: ReceiverSpec,
    db_path: Path,
    *,
    course: str | None = None,
    instructor: str | None = None,
    countdown: float | None = None,
    hide_results: bool = False,
    start_poll: bool = False,
    anonymous: bool = False,
    capture: Path | None = None,
    prepared: Sequence[PreparedQuestion] = (),
    choices: int | None = None,
    hint: str | None = None,
    band: DiscussionBand = DEFAULT_BAND,
    discussion: DiscussionSettings | None = None,
) -> DashboardRun:
    """``basestation run`` and the demo: a new session on the dashboard until quit."""
    with open_station(receiver, db_path, instructor=instructor, capture=capture) as station:
        session_id = station.polls.start_session(course=course, anonymous=anonymous)
        dashboard_app(
            station,
            countdown_s=countdown,
            hide_results=hide_results,
            start_poll=start_poll,
            prepared=prepared,
            choices=choices or default_choices(station.receiver),
            hint=hint,
            band=band,
            discussion=discussion,
        ).run()
        question = station.polls.question
        store = station.store
    return DashboardRun(session_id, db_path, question.number if question else 0, store.error)
