"""Captures: the shipped ones replay to the simulator's ground truth; record -> replay
gives the same poll; a bad capture file is a clear error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from basestation.assembly import open_station
from basestation.cli import main
from drivers.capture import CaptureError, read_capture
from drivers.registry import receiver_for_url
from drivers.replay_receiver import ReplayReceiver
from simulators.scenario import ClassScenario

DATA = Path(__file__).with_name("data")
# The parameters each shipped capture was made with (`basestation simulate --capture`).
SHIPPED = {
    "lecture-300-revotes.cap.gz": ClassScenario(
        students=300, seed=42, questions=2, revote=True, loss=0.03
    ),
    "noisy-room.cap.gz": ClassScenario(students=150, seed=7, loss=0.3, corrupt=0.15),
    "unplug-mid-poll.cap.gz": ClassScenario(students=200, seed=9),
}


def replay_all(path: Path, db: Path) -> tuple[list[dict[str, object]], ReplayReceiver]:
    receiver = receiver_for_url(f"replay://{path}?speed=max")
    assert isinstance(receiver, ReplayReceiver)
    receiver.reconnect_interval_s = 0.01  # type: ignore[misc]
    results = []
    with open_station(receiver, db) as station:
        station.polls.start_session()
        for index in range(len(receiver.polls)):
            if index == 0 or (station.polls.poll is None and index % 2 == 0):
                station.polls.add_question()
            round_number = (index % 2) + 1 if len(receiver.polls) > 1 else 1
            station.open_poll() if round_number == 1 else station.revote()
            while not receiver.round_finished or receiver.state.value != "connected":
                station.pump(0.01)
            station.pump(0.01)
            snapshot = station.buffer.snapshot()
            results.append(
                {
                    "counts": snapshot.counts,
                    "latest": station.buffer.latest(),
                    "heard": snapshot.heard,
                    "invalid": snapshot.invalid,
                    "votes": snapshot.votes,
                    "duplicates": snapshot.duplicates,
                }
            )
            station.close_poll()
    return results, receiver


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_shipped_captures_replay_to_the_ground_truth(name: str, tmp_path: Path) -> None:
    results, receiver = replay_all(DATA / name, tmp_path / "r.db")
    truths = SHIPPED[name].truth()
    assert len(results) == len(truths)
    for result, truth in zip(results, truths, strict=True):
        assert result["counts"] == truth["counts"]
        assert result["latest"] == truth["latest"]
        assert result["heard"] == truth["copies_heard"]
        assert result["invalid"] == truth["copies_corrupted"]
    if name.startswith("unplug"):
        assert receiver.reconnects == 1


def test_record_with_capture_then_replay_gives_the_same_poll(tmp_path: Path) -> None:
    capture = tmp_path / "class.cap"
    runner = CliRunner()
    first = runner.invoke(
        main,
        [
            "record",
            "--receiver",
            "sim://80?seed=3&speed=200&loss=0.1",
            "--db",
            str(tmp_path / "a.db"),
            "--json",
            "--capture",
            str(capture),
        ],
    )
    assert first.exit_code == 0, first.output
    second = runner.invoke(
        main,
        [
            "record",
            "--receiver",
            f"replay://{capture}?speed=max",
            "--db",
            str(tmp_path / "b.db"),
            "--json",
        ],
    )
    assert second.exit_code == 0, second.output
    original, replayed = json.loads(first.output), json.loads(second.output)
    for key in ("counts", "voters", "votes", "duplicates", "invalid", "heard"):
        assert replayed[key] == original[key], key


def test_simulate_writes_a_capture(tmp_path: Path) -> None:
    path = tmp_path / "made.cap.gz"
    result = CliRunner().invoke(
        main,
        [
            "simulate",
            "--capture",
            str(path),
            "--students",
            "30",
            "--questions",
            "2",
            "--seed",
            "5",
            "--revote",
        ],
    )
    assert result.exit_code == 0, result.output
    header, entries = read_capture(path)
    assert header["version"] == 1
    assert sum(1 for e in entries if getattr(e, "name", "") == "poll-open") == 4


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "is empty"),
        ('{"capture": "other"}\n', "not a version 1"),
        ('{"capture": "basestation", "version": 1}\nnot json\n', "line 2: not JSON"),
        (
            '{"capture": "basestation", "version": 1}\n{"t": 1, "kind": "nope", "payload": ""}\n',
            ":2:",
        ),
    ],
)
def test_bad_capture_files_name_the_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.cap"
    path.write_text(content)
    with pytest.raises(CaptureError, match=message):
        read_capture(path)
