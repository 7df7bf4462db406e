"""The dashboard in front of the room, driven by its pilot: projector mode, screens as
modes, questions on screen, the timer, the remote, quitting, help and layout."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.command import CommandList, CommandPalette

from basestation.domain import PreparedQuestion
from basestation.formats.question_file import read_questions
from basestation.live.follower import DatabaseFollower
from basestation.tui.screens.comparison import ComparisonScreen
from basestation.tui.screens.confirm import ConfirmScreen
from basestation.tui.screens.help import HelpScreen
from basestation.tui.screens.session import SessionScreen
from basestation.tui.screens.text_entry import QuestionTextScreen
from simulators.classroom import ClassroomModel
from tests.helpers import latest_of_poll, query, run_cli
from tests.pilot import (
    dashboard,
    finish_round,
    painted,
    round_done,
    screen_lines,
    screen_text,
    toasts,
    until,
)

QUESTION = "Which way does the ball go when the string breaks?"
SMALL = "sim://40?seed=3&speed=400&questions=3&revote=1&end=0"


def footer_keys(app: object) -> dict[str, str]:
    from textual.app import App

    assert isinstance(app, App)
    return {
        key: active.binding.description
        for key, active in app.screen.active_bindings.items()
        if active.enabled and active.binding.show
    }


async def test_projector_mode_hides_key_and_figures_until_each_is_revealed(
    db_path: Path, tmp_path: Path
) -> None:
    roster = tmp_path / "roster.csv"
    handsets = ClassroomModel(300, seed=7).handsets
    roster.write_text(
        "Student ID,Clicker ID\n" + "".join(f"s{i},{h}\n" for i, h in enumerate(handsets))
    )
    assert (
        run_cli(
            "roster", "import", "--db", str(db_path), "--course", "Physics", str(roster)
        ).returncode
        == 0
    )
    prepared = [PreparedQuestion(QUESTION, correct="B")]
    async with dashboard(db_path, hide_results=True, start_poll=True, prepared=prepared) as (
        app,
        pilot,
        receiver,
    ):
        await until(pilot, round_done(app, receiver))
        text = await painted(pilot)
        voters = app.state.voters
        assert "RESULTS HIDDEN" in text and f"{voters} responses of 300 on the roster" in text
        assert QUESTION[:40] in text and "OPEN" in screen_lines(app)[0]
        assert "key B" not in text and "✓" not in text and "%" not in text
        assert text.count("█") > 50  # the count in large type
        assert footer_keys(app)["h"] == "Show"
        await pilot.press("h")  # the bars, still without the key
        text = await painted(pilot)
        assert "%" in text and "✓" not in text and "key hidden" in text
        assert footer_keys(app)["h"] == "Hide" and footer_keys(app)["k"] == "Reveal key"
        await pilot.press("k")
        text = await painted(pilot)
        assert "✓" in text and "key B" in text


async def test_big_figures_scale_with_the_terminal(db_path: Path) -> None:
    async with dashboard(db_path, hide_results=True, start_poll=True) as (app, pilot, receiver):
        await until(pilot, round_done(app, receiver))
        small = (await painted(pilot)).count("█")
        await pilot.resize_terminal(160, 48)
        large = (await painted(pilot)).count("█")
    assert large >= 4 * small > 0


async def test_keys_do_nothing_behind_the_comparison_and_it_follows_the_key(db_path: Path) -> None:
    async with dashboard(db_path, start_poll=True) as (app, pilot, receiver):
        await finish_round(app, pilot, receiver)
        await pilot.press("v")
        await until(pilot, lambda: isinstance(app.screen, ComparisonScreen))
        screen = app.screen
        assert isinstance(screen, ComparisonScreen)
        await pilot.press("n", "h", "s")
        await pilot.pause(0.3)
        assert app.state.question == 1 and not app.state.poll_open and not app.hide_results
        assert app.screen is screen
        first = screen.rounds.first
        await pilot.press("c")  # the key: none -> A, and the figures follow it
        await until(pilot, lambda: screen.correct == "A")
        expected = sum(1 for answer in first.values() if answer == "A") / len(first)
        assert screen.comparison.first.percent_correct == expected
        await pilot.press("escape")
        assert app.screen is app.main


async def test_session_list_opens_the_chosen_row_refreshes_and_shows_local_times(
    db_path: Path,
) -> None:
    async with dashboard(db_path, url=SMALL, start_poll=True) as (app, pilot, receiver):
        for _ in range(2):
            await finish_round(app, pilot, receiver)
            await pilot.press("c", "c")
            await pilot.press("n")
            await until(pilot, lambda: app.state.poll_open)
        await pilot.press("x")
        await until(pilot, lambda: not app.state.poll_open)
        await pilot.press("l")
        await until(pilot, lambda: isinstance(app.screen, SessionScreen))
        await pilot.pause(0.2)
        text = screen_text(app)
        opened = query(db_path, "SELECT opened_at FROM polls ORDER BY id")
        for (epoch,) in opened:
            assert dt.datetime.fromtimestamp(epoch).strftime("%H:%M:%S") in text
        key_b = query(
            db_path,
            "SELECT p.id FROM polls p JOIN questions q ON q.id = p.question_id WHERE q.number = 1",
        )[0][0]
        latest = latest_of_poll(db_path, key_b)
        right = sum(1 for answer in latest.values() if answer == "B")
        voters = len(latest)
        assert f"{right / voters:.0%}" in text
        await pilot.press("down", "enter")  # the second row: question 2
        await until(pilot, lambda: isinstance(app.screen, ComparisonScreen))
        screen = app.screen
        assert isinstance(screen, ComparisonScreen) and screen.question == 2
        await pilot.press("escape", "escape")
        await until(pilot, lambda: app.screen is app.main)
        await pilot.press("n")  # a new poll appears in a list left open
        await until(pilot, lambda: app.state.poll_open and app.state.question == 4)
        await pilot.press("l")
        await until(pilot, lambda: isinstance(app.screen, SessionScreen))
        table = app.screen.query_one("DataTable")
        await until(pilot, lambda: table.row_count == 4)  # type: ignore[attr-defined]


async def test_prepared_questions_and_typed_text_are_shown_and_stored(
    db_path: Path, tmp_path: Path
) -> None:
    file = tmp_path / "questions.txt"
    long_text = "A very long question " * 12
    file.write_text(f"# lecture 5\n{QUESTION}\n\n{long_text}\n")
    prepared = read_questions(file)
    async with dashboard(db_path, url=SMALL, start_poll=True, prepared=prepared, size=(60, 15)) as (
        app,
        pilot,
        receiver,
    ):
        await until(pilot, round_done(app, receiver))
        text = await painted(pilot)
        assert QUESTION[:30] in text.replace("\n", " ")
        await pilot.press("x")
        await until(pilot, lambda: not app.state.poll_open)
        await pilot.press("n")
        await until(pilot, lambda: app.state.poll_open and app.state.question == 2)
        await pilot.pause(0.25)
        lines = screen_lines(app)
        assert "OPEN" in lines[0] and "Question 2" in lines[0]
        assert sum(1 for line in lines if "A very long question" in line) >= 2  # it wraps
        await pilot.press("x")
        await until(pilot, lambda: not app.state.poll_open)
        await pilot.press("n")  # past the prepared list: an ad-hoc question
        await until(pilot, lambda: app.state.question == 3)
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, QuestionTextScreen))
        await pilot.press(*"Typed in class", "enter")
        await until(pilot, lambda: app.state.question_text == "Typed in class")
    texts = query(db_path, "SELECT number, text FROM questions ORDER BY number")
    assert texts == [(1, QUESTION), (2, long_text.strip()), (3, "Typed in class")]
    analyzed = run_cli("analyze", "--db", str(db_path), "--session", "1")
    assert f"Question 1 (correct -): {QUESTION}" in analyzed.stdout


def test_a_question_file_that_cannot_be_used_is_one_line(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing yet\n\n")
    result = run_cli(
        "run", "--receiver", "sim://5", "--db", str(tmp_path / "x.db"), "--questions", str(empty)
    )
    assert result.returncode == 1
    assert (
        result.stderr.strip() == f"Error: {empty}: no question in the file (one question per line)"
    )
    assert not (tmp_path / "x.db").exists()


async def test_countdown_more_less_warning_and_close_also_on_watch(db_path: Path) -> None:
    now = [1000.0]
    async with dashboard(
        db_path, url=SMALL, countdown_s=30, clock=lambda: now[0], start_poll=True
    ) as (app, pilot, _receiver):
        await until(pilot, lambda: app.state.poll_open)
        await pilot.press("plus")
        await until(pilot, lambda: app.state.remaining_s == 40)
        await pilot.press("minus", "minus")
        await until(pilot, lambda: app.state.remaining_s == 20)
        follower = DatabaseFollower(db_path)
        try:
            await until(pilot, lambda: (follower.state().remaining_s or 0) > 15)
            assert 15 < (follower.state().remaining_s or 0) <= 20
        finally:
            follower.close()
        now[0] += 11
        await until(pilot, lambda: "9 seconds left" in toasts(app))
        now[0] += 10
        await until(pilot, lambda: not app.state.poll_open)
        assert app.state.timer_closes == 1
        await pilot.pause(0.15)
        assert app.main.has_class("flash")
        await until(pilot, lambda: not app.main.has_class("flash"))


async def test_the_remote_is_learned_and_its_presses_are_told(db_path: Path) -> None:
    url = SMALL + "&instructor=0A1B2C3D"
    async with dashboard(db_path, url=url) as (app, pilot, receiver):
        await pilot.press("i")
        await until(pilot, lambda: app.state.learning_remote)
        assert "press any button" in await painted(pilot)
        receiver.press("C")  # the learning press is no command
        await until(pilot, lambda: app.state.instructor == "0A1B2C3D")
        text = await painted(pilot)
        assert "remote 0A1B2C3D" in text
        assert any("0A1B2C3D learned" in toast for toast in toasts(app))
        assert not app.state.poll_open
        receiver.press("A")
        await until(pilot, lambda: app.state.poll_open)
        assert "remote A: start or stop the poll" in toasts(app)
        assert "0A1B2C3D" not in app.live.station.buffer.latest()


async def test_quit_asks_with_no_focused_and_ctrl_q_asks_too(db_path: Path) -> None:
    async with dashboard(db_path) as (app, pilot, _receiver):
        await pilot.press("q")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert app.screen.focused is not None and app.screen.focused.id == "no"
        await pilot.press("enter")  # by habit: nothing is lost
        await until(pilot, lambda: app.screen is app.main)
        await pilot.press("ctrl+q")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.main)
        assert app.is_running


async def test_help_screen_and_command_palette(db_path: Path) -> None:
    async with dashboard(db_path) as (app, pilot, _receiver):
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert "revote" in await painted(pilot)
        await pilot.press("end")
        assert "Instructor remote" in await painted(pilot)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.main)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"Start")
        # the palette searches in the background: choose once it has found the command
        await until(pilot, lambda: app.screen.query_one(CommandList).highlighted is not None)
        await pilot.press("enter")
        await until(pilot, lambda: app.state.poll_open)


async def test_nothing_that_matters_is_cut_at_60_by_15(db_path: Path) -> None:
    async with dashboard(db_path, size=(60, 15), countdown_s=90, start_poll=True) as (
        app,
        pilot,
        receiver,
    ):
        await until(pilot, round_done(app, receiver))
        await pilot.pause(0.25)
        lines = screen_lines(app)
        assert len(lines) == 15 and "OPEN" in lines[0]
        assert f"{app.state.voters} voters" in lines[1] and "left" in lines[1]
        assert "q Quit" in lines[-1].replace("  ", " ") or "q  Quit" in lines[-1]
        assert all(f"{answer}" in "\n".join(lines) for answer in "ABCDE")


async def test_bars_grow_with_the_height_and_keep_gaps(db_path: Path) -> None:
    async with dashboard(db_path, size=(120, 60), start_poll=True) as (app, pilot, receiver):
        await until(pilot, round_done(app, receiver))
        lines = await painted(pilot)
    rows = [line for line in lines.splitlines() if "█" in line]
    assert len(rows) >= 5 * 6
    blank_between = lines.split("\n")
    first_bar = next(i for i, line in enumerate(blank_between) if "█" in line)
    span = [line for line in blank_between[first_bar:] if line.strip(" │")]
    assert len(span) < len(blank_between[first_bar:])  # gaps between the bars


async def test_one_figure_one_meaning_on_the_comparison(db_path: Path) -> None:
    async with dashboard(
        db_path,
        url=SMALL,
        start_poll=True,
        size=(100, 50),
        prepared=[PreparedQuestion(QUESTION, correct="B")],
    ) as (app, pilot, receiver):
        for next_key in ("r", None):  # vote 1, then the revote
            await finish_round(app, pilot, receiver)
            if next_key:
                await pilot.press(next_key)
                await until(pilot, lambda: app.state.poll_open)
        await until(pilot, lambda: app.state.rounds_of_question == 2)
        await pilot.press("h", "v")  # the revote opened hidden: show it, then compare
        await until(pilot, lambda: isinstance(app.screen, ComparisonScreen))
        text = " ".join((await painted(pilot)).split())
        screen = app.screen
        assert isinstance(screen, ComparisonScreen)
        first, second = screen.rounds.first, screen.rounds.second or {}
    paired = first.keys() & second.keys()
    right_before = sum(1 for h in paired if first[h] == "B") / len(paired)
    right_after = sum(1 for h in paired if second[h] == "B") / len(paired)
    gain = (right_after - right_before) / (1 - right_before)
    assert "Vote 1, all voters" in text and "Revote, all voters" in text
    assert f"Of the {len(paired)} handsets that voted in both rounds" in text
    assert f"voted twice, correct: {right_before:.0%} → {right_after:.0%}" in text
    assert f"normalized gain {gain:.0%} (n = {len(paired)})" in text
    assert "run a revote" not in text and "Advice:" in text
