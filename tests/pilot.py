"""Driving the real dashboard with Textual's pilot on a real station, store and simulated
class; reading what is on the terminal as a user would."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from textual.app import App
from textual.pilot import Pilot

from basestation.assembly import dashboard_app, open_station
from basestation.tui.app import DashboardApp
from drivers.registry import receiver_for_url
from simulators.sim_receiver import SimReceiver

SIM = "sim://300?seed=7&speed=300&questions=2&revote=1&end=0&loss=0.05"


@asynccontextmanager
async def dashboard(
    db_path: Path,
    url: str = SIM,
    size: tuple[int, int] = (80, 24),
    course: str = "Physics",
    notifications: bool = False,
    **options: object,
) -> AsyncIterator[tuple[DashboardApp, Pilot[None], SimReceiver]]:
    """``notifications``: draw toasts (the pilot leaves them out by default)."""
    receiver = receiver_for_url(url)
    assert isinstance(receiver, SimReceiver)
    with open_station(receiver, db_path) as station:
        station.polls.start_session(course=course)
        app = dashboard_app(station, **options)  # type: ignore[arg-type]
        async with app.run_test(size=size, notifications=notifications) as pilot:
            yield app, pilot, receiver


async def until(pilot: Pilot[None], condition: Callable[[], bool], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.05)


def round_done(app: DashboardApp, receiver: SimReceiver) -> Callable[[], bool]:
    return lambda: (
        receiver.round_finished and app.live.station.pipeline.packets > 0 and app.state.poll_open
    )


async def finish_round(app: DashboardApp, pilot: Pilot[None], receiver: SimReceiver) -> None:
    """Let the simulated class vote, then close the poll with ``x`` and see it closed."""
    await until(pilot, round_done(app, receiver))
    await pilot.press("x")
    await until(pilot, lambda: not app.state.poll_open)


def screen_lines(app: App[None]) -> list[str]:
    """The terminal's rows as the user sees them on the top screen (toasts included)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def toasts(app: App[None]) -> list[str]:
    """The notifications the user has been shown (toasts draw on their own layer)."""
    return [notification.message for notification in app._notifications]


def screen_text(app: App[None]) -> str:
    return "\n".join(screen_lines(app))


async def painted(pilot: Pilot[None]) -> str:
    """The screen once the next refresh has been painted."""
    await pilot.pause(0.25)
    return screen_text(pilot.app)
