"""Snapshot tests of the dashboard's screens with a fixed seed and a frozen clock.

The worker thread is not started: the test steps the live session itself, so
every screen shows exactly the same votes on every run. Update the pictures
after an intended change with ``uv run pytest --snapshot-update``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from basestation.assembly import dashboard_app
from basestation.db import Store
from basestation.live.station import Station
from basestation.tui.app import DashboardApp
from drivers.iclicker_usb import IClickerReceiver
from drivers.registry import receiver_for_url
from drivers.status import ReceiverState
from drivers.url import parse_receiver_url
from firmware_protocol.iclicker_base import BaseVariant
from simulators.iclicker_base_emulator import EmulatedBase
from simulators.scenario import ClassScenario
from simulators.sim_receiver import SimReceiver
from simulators.usb_backend import EmulatedBaseBackend

SIM = "sim://300?seed=11&speed=2000&questions=1&revote=1&end=0"


@pytest.fixture
def frozen_app(tmp_path: Path) -> Iterator[Callable[..., DashboardApp]]:
    receiver = receiver_for_url(SIM)
    assert isinstance(receiver, SimReceiver)
    receiver.open()
    store = Store(tmp_path / "snap.db")

    def build(**options: Any) -> DashboardApp:
        station = Station(receiver, store)
        station.polls.start_session()
        return dashboard_app(station, run_worker=False, clock=lambda: 1000.0, **options)

    yield build
    store.close()
    receiver.close()


def play_round(app: DashboardApp) -> None:
    receiver = app.live.station.receiver
    assert isinstance(receiver, SimReceiver)
    app.live.step()  # runs the queued start / revote command
    while not receiver.round_finished:
        app.live.step()
    app.live.step()


def vote_once(close: bool) -> Callable[[Pilot[None]], Awaitable[None]]:
    async def run_before(pilot: Pilot[None]) -> None:
        app = pilot.app
        assert isinstance(app, DashboardApp)
        app.live.start_poll()
        play_round(app)
        if close:
            app.live.stop_poll()
            app.live.step()
        app.live.publish()
        app.refresh_view()
        await pilot.pause()

    return run_before


async def revote_and_compare(pilot: Pilot[None]) -> None:
    app = pilot.app
    assert isinstance(app, DashboardApp)
    await vote_once(close=True)(pilot)
    app.live.set_correct("C")
    app.live.revote()
    play_round(app)
    app.live.stop_poll()
    app.live.step()
    app.live.publish()
    app.refresh_view()
    await pilot.press("v")
    await pilot.pause()


async def trouble(pilot: Pilot[None]) -> None:
    """Vote, then the USB base is unplugged: the banner (the frozen clock says 0:00)."""
    app = pilot.app
    assert isinstance(app, DashboardApp)
    app.live.start_poll()
    receiver = app.live.station.receiver
    assert isinstance(receiver, IClickerReceiver)
    backend = receiver.backend
    assert isinstance(backend, EmulatedBaseBackend)
    app.live.step()
    while not backend.bases[0].round_finished:
        app.live.step()
    for _ in range(5):
        app.live.step()
    backend.unplug(backend.bases[0])
    while receiver.state is ReceiverState.CONNECTED:
        app.live.step()
    app.live.step()
    app.live.publish()
    app.refresh_view()
    await pilot.pause()


SIZES = [(80, 24), (160, 48)]


@pytest.mark.parametrize("size", SIZES)
def test_live_poll_screen(
    snap_compare: Any, frozen_app: Callable[..., DashboardApp], size: tuple[int, int]
) -> None:
    assert snap_compare(frozen_app(), terminal_size=size, run_before=vote_once(close=False))


@pytest.mark.parametrize("size", SIZES)
def test_projector_screen(
    snap_compare: Any, frozen_app: Callable[..., DashboardApp], size: tuple[int, int]
) -> None:
    assert snap_compare(
        frozen_app(hide_results=True), terminal_size=size, run_before=vote_once(close=False)
    )


@pytest.mark.parametrize("size", SIZES)
def test_comparison_screen(
    snap_compare: Any, frozen_app: Callable[..., DashboardApp], size: tuple[int, int]
) -> None:
    assert snap_compare(frozen_app(), terminal_size=size, run_before=revote_and_compare)


@pytest.mark.parametrize("size", SIZES)
def test_trouble_banner(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    scenario = ClassScenario(students=300, seed=11)
    base = EmulatedBase(scenario.rounds(), variant=BaseVariant.PUSHED, speed=2000, seed=11)
    receiver = IClickerReceiver(
        parse_receiver_url("iclicker://?channel=AB"), backend=EmulatedBaseBackend(base)
    )
    receiver.open()
    store = Store(tmp_path / "snap.db")
    try:
        station = Station(receiver, store)
        station.polls.start_session()
        app = dashboard_app(station, run_worker=False, clock=lambda: 1000.0)
        assert snap_compare(app, terminal_size=size, run_before=trouble)
    finally:
        store.close()
        receiver.close()
