"""The TA's read-only view follows a poll that another process is recording."""

from __future__ import annotations

import time
from pathlib import Path

from basestation.live.follower import DatabaseFollower
from basestation.tui.watch_app import WatchApp
from basestation.tui.widgets.bars import AnswerBars
from basestation.tui.widgets.projector import ProjectorPanel
from tests.helpers import committed_votes, finish, one_json, start_record, wait_for


async def test_watch_follows_the_recording_and_ends_on_its_final_tallies(tmp_path: Path) -> None:
    db = tmp_path / "class.db"
    recorder = start_record(
        "--receiver",
        "sim://200?seed=4&speed=12",
        "--db",
        str(db),
        "--json",
        "--question",
        "Which way does the ball go?",
    )
    wait_for(lambda: committed_votes(db) > 0, what="the first votes")
    follower = DatabaseFollower(db)
    app = WatchApp(follower)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            seen_open = False
            deadline = time.monotonic() + 60
            while recorder.poll() is None:
                assert time.monotonic() < deadline
                await pilot.pause(0.1)
                state = follower.state()
                seen_open = seen_open or (state.poll_open and state.voters > 0)
            await pilot.pause(0.3)
            final = follower.state()
            bars = str(app.query_one(AnswerBars).render())
            await pilot.press("h")
            hidden = str(app.query_one(ProjectorPanel).render())
    finally:
        follower.close()
    summary = one_json(finish(recorder)[0])
    assert seen_open, "the follower never saw the poll open with votes"
    assert not final.poll_open and final.counts == summary["counts"]
    assert final.voters == summary["voters"] and final.votes == summary["votes"]
    assert final.question_text == "Which way does the ball go?"
    assert all(f"{count:>5}" in bars for count in summary["counts"].values())
    assert "RESULTS HIDDEN" in hidden and f"{summary['voters']} responses" in hidden
    assert "%" not in hidden


def test_the_ta_view_counts_handsets_seen_as_the_dashboard_does(tmp_path: Path) -> None:
    """One rule for both screens: the handsets that voted in this session, also for a
    TA who starts watching half-way through it."""
    from basestation.live.follower import DatabaseFollower
    from tests.helpers import play_class, query

    db = tmp_path / "class.db"
    play_class(db)
    (session,) = query(db, "SELECT MAX(id) FROM sessions")[0]
    (expected,) = query(
        db,
        "SELECT COUNT(DISTINCT v.handset) FROM votes v JOIN polls p ON p.id = v.poll_id "
        "JOIN questions q ON q.id = p.question_id WHERE q.session_id = ?",
        session,
    )[0]
    (newest,) = query(
        db, "SELECT COUNT(DISTINCT handset) FROM votes WHERE poll_id = (SELECT MAX(id) FROM polls)"
    )[0]
    follower = DatabaseFollower(db)
    try:
        state = follower.state()
    finally:
        follower.close()
    assert expected > newest  # some handsets voted only in earlier polls
    assert state.handsets_seen == expected
