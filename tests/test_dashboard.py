"""The Textual dashboard driven by its pilot, on a real station, store and simulated class."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from basestation.tui.screens.comparison import ComparisonScreen
from basestation.tui.screens.confirm import ConfirmScreen
from basestation.tui.screens.session import SessionScreen
from basestation.tui.widgets.bars import AnswerBars
from tests import oracle
from tests.pilot import dashboard, finish_round, round_done, until


async def test_vote_stop_revote_compare_and_quit(db_path: Path) -> None:
    truth = None
    async with dashboard(db_path) as (app, pilot, receiver):
        truth = receiver.scenario.truth()
        assert app.check_action("stop_poll", ()) is False  # not offered: nothing to stop
        assert app.check_action("revote", ()) is False
        await pilot.press("s")
        await until(pilot, round_done(app, receiver))
        await pilot.pause(0.3)
        assert app.state.counts == truth[0]["counts"]
        assert app.state.voters == truth[0]["voters"]
        bars = str(app.query_one(AnswerBars).render())
        assert all(f"{count:>5}" in bars for count in truth[0]["counts"].values())

        await pilot.press("x")
        await until(pilot, lambda: not app.state.poll_open)
        assert app.check_action("start_poll", ()) is False
        assert app.check_action("revote", ()) is True

        await pilot.press("c", "c")  # correct answer: none -> A -> B
        await until(pilot, lambda: app.state.correct == "B")

        await pilot.press("r")
        await until(pilot, lambda: app.state.round == 2 and app.state.poll_open)
        await until(pilot, round_done(app, receiver))
        await pilot.pause(0.3)
        # the class answers with the key it is given: its script's right answer and B
        # trade places in the revote (none was set for vote 1)
        scripted = receiver.scenario.rounds()[1].correct
        swap = {scripted: "B", "B": scripted}
        revote = {h: swap.get(a, a) for h, a in truth[1]["latest"].items()}
        assert app.state.counts == {a: list(revote.values()).count(a) for a in "ABCDE"}
        await pilot.press("x")
        await until(pilot, lambda: not app.state.poll_open and app.state.rounds_of_question == 2)

        assert app.hide_results  # the revote opened hidden: the room never watched it form
        await pilot.press("h", "v")
        await until(pilot, lambda: isinstance(app.screen, ComparisonScreen))
        screen = app.screen
        assert isinstance(screen, ComparisonScreen)
        first, second = truth[0]["latest"], revote
        assert screen.comparison.matrix == oracle.switching_matrix(first, second)
        assert screen.comparison.switches == oracle.switch_classes(first, second, "B")
        assert screen.comparison.paired == len(first.keys() & second.keys()) > 200
        await pilot.press("escape")

        await pilot.press("n")  # next question opens its first poll at once
        await until(pilot, lambda: app.state.question == 2 and app.state.poll_open)
        await pilot.press("q")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await pilot.pause(0.2)
    with sqlite3.connect(db_path) as connection:
        polls = connection.execute(
            "SELECT q.number, p.round, p.closed_at IS NOT NULL, q.correct FROM polls p "
            "JOIN questions q ON q.id = p.question_id ORDER BY p.id"
        ).fetchall()
    assert polls == [(1, 1, 1, "B"), (1, 2, 1, "B"), (2, 1, 1, None)]


async def test_session_screen_lists_polls_and_opens_a_question(db_path: Path) -> None:
    async with dashboard(db_path, start_poll=True) as (app, pilot, receiver):
        await finish_round(app, pilot, receiver)
        await pilot.press("l")
        await until(pilot, lambda: isinstance(app.screen, SessionScreen))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ComparisonScreen))
        screen = app.screen
        assert isinstance(screen, ComparisonScreen) and screen.single_round
        assert screen.comparison.first.counts == app.state.counts


async def test_instructor_remote_controls_the_poll(db_path: Path) -> None:
    async with dashboard(db_path) as (app, pilot, _receiver):
        app.live.instructor_presses.put("A")
        await until(pilot, lambda: app.state.poll_open)
        app.live.instructor_presses.put("D")
        await until(pilot, lambda: app.hide_results)
        app.live.instructor_presses.put("A")
        await until(pilot, lambda: not app.state.poll_open)


async def test_layout_survives_a_large_terminal(db_path: Path) -> None:
    async with dashboard(db_path, start_poll=True) as (app, pilot, receiver):
        await pilot.resize_terminal(200, 60)
        await until(pilot, round_done(app, receiver))
        await pilot.pause(0.3)
        bars = app.query_one(AnswerBars)
        assert bars.size.width > 150 and bars.size.height > 30
        assert str(bars.render()).count("█") > 500


async def test_the_refresh_timer_stops_with_the_live_screen(db_path: Path) -> None:
    """At shutdown Textual empties the screen stack before the app's own timers stop: a
    refresh then would raise ScreenStackError. The refresh timer is the live screen's,
    and does nothing once the app has stopped running."""
    import pytest
    from textual.app import ScreenStackError

    async with dashboard(db_path) as (app, pilot, _receiver):
        await until(pilot, lambda: app.redraws >= 1)
        timers = list(app.main._timers)
        assert timers, "the live screen owns the refresh timer"
    with pytest.raises(ScreenStackError):
        app.refresh_view()  # what an app-wide timer would have called after shutdown
    redraws = app.redraws
    app._tick_while_running()
    assert app.redraws == redraws
    assert all(timer._task is None or timer._task.done() for timer in timers)


async def test_ctrl_c_asks_to_quit_as_q_does(db_path: Path) -> None:
    async with dashboard(db_path) as (app, pilot, _receiver):
        await pilot.press("ctrl+c")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")  # No is the answer: the class goes on
        await until(pilot, lambda: not isinstance(app.screen, ConfirmScreen))
        assert app.is_running
        await pilot.press("ctrl+c")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await until(pilot, lambda: not app.is_running)


async def test_o_sets_the_choices_of_the_next_ad_hoc_question(db_path: Path) -> None:
    async with dashboard(db_path) as (app, pilot, receiver):
        await pilot.press("o", "o", "o")  # 5 -> 6 -> 7 -> 8
        await pilot.press("s")
        await until(pilot, lambda: app.state.poll_open)
        assert app.state.answers == tuple("ABCDEFGH")
        await finish_round(app, pilot, receiver)
