"""``record`` on a disk that fills up, a database deleted while recording, and two
recorders on one file: through the CLI, with the real faults."""

from __future__ import annotations

import json
import resource
import signal
import subprocess
import time
from pathlib import Path

import pytest

from simulators.scenario import ClassScenario
from tests.conftest import cli_command, cli_env
from tests.helpers import count_rows, one_json, query, run_cli, simulated_pty, wait_for

LIMIT_BYTES = 384 * 1024
"""Every file the recorder writes may grow to this (RLIMIT_FSIZE): the database's WAL
reaches it after a few seconds of votes, as a full disk would stop it."""


def limited() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT_BYTES, LIMIT_BYTES))


def recording(path: str, db: Path) -> subprocess.Popen[str]:
    """``record --json`` from the simulated receiver at ``path`` into ``db``."""
    return subprocess.Popen(
        cli_command("record", "--receiver", f"serial://{path}", "--db", str(db), "--json"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli_env(),
    )


def latest_by_seq(db: Path) -> dict[str, str]:
    return dict(
        query(
            db,
            "SELECT handset, answer FROM votes v WHERE seq = (SELECT MAX(seq) "
            "FROM votes w WHERE w.handset = v.handset AND w.poll_id = v.poll_id)",
        )
    )


def test_record_on_a_full_disk_ends_on_sigterm_and_recover_puts_every_vote_back(
    tmp_path: Path,
) -> None:
    scenario = ClassScenario(students=300, seed=41)
    truth = scenario.truth()[0]
    db = tmp_path / "class.db"
    with simulated_pty("--students", "300", "--seed", "41", "--speed", "12") as path:
        process = subprocess.Popen(
            cli_command("record", "--receiver", f"serial://{path}", "--db", str(db), "--json"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=cli_env(),
            preexec_fn=limited,
        )
        wait_for(
            lambda: list(tmp_path.glob("class.db.unsaved-*.jsonl")),
            timeout=30,
            what="the disk to fill and the rescue journal to appear",
        )
        time.sleep(6)  # the rest of the class votes while the disk is full
        process.send_signal(signal.SIGTERM)
        signalled = time.monotonic()
        out, err = process.communicate(timeout=30)
        ended_after = time.monotonic() - signalled
    assert ended_after < 2.0, err
    assert process.returncode == 1  # the votes are safe, but not in the database: say so
    summary = one_json(out)
    (journal,) = tmp_path.glob("class.db.unsaved-*.jsonl")
    assert str(journal) in summary["store_error"] and f"basestation recover {journal}" in err
    assert journal.stat().st_mode & 0o777 == 0o600
    in_db = count_rows(db, "votes")
    journaled = [
        json.loads(line)["vote"]
        for line in journal.read_text().splitlines()[1:]
        if '"vote"' in line
    ]
    stored_seqs = {row[0] for row in query(db, "SELECT seq FROM votes")}
    assert {v["seq"] for v in journaled} | stored_seqs == set(range(1, summary["votes"] + 1))
    assert in_db < summary["votes"]  # the disk filled mid-poll
    recovered = run_cli("recover", str(journal))
    assert recovered.returncode == 0, recovered.stderr
    assert count_rows(db, "votes") == summary["votes"]
    assert latest_by_seq(db) == truth["latest"]
    assert summary["counts"] == truth["counts"]
    polls = query(db, "SELECT closed_at IS NOT NULL, votes, heard FROM polls")
    assert polls == [(1, summary["votes"], summary["heard"])]
    again = run_cli("recover", str(journal.with_name(journal.name + ".recovered")))
    assert again.returncode == 0 and count_rows(db, "votes") == summary["votes"]


def test_the_next_recorder_puts_a_rescue_file_back_by_itself(tmp_path: Path) -> None:
    db = tmp_path / "class.db"
    first = run_cli("record", "--receiver", "sim://30?seed=1&speed=200", "--db", str(db), "--json")
    assert first.returncode == 0, first.stderr
    poll = query(db, "SELECT id FROM polls")[0][0]
    journal = tmp_path / "class.db.unsaved-20261201-101500.jsonl"
    lines = [
        {"rescue": "basestation-rescue", "version": 1, "database": str(db)},
        {
            "vote": {
                "poll_id": poll,
                "handset": "A24653B7",
                "answer": "C",
                "receiver": "r",
                "t_receiver_us": None,
                "t_host": 1.0,
                "seq": 1000,
            }
        },
        {
            "vote": {
                "poll_id": poll,
                "handset": "428071B3",
                "answer": "A",
                "receiver": "r",
                "t_receiver_us": None,
                "t_host": 2.0,
                "seq": 1,
            }
        },
    ]  # already stored
    journal.write_text("\n".join(json.dumps(line) for line in lines) + '\n{"vote": {"po')
    before = count_rows(db, "votes")
    second = run_cli(
        "record",
        "--receiver",
        "sim://30?seed=2&speed=200",
        "--db",
        str(db),
        "--session",
        "1",
        "--json",
    )
    assert second.returncode == 0, second.stderr
    assert "put back 1 votes from" in second.stderr and "(1 were already stored)" in second.stderr
    assert not journal.exists() and journal.with_name(journal.name + ".recovered").exists()
    assert count_rows(db, "votes") == before + 1 + one_json(second.stdout)["votes"]


def test_deleting_the_database_mid_poll_loses_no_vote_and_says_where_they_are(
    tmp_path: Path,
) -> None:
    db = tmp_path / "class.db"
    with simulated_pty("--students", "200", "--seed", "43", "--speed", "12") as path:
        process = recording(path, db)
        wait_for(lambda: count_rows(db, "votes") > 20, what="votes in the database")
        db.unlink()
        time.sleep(3)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 1, err  # reported, not called saved
    summary = one_json(out)
    (fresh,) = tmp_path.glob("class.rescued-*.db")
    assert "was deleted or moved while recording" in summary["store_error"]
    assert str(fresh) in summary["store_error"] and summary["database"] == str(fresh)
    assert count_rows(fresh, "votes") == summary["votes"]  # before and after the delete
    assert fresh.stat().st_mode & 0o777 == 0o600
    assert not db.exists()


def test_a_second_recorder_is_refused_while_watch_and_exports_keep_reading(tmp_path: Path) -> None:
    db = tmp_path / "class.db"
    with simulated_pty("--students", "50", "--seed", "44", "--speed", "5") as path:
        first = recording(path, db)
        try:
            wait_for(lambda: count_rows(db, "polls") == 1, what="the first recorder's poll")
            second = run_cli("record", "--receiver", "sim://5?speed=100", "--db", str(db))
            assert second.returncode == 1
            assert f"{db} is being recorded by another process (pid {first.pid}" in second.stderr
            assert run_cli("sessions", "--db", str(db)).returncode == 0
            assert run_cli("export", "--db", str(db), "--session", "1").returncode == 0
            assert query(db, "SELECT interrupted, closed_at FROM polls") == [(0, None)]
        finally:
            first.send_signal(signal.SIGTERM)
            _, err = first.communicate(timeout=30)
    assert first.returncode == 0, err
    assert query(db, "SELECT interrupted, closed_at IS NOT NULL FROM polls") == [(0, 1)]


def test_a_really_full_disk_sends_the_journal_elsewhere(tmp_path: Path) -> None:
    """A small tmpfs that fills up (ENOSPC): the journal cannot go beside the database,
    so it goes to the user's data folder, and the path is printed."""
    disk, data = tmp_path / "disk", tmp_path / "data"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(disk)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        db = disk / "class.db"
        env = cli_env() | {"XDG_DATA_HOME": str(data)}
        with simulated_pty("--students", "300", "--seed", "45", "--speed", "12") as path:
            process = subprocess.Popen(
                cli_command("record", "--receiver", f"serial://{path}", "--db", str(db), "--json"),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            )
            rescue = data / "basestation" / "rescue"
            wait_for(
                lambda: list(rescue.glob("class.db.unsaved-*.jsonl")),
                timeout=40,
                what="the journal in the user's data folder",
            )
            time.sleep(2)
            process.send_signal(signal.SIGTERM)
            out, err = process.communicate(timeout=30)
        assert process.returncode == 1, err
        summary = one_json(out)
        journals = list(rescue.glob("class.db.unsaved-*.jsonl"))
        assert any(str(journal) in summary["store_error"] for journal in journals)
        copy = tmp_path / "copy.db"  # recover on a disk that has room: the file and its WAL
        copy.write_bytes(db.read_bytes())
        wal = db.with_name(db.name + "-wal")
        if wal.exists():
            copy.with_name(copy.name + "-wal").write_bytes(wal.read_bytes())
        for journal in sorted(disk.glob("class.db.unsaved-*.jsonl")) + journals:
            assert run_cli("recover", str(journal), "--db", str(copy)).returncode == 0
        assert count_rows(copy, "votes") == summary["votes"]
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)
