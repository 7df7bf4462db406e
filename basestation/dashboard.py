"""Wire a receiver, the store and a live session into the dashboard app."""

from __future__ import annotations

from pathlib import Path

from basestation.live_session import LiveSession
from basestation.station import Station
from basestation.store import Store
from basestation.tui.app import DashboardApp
from drivers.registry import receiver_for_url


def run_dashboard(receiver_url: str, db_path: Path, *, course: str | None = None,
                  instructor: str | None = None, countdown: float | None = None,
                  hide_results: bool = False, start_poll: bool = False,
                  anonymous: bool = False) -> None:
    receiver = receiver_for_url(receiver_url)
    receiver.open()
    if instructor is not None:
        receiver.set_instructor(instructor)
    try:
        with Store(db_path) as store:
            station = Station(receiver, store, instructor=instructor)
            station.polls.start_session(course=course, anonymous=anonymous)
            live = LiveSession(station, countdown_s=countdown)
            DashboardApp(live, db_path, hide_results=hide_results, start_poll=start_poll).run()
    finally:
        receiver.close()
