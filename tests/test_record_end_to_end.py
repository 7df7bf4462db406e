"""`basestation record` in a subprocess, reading a simulated receiver through real pyserial."""

from __future__ import annotations

import json
import signal
from pathlib import Path

from tests.helpers import (
    committed_votes,
    finish,
    one_json,
    query,
    simulated_pty,
    start_record,
    wait_for,
)


def test_300_handsets_on_a_pty_give_the_simulators_ground_truth(tmp_path: Path) -> None:
    truth_file, db = tmp_path / "truth.json", tmp_path / "class.db"
    with simulated_pty(
        "--students",
        "300",
        "--seed",
        "5",
        "--speed",
        "20",
        "--loss",
        "0.05",
        "--corrupt",
        "0.02",
        "--truth",
        str(truth_file),
    ) as port:
        out, _ = finish(
            start_record(
                "--receiver",
                f"serial://{port}",
                "--db",
                str(db),
                "--duration",
                "5",
                "--json",
                "--question",
                "Q1",
            )
        )
    result = one_json(out)
    truth = json.loads(truth_file.read_text())[0]
    assert result["counts"] == truth["counts"]
    assert result["voters"] == truth["voters"] > 250
    assert result["invalid"] == truth["copies_corrupted"] > 0
    assert result["heard"] == truth["copies_heard"]
    assert result["votes"] + result["duplicates"] + result["invalid"] == result["heard"]
    # the database holds the same: latest stored vote per handset equals the truth
    rows = query(
        db,
        "SELECT handset, answer FROM votes WHERE poll_id = ? ORDER BY t_host, id",
        result["poll"],
    )
    latest = dict(rows)
    assert latest == truth["latest"]
    assert len(rows) == result["votes"]
    ((closed_at, duplicates, invalid),) = query(
        db, "SELECT closed_at, duplicates, invalid FROM polls WHERE id = ?", result["poll"]
    )
    assert closed_at is not None and (duplicates, invalid) == (
        result["duplicates"],
        result["invalid"],
    )


def test_sigterm_mid_poll_leaves_a_closed_poll_and_every_accepted_vote(tmp_path: Path) -> None:
    db = tmp_path / "class.db"
    with simulated_pty("--students", "300", "--seed", "9", "--speed", "2") as port:
        recorder = start_record("--receiver", f"serial://{port}", "--db", str(db), "--json")

        wait_for(lambda: committed_votes(db) >= 20, what="votes in the database")
        recorder.send_signal(signal.SIGTERM)
        out, _ = finish(recorder)
    result = one_json(out)
    assert result["stopped_by"] == "stopped"
    stored = query(db, "SELECT COUNT(*) FROM votes WHERE poll_id = ?", result["poll"])[0][0]
    assert stored == result["votes"] >= 20
    ((closed_at, votes),) = query(
        db, "SELECT closed_at, votes FROM polls WHERE id = ?", result["poll"]
    )
    assert closed_at is not None and votes == result["votes"]
    assert query(db, "PRAGMA integrity_check") == [("ok",)]


def test_revote_continues_the_session_with_round_two(tmp_path: Path) -> None:
    db = tmp_path / "class.db"
    with simulated_pty("--students", "40", "--seed", "2", "--speed", "40", "--revote") as port:
        first = one_json(
            finish(
                start_record(
                    "--receiver", f"serial://{port}", "--db", str(db), "--duration", "3", "--json"
                )
            )[0]
        )
        second = one_json(
            finish(
                start_record(
                    "--receiver",
                    f"serial://{port}",
                    "--db",
                    str(db),
                    "--duration",
                    "3",
                    "--json",
                    "--session",
                    str(first["session"]),
                    "--revote",
                )
            )[0]
        )
    assert (first["round"], second["round"]) == (1, 2)
    assert first["question"] == second["question"] == 1
    assert second["session"] == first["session"] and second["voters"] > 30
