"""Running the real CLI in subprocesses: a simulated receiver on a pty and a recorder."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from basestation.assembly import live_session, open_station
from basestation.live.polls import PollController
from basestation.live.votes import Outcome
from drivers.registry import receiver_for_url
from simulators.sim_receiver import SimReceiver, play_steps
from tests.conftest import cli_command, cli_env


def offer_and_store(polls: PollController, handset: str, answer: str, at: float) -> Outcome:
    """Offer a press to the open poll; what its buffer (made with ``keep_votes``)
    accepts is queued for the store, as a station does after each read."""
    outcome = polls.buffer.offer(handset, answer, "r", at)
    poll_id = polls.buffer.poll_id
    assert poll_id is not None
    polls.store.add_votes(poll_id, polls.buffer.take_votes())
    return outcome


@contextmanager
def simulated_pty(*args: str) -> Iterator[str]:
    """Start ``basestation simulate --pty ARGS`` and yield the pty path it serves."""
    process = subprocess.Popen(
        cli_command("simulate", "--pty", *args),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli_env(),
    )
    try:
        assert process.stdout is not None
        path = process.stdout.readline().strip()
        assert path.startswith("/dev/"), process.stderr.read() if process.stderr else path
        yield path
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


_started: list[subprocess.Popen[str]] = []


def start_record(*args: str) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        cli_command("record", *args),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli_env(),
    )
    _started.append(process)
    return process


def kill_leftover_recorders() -> None:
    """A test that failed half-way must not leave a recorder reading a pty that the next
    test's simulator gets under the same name."""
    while _started:
        process = _started.pop()
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=10)


def finish(process: subprocess.Popen[str], timeout: float = 60) -> tuple[str, str]:
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, err
    return out, err


def run_cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cli_command(*args),
        capture_output=True,
        text=True,
        timeout=timeout,
        env=cli_env(),
        check=False,
    )


def query(db: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as connection:
        return connection.execute(sql, params).fetchall()


def count_rows(db: Path, table: str) -> int:
    """Rows a reader sees now; 0 while the recorder is still creating the database."""
    try:
        return int(query(db, f"SELECT COUNT(*) FROM {table}")[0][0])
    except sqlite3.Error:
        return 0


def committed_votes(db: Path) -> int:
    return count_rows(db, "votes")


def wait_for(condition: Any, timeout: float = 20, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def one_json(text: str) -> dict[str, Any]:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    parsed: dict[str, Any] = json.loads(lines[0])
    return parsed


CLASS_URL = "sim://40?seed=12&speed=300&questions=2&revote=1&end=0"


def latest_of_poll(db: Path, poll_id: int) -> dict[str, str]:
    """Each handset's last accepted answer in a poll, read with SQL of the test's own."""
    return dict(
        query(
            db,
            "SELECT handset, answer FROM votes v WHERE poll_id = ? AND seq = "
            "(SELECT MAX(seq) FROM votes w WHERE w.poll_id = v.poll_id AND "
            "w.handset = v.handset)",
            poll_id,
        )
    )


def rounds_of_question(db: Path, session: int, number: int) -> list[dict[str, str]]:
    """``latest_of_poll`` of each round of question ``number`` of a session."""
    polls = query(
        db,
        "SELECT p.id FROM polls p JOIN questions q ON q.id = p.question_id "
        "WHERE q.session_id = ? AND q.number = ? ORDER BY p.round",
        session,
        number,
    )
    return [latest_of_poll(db, poll) for (poll,) in polls]


def play_class(
    db: Path, anonymous: bool = False, url: str = CLASS_URL, course: str = "PHYS 101"
) -> tuple[SimReceiver, list[dict[str, object]]]:
    """Two questions, each with a revote, played through a live session into ``db``."""
    receiver = receiver_for_url(url)
    assert isinstance(receiver, SimReceiver)
    with open_station(receiver, db) as station:
        station.polls.start_session(course=course, anonymous=anonymous)
        live = live_session(station)
        play_steps(
            live,
            receiver,
            [
                live.start_poll,
                live.stop_poll,
                live.revote,
                live.stop_poll,
                live.next_question,
                live.start_poll,
                live.stop_poll,
                live.revote,
                live.stop_poll,
            ],
        )
        live.stop()
    return receiver, receiver.scenario.truth()


__all__ = [
    "committed_votes",
    "count_rows",
    "finish",
    "latest_of_poll",
    "one_json",
    "play_class",
    "play_steps",
    "query",
    "rounds_of_question",
    "run_cli",
    "simulated_pty",
    "start_record",
    "sys",
    "wait_for",
]
