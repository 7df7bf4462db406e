"""A database that cannot be written (a real file-size limit, like a full disk): a clear
error, no crash, votes kept in memory until the store works again, or saved beside it."""

from __future__ import annotations

import json
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

from tests.conftest import cli_env

WORKER = Path(__file__).with_name("store_fault_worker.py")


def run_worker(db: Path, scenario: str, votes: int) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, str(WORKER), str(db), scenario, str(votes)],
        capture_output=True,
        text=True,
        timeout=60,
        env=cli_env(),
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


def count_votes(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        return int(connection.execute("SELECT COUNT(*) FROM votes").fetchone()[0])


def test_votes_wait_in_memory_until_the_disk_has_room_again(tmp_path: Path) -> None:
    db = tmp_path / "class.db"
    report = run_worker(db, "recover", 3000)
    error = str(report["error"]).lower()
    assert report["failed"] is True and ("full" in error or "disk" in error or "i/o" in error)
    assert report["pending"] == 3000
    assert report["recovered"] is True and report["final_error"] is None
    assert count_votes(db) == 3000


def test_votes_are_saved_beside_the_database_if_it_never_recovers(tmp_path: Path) -> None:
    db = tmp_path / "class.db"
    report = run_worker(db, "rescue", 20)
    assert report["failed"] is True and report["pending"] == 20
    rescued = list(tmp_path.glob("class.db.unsaved-*.jsonl"))
    assert len(rescued) == 1 and str(rescued[0]) in str(report["final_error"])
    header, *rows = [json.loads(line) for line in rescued[0].read_text().splitlines()]
    assert header["rescue"] == "basestation-rescue"
    assert [row["vote"]["handset"] for row in rows] == [f"{i:08X}" for i in range(20)]
    assert stat.S_IMODE(rescued[0].stat().st_mode) == 0o600
    assert count_votes(db) == 0
