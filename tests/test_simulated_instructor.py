"""The simulators play an instructor: keys typed on ``simulate --pty --instructor``, and a
scripted remote on ``sim://``; the base station hears presses, never votes."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

from basestation.assembly import live_session, open_station
from tests.conftest import cli_command, cli_env

REMOTE = "0A1B2C3D"


def test_keys_typed_on_the_simulator_press_the_remote(tmp_path: Path) -> None:
    process = subprocess.Popen(
        cli_command("simulate", "--pty", "--students", "10", "--instructor", REMOTE),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli_env(),
    )
    try:
        assert process.stdout is not None and process.stdin is not None
        path = process.stdout.readline().strip()
        with open_station(f"serial://{path}", tmp_path / "r.db", instructor=REMOTE) as station:
            station.polls.start_session()
            live = live_session(station)
            process.stdin.write("a\nxd\n")  # x is no button
            process.stdin.flush()
            presses: list[str] = []
            deadline = time.monotonic() + 20
            while len(presses) < 2 and time.monotonic() < deadline:
                station.pump(0.05)
                presses += live.take_instructor_presses()
            assert presses == ["A", "D"]
            assert station.buffer.late == 0  # a remote's press is never a late vote
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=10)
    assert f"instructor remote {REMOTE}" in err


def test_the_scripted_remote_of_sim_presses_once_a_poll_opened(tmp_path: Path) -> None:
    url = f"sim://20?seed=1&speed=100&end=0&instructor={REMOTE}&remote=A,E&remote_every=10"
    with open_station(url, tmp_path / "s.db", instructor=REMOTE) as station:
        station.polls.start_session()
        live = live_session(station)
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:
            station.pump(0.02)
        assert live.take_instructor_presses() == []  # nothing before a poll opens
        live.start_poll()
        presses: list[str] = []
        deadline = time.monotonic() + 10
        while len(presses) < 2 and time.monotonic() < deadline:
            live.step()
            presses += live.take_instructor_presses()
        live.stop()
    assert presses == ["A", "E"]
    assert REMOTE not in station.buffer.latest()


def test_a_bad_instructor_id_in_a_sim_url_is_one_line(tmp_path: Path) -> None:
    from tests.helpers import run_cli

    result = run_cli(
        "record",
        "--receiver",
        "sim://5?instructor=T24",
        "--db",
        str(tmp_path / "x.db"),
        "--duration",
        "1",
    )
    assert result.returncode == 2  # a bad value in a receiver URL: a usage error
    (error,) = result.stderr.splitlines()  # said before anything else
    assert error.startswith("Error: sim://5?instructor=T24: instructor:") and "sticker" in error
    assert "Traceback" not in result.stderr
