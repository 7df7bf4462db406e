"""``record`` ends at the end of the round on a receiver whose script or capture holds
more rounds, and shows a live count when stderr is a terminal."""

from __future__ import annotations

import os
import pty
import subprocess
import time
from pathlib import Path

from simulators.scenario import ClassScenario
from tests.conftest import cli_command, cli_env
from tests.helpers import one_json, run_cli

DATA = Path(__file__).parent / "data"


def test_record_ends_after_the_first_round_of_a_multi_round_sim(tmp_path: Path) -> None:
    url = "sim://50?seed=8&speed=100&questions=2&revote=1&end=0"
    started = time.monotonic()
    result = run_cli(
        "record", "--receiver", url, "--db", str(tmp_path / "c.db"), "--json", timeout=60
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    summary = one_json(result.stdout)
    truth = ClassScenario(students=50, seed=8, questions=2, revote=True).truth()[0]
    assert summary["stopped_by"] == "round" and summary["counts"] == truth["counts"]
    assert elapsed < 20


def test_record_ends_after_the_first_poll_of_a_multi_poll_capture(tmp_path: Path) -> None:
    capture = DATA / "lecture-300-revotes.cap.gz"
    result = run_cli(
        "record",
        "--receiver",
        f"replay://{capture}?speed=max",
        "--db",
        str(tmp_path / "c.db"),
        "--json",
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    summary = one_json(result.stdout)
    assert summary["stopped_by"] == "round" and summary["voters"] > 250


def test_record_shows_a_live_count_on_a_terminal(tmp_path: Path) -> None:
    master, slave = pty.openpty()
    process = subprocess.Popen(
        cli_command(
            "record", "--receiver", "sim://80?seed=2&speed=20", "--db", str(tmp_path / "c.db")
        ),
        stdout=subprocess.PIPE,
        stderr=slave,
        stdin=subprocess.DEVNULL,
        env=cli_env(),
        text=True,
    )
    os.close(slave)
    screen = bytearray()
    try:
        out, _ = process.communicate(timeout=60)
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            screen += chunk
    finally:
        os.close(master)
    assert process.returncode == 0
    text = screen.decode(errors="replace")
    counts = [part for part in text.split("\r") if "voters," in part]
    assert len(counts) >= 2, text  # rewritten in place as votes come in
    shown = [int(part.split()[0]) for part in counts]
    final = int(out.split("voters ")[1].split(",")[0])  # the summary's "voters N, votes …"
    assert shown == sorted(shown) and shown[0] < final and shown[-1] <= final


def test_choices_3_counts_a_d_or_e_as_out_of_range_never_as_a_vote(tmp_path: Path) -> None:
    """An A-C question on handsets that have A-E: D and E are out of range (counted and
    shown apart), never votes; each handset's latest A-C press counts."""
    import json

    from simulators.scenario import ClassScenario
    from tests.helpers import run_cli

    (round_one,) = ClassScenario(students=60, seed=3).rounds()
    latest: dict[str, str] = {}
    beyond = 0
    for t in round_one.transmissions:
        if t.answer in "ABC":
            latest[t.handset] = t.answer
        else:
            beyond += 1
    result = run_cli(
        "record",
        "--receiver",
        "sim://60?seed=3&speed=50",
        "--choices",
        "3",
        "--db",
        str(tmp_path / "c.db"),
        "--json",
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["counts"] == {a: list(latest.values()).count(a) for a in "ABC"}
    assert summary["out_of_range"] == beyond > 0
    assert summary["invalid"] >= beyond


def test_ten_choices_count_votes_f_to_j_on_responsecards(tmp_path: Path) -> None:
    """ResponseCards have ten keys: with --choices 10 (and by default when every
    receiver hears only ResponseCards) the class's F-J presses are votes."""
    import json

    from simulators.scenario import ClassScenario
    from tests.helpers import run_cli

    truth = ClassScenario(students=80, seed=3, radio="turningpoint", choices=10).truth()[0]
    url = "sim://80?seed=3&speed=50&radio=turningpoint&choices=10"
    for number, extra in enumerate((["--choices", "10"], [])):
        args = ["record", "--receiver", url, "--db", str(tmp_path / f"c{number}.db"), "--json"]
        result = run_cli(*args, *extra)
        assert result.returncode == 0, result.stderr
        summary = json.loads(result.stdout)
        assert summary["counts"] == {a: truth["counts"].get(a, 0) for a in "ABCDEFGHIJ"}
        assert sum(summary["counts"][a] for a in "FGHIJ") > 0 and summary["out_of_range"] == 0
