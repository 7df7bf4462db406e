"""`basestation record` killed with SIGKILL at random moments, many times over."""

from __future__ import annotations

import json
import random
import signal
import time
from pathlib import Path

from tests.helpers import committed_votes, count_rows, query, run_cli, start_record, wait_for

KILLS = 8


def test_sigkill_at_random_moments_keeps_every_committed_vote(tmp_path: Path) -> None:
    db = tmp_path / "class.db"
    rng = random.Random(2026)
    session = None
    for attempt in range(KILLS):
        args = ["--receiver", f"sim://300?seed={attempt}&speed=8&end=0", "--db", str(db), "--json"]
        if session is not None:
            args += ["--session", str(session)]
        polls_before_start = count_rows(db, "polls") if db.exists() else 0
        recorder = start_record(*args)
        # a random moment of recording, however slowly a loaded machine starts the process
        wait_for(lambda start=polls_before_start: count_rows(db, "polls") > start, what="its poll")
        time.sleep(rng.uniform(0.0, 1.3))
        seen_before_kill = committed_votes(db)
        recorder.send_signal(signal.SIGKILL)
        recorder.communicate(timeout=10)
        assert query(db, "PRAGMA integrity_check") == [("ok",)]
        assert committed_votes(db) >= seen_before_kill, f"kill {attempt} lost committed votes"
        session = query(db, "SELECT MAX(id) FROM sessions")[0][0]
    # the next start continues the session cleanly and closes the polls the kills left open
    left_open = query(db, "SELECT COUNT(*) FROM polls WHERE closed_at IS NULL")[0][0]
    polls_before = query(db, "SELECT COUNT(*) FROM polls")[0][0]
    last_question = query(db, "SELECT MAX(number) FROM questions")[0][0]
    # each start closed the poll the kill before it left open; only the last is still open
    assert left_open <= 1 and polls_before == KILLS
    done = run_cli(
        "record",
        "--receiver",
        "sim://50?seed=99&speed=100",
        "--db",
        str(db),
        "--session",
        str(session),
        "--json",
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["session"] == session and result["question"] == last_question + 1
    polls = query(db, "SELECT closed_at IS NOT NULL, interrupted FROM polls ORDER BY id")
    assert polls == [(1, 1)] * polls_before + [(1, 0)]
    assert query(
        db,
        "SELECT COUNT(*) FROM polls p WHERE p.votes != "
        "(SELECT COUNT(*) FROM votes v WHERE v.poll_id = p.id)",
    ) == [(0,)]
    assert query(db, "PRAGMA integrity_check") == [("ok",)]
