"""The public DIY receivers' firmwares, emulated on a pseudo-terminal and read by the real
serial driver through ``basestation record``: tallies equal the simulated class."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from drivers.serial_receiver import SerialReceiver
from simulators.firmwares import firmware_emulator
from simulators.pty_receiver import PtyReceiver
from simulators.scenario import ClassScenario
from tests.helpers import finish, one_json, query, run_cli, simulated_pty, start_record

SPEED = 30.0


@contextmanager
def served(firmware: str, scenario: ClassScenario) -> Iterator[tuple[str, object]]:
    emulator, _ = firmware_emulator(firmware, scenario.rounds(), SPEED)
    receiver = PtyReceiver(emulator)
    stop = threading.Event()
    thread = threading.Thread(target=receiver.run, kwargs={"until": stop}, daemon=True)
    thread.start()
    try:
        yield receiver.path, emulator
    finally:
        stop.set()
        thread.join(timeout=5)
        receiver.close()


def as_shown(summary: dict[str, object], truth: dict[str, object]) -> dict[str, int]:
    """The true tallies over the question's choices (A-J for a class that has only
    ResponseCards, whose letters past E nobody pressed here)."""
    counts = truth["counts"]
    assert isinstance(counts, dict) and isinstance(summary["counts"], dict)
    return {answer: counts.get(answer, 0) for answer in summary["counts"]}


def record_json(url: str, folder: Path, truth: dict[str, object]) -> tuple[dict[str, object], str]:
    """``record --json`` for 7 s; its summary has the class's true tallies and voters."""
    result = run_cli(
        "record", "--receiver", url, "--db", str(folder / "class.db"), "--duration", "7", "--json"
    )
    assert result.returncode == 0, result.stderr
    summary = one_json(result.stdout)
    assert summary["counts"] == as_shown(summary, truth)
    assert summary["voters"] == truth["voters"]
    assert int(str(truth["voters"])) > 250
    return summary, result.stderr


@pytest.mark.parametrize("firmware", ["iskipper-capture", "iskipper-in-one-package"])
def test_300_handsets_through_each_iskipper_firmware(tmp_path: Path, firmware: str) -> None:
    scenario = ClassScenario(students=300, seed=17, loss=0.05, corrupt=0.02)
    truth = scenario.truth()[0]
    with served(firmware, scenario) as (path, emulator):
        summary, stderr = record_json(f"serial://{path}?protocol=iskipper", tmp_path, truth)
    assert summary["invalid"] == 0  # pings and debug lines are not packets that failed
    events = emulator.events  # type: ignore[attr-defined]
    assert events[0] == "reset" and "vote" in events
    if firmware == "iskipper-in-one-package":
        # the firmware prints nothing before its handshake: I, then C
        assert events.index("got I") < events.index("got C") < events.index("vote")
        assert "does not acknowledge handsets" in stderr
    else:
        assert "does not acknowledge" not in stderr


def test_a_wrong_protocol_on_a_live_port_is_reported_while_record_runs(tmp_path: Path) -> None:
    """A link v1 receiver opened as if it were an iSkipper: the port opens, nothing
    recognisable comes; record says so while it runs (after the driver's answer
    timeout, which the message names; no wall-clock bound in the test)."""
    scenario = ClassScenario(students=20, seed=2)
    with served("link", scenario) as (path, _):
        process = start_record(
            "--receiver",
            f"serial://{path}?protocol=iskipper",
            "--db",
            str(tmp_path / "class.db"),
            "--duration",
            "30",
        )
        assert process.stderr is not None
        line = ""
        while "no receiver answers" not in line:
            line = process.stderr.readline()
            assert line, "record ended without saying so"
        process.send_signal(signal.SIGTERM)
        finish(process)
    assert f"{SerialReceiver.answer_timeout_s:g} s" in line
    assert SerialReceiver.answer_timeout_s < 5.0
    assert f"serial:{path}" in line or path in line
    assert "is it the right protocol?" in line and "iSkipper" in line


