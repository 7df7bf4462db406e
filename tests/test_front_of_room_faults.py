"""Trouble in front of the room, with the real faults: a disk that fills up during a
poll (a real file-size limit, in a subprocess), a receiver that is unplugged."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from basestation.assembly import dashboard_app, open_station
from drivers.iclicker_usb import IClickerReceiver
from drivers.status import ReceiverState
from drivers.url import parse_receiver_url
from firmware_protocol.iclicker_base import BaseVariant
from simulators.iclicker_base_emulator import EmulatedBase
from simulators.scenario import ClassScenario
from simulators.usb_backend import EmulatedBaseBackend
from tests.conftest import cli_env
from tests.pilot import screen_lines, toasts, until

ROOT = Path(__file__).resolve().parent.parent


def test_a_full_disk_shows_a_banner_at_80x24_and_x_closes_the_poll_at_once(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tests.dashboard_disk_worker", str(tmp_path / "class.db")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=cli_env(),
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["banner"], "\n".join(result["lines"])
    banner = [line for line in result["lines"] if "STORE FAILING" in line]
    assert banner and len(result["lines"]) == 24
    assert result["closed_s"] < 0.5 and "closed" in result["closed_title"]
    assert any("STORE FAILING" in toast for toast in result["toasts"])
    journals = list(tmp_path.glob("class.db.unsaved-*.jsonl"))
    assert journals and journals[0].stat().st_mode & 0o777 == 0o600


async def test_an_unplugged_receiver_is_a_banner_with_its_time_and_a_toast(tmp_path: Path) -> None:
    scenario = ClassScenario(students=100, seed=5)
    base = EmulatedBase(scenario.rounds(), variant=BaseVariant.PUSHED, speed=20, seed=5)
    backend = EmulatedBaseBackend(base)
    receiver = IClickerReceiver(parse_receiver_url("iclicker://?channel=AB"), backend=backend)
    with open_station(receiver, tmp_path / "usb.db") as station:
        station.polls.start_session()
        app = dashboard_app(station, start_poll=True)
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: app.state.voters > 10)
            backend.unplug(base)
            await until(pilot, lambda: receiver.state is not ReceiverState.CONNECTED)
            await until(
                pilot, lambda: any("RECEIVER LOST for 0:0" in line for line in screen_lines(app))
            )
            await until(pilot, lambda: any("RECEIVER LOST" in t for t in toasts(app)))
            await pilot.pause(1.2)
            assert any(
                "RECEIVER LOST for 0:01" in line or "RECEIVER LOST for 0:02" in line
                for line in screen_lines(app)
            )
            backend.replug(base)
            await until(
                pilot, lambda: not any("RECEIVER LOST" in line for line in screen_lines(app))
            )