def test_300_responsecards_through_the_turning_clicker_sketch(tmp_path: Path) -> None:
    scenario = ClassScenario(
        students=300, seed=23, loss=0.05, corrupt=0.03, rogue=0.02, radio="turningpoint"
    )
    truth = scenario.truth()[0]
    with served("turning-clicker", scenario) as (path, _):
        summary, _ = record_json(f"serial://{path}?protocol=turningpoint", tmp_path, truth)
    # the sketch drops frames that fail the CRC; rogue frames pass it but carry no answer
    rogue = sum(t.handset == "rogue" for t in scenario.rounds()[0].transmissions)
    assert summary["invalid"] == rogue > 0
    handsets = query(tmp_path / "class.db", "SELECT DISTINCT handset FROM votes")
    assert all(len(handset) == 6 for (handset,) in handsets)


def test_responsecards_through_a_link_v1_receiver_that_reports_radio_2(tmp_path: Path) -> None:
    scenario = ClassScenario(students=120, seed=5, corrupt=0.02, radio="turningpoint")
    truth = scenario.truth()[0]
    with simulated_pty(
        "--students",
        "120",
        "--seed",
        "5",
        "--corrupt",
        "0.02",
        "--radio",
        "turningpoint",
        "--speed",
        "30",
    ) as path:
        result = run_cli(
            "record",
            "--receiver",
            f"serial://{path}",
            "--db",
            str(tmp_path / "class.db"),
            "--duration",
            "5",
            "--json",
        )
    assert result.returncode == 0, result.stderr
    summary = one_json(result.stdout)
    assert summary["counts"] == as_shown(summary, truth)
    assert summary["voters"] == truth["voters"]
    assert summary["invalid"] == truth["copies_corrupted"]


def test_sim_url_plays_a_turningpoint_class(tmp_path: Path) -> None:
    url = "sim://80?seed=3&speed=200&radio=turningpoint"
    truth = ClassScenario(students=80, seed=3, radio="turningpoint").truth()[0]
    result = run_cli("record", "--receiver", url, "--db", str(tmp_path / "c.db"), "--json")
    assert result.returncode == 0, result.stderr
    summary = one_json(result.stdout)
    assert list(summary["counts"]) == list("ABCDEFGHIJ")  # ResponseCards only: ten keys
    assert summary["counts"] == as_shown(summary, truth)
    assert summary["voters"] == truth["voters"]


class _Silent:
    """A port where something is attached that never says anything."""

    def power_on(self, now: float) -> None: ...

    def receive(self, data: bytes, now: float) -> None: ...

    def transmit(self, now: float) -> bytes:
        return b""

    def next_due(self) -> float | None:
        return None


def test_doctor_names_the_protocol_that_answers_and_says_when_none_does() -> None:
    from basestation.devices.doctor import diagnose

    scenario = ClassScenario(students=5, seed=1, radio="turningpoint")
    lines: list[str] = []
    with served("turning-clicker", scenario) as (path, _):
        diagnose(lines.append, ports=[path], probe_s=1.5)
    assert (
        f"✓ {path} answers as protocol=turningpoint: serial://{path}?protocol=turningpoint" in lines
    )
    silent = PtyReceiver(_Silent())  # type: ignore[arg-type]
    thread = threading.Thread(target=silent.run, daemon=True)
    thread.start()
    try:
        lines.clear()
        diagnose(lines.append, ports=[silent.path], probe_s=1.0)
    finally:
        silent.close()
        thread.join(timeout=5)
    assert any(
        line.startswith(
            f"✗ no receiver answers on {silent.path} (tried protocol link, iskipper, turningpoint)"
        )
        for line in lines
    )


def test_doctor_port_checks_that_port_only() -> None:
    from tests.helpers import run_cli

    with served("link", ClassScenario(students=5, seed=1)) as (path, _):
        result = run_cli("doctor", path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"✓ {path} answers as protocol=link: serial://{path}?protocol=link"
    ]  # no USB bases, no other ports
    missing = run_cli("doctor", "/dev/ttyUSB97")
    assert missing.returncode == 1 and "no such port" in missing.stdout
