"""``g`` after vote 1, through the real dashboard on a seated simulated class: the
projector shows the seat map with group marks only, the groups are kept with the poll,
and every group is a set of neighbours (checked here from the seats themselves)."""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path

from basestation.live.discussion import DiscussionSettings
from basestation.seats import Seat
from basestation.tui.screens.groups import GroupsScreen
from basestation.tui.widgets.seat_map import GLYPHS
from simulators.seating import seat_class
from tests.pilot import dashboard, finish_round, painted, round_done, toasts, until

SEATED = "sim://60?seed=5&speed=400&questions=2&revote=1&end=0&seats=12"
SHOTS = os.environ.get("BASESTATION_SCREENSHOTS")
"""``BASESTATION_SCREENSHOTS=docs`` also saves the seat map's screenshots for docs/."""


def stored_groups(db_path: Path) -> list[tuple[str, int, str]]:
    with sqlite3.connect(db_path) as db:
        return list(db.execute("SELECT handset, group_no, seat FROM poll_groups ORDER BY 2, 3"))


async def test_g_shows_the_seat_map_with_marks_and_nothing_that_tells_an_answer(
    db_path: Path,
) -> None:
    async with dashboard(
        db_path, url=SEATED, start_poll=True, hide_results=True, size=(80, 24)
    ) as (app, pilot, receiver):
        await finish_round(app, pilot, receiver)
        await pilot.press("g")
        await until(pilot, lambda: isinstance(app.screen, GroupsScreen))
        shown = await painted(pilot)
        marks = [ch for ch in shown if ch in GLYPHS]
        assert "FRONT" in shown
        assert len(marks) >= 40  # every seated voter carries a mark
        assert not re.search(r"\d", shown), shown  # no counts, no seat numbers
        assert not re.search(r"\b[A-J]\b", shown), shown  # no answer letter, no row letter
        if SHOTS:
            app.save_screenshot("seat-map-80x24.svg", path=SHOTS)
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, GroupsScreen))
    groups = stored_groups(db_path)
    seats = seat_class(receiver.scenario.handsets(), 12, 5)
    assert {handset for handset, _, _ in groups} <= set(seats)
    assert all(Seat.parse(seats[h]) == Seat.parse(seat) for h, _, seat in groups)
    by_group: dict[int, list[Seat]] = {}
    for _, number, seat in groups:
        by_group.setdefault(number, []).append(Seat.parse(seat))
    assert all(2 <= len(members) <= 3 for members in by_group.values())
    for members in by_group.values():  # neighbours: within a row or the next row
        rows = {seat.row_index for seat in members}
        assert max(rows) - min(rows) <= 1


async def test_g_without_seats_says_how_to_give_them(db_path: Path) -> None:
    url = SEATED.replace("&seats=12", "")
    async with dashboard(db_path, url=url, start_poll=True) as (app, pilot, receiver):
        await finish_round(app, pilot, receiver)
        await pilot.press("g")
        await until(pilot, lambda: any("--seats" in t for t in toasts(app)))
        assert not isinstance(app.screen, GroupsScreen)
    assert stored_groups(db_path) == []


async def test_the_seat_map_of_a_large_hall_on_a_projector(db_path: Path) -> None:
    url = "sim://300?seed=8&speed=400&questions=1&end=0&seats=30"
    async with dashboard(db_path, url=url, start_poll=True, hide_results=True, size=(160, 45)) as (
        app,
        pilot,
        receiver,
    ):
        await finish_round(app, pilot, receiver)
        await pilot.press("g")
        await until(pilot, lambda: isinstance(app.screen, GroupsScreen))
        shown = await painted(pilot)
        assert sum(ch in GLYPHS for ch in shown) >= 250  # the whole hall fits, marked
        if SHOTS:
            app.save_screenshot("seat-map-160x45.svg", path=SHOTS)


async def test_the_closing_countdown_starts_itself_at_nine_in_ten_expected_voters(
    db_path: Path,
) -> None:
    """Asked for (off by default): on the revote, once 90 % of vote 1's voters have
    voted again, a 15 s countdown starts by itself and says so."""
    async with dashboard(
        db_path, url=SEATED, start_poll=True, discussion=DiscussionSettings(closing_s=15.0)
    ) as (app, pilot, receiver):
        await finish_round(app, pilot, receiver)
        first_voters = app.state.voters
        assert app.state.remaining_s is None  # no roster, no round before: nothing to expect
        assert "g groups" in await painted(pilot)  # the simulated class told its seats
        await pilot.press("r")
        await until(pilot, lambda: app.state.poll_open and app.state.remaining_s is not None)
        assert app.state.voters >= 0.9 * first_voters
        assert app.state.remaining_s is not None and app.state.remaining_s <= 15.0
        assert any("nearly everyone has voted: closing in 15 s" in t for t in toasts(app))


async def test_without_the_setting_no_countdown_starts_by_itself(db_path: Path) -> None:
    async with dashboard(db_path, url=SEATED, start_poll=True) as (app, pilot, receiver):
        await finish_round(app, pilot, receiver)
        await pilot.press("r")
        await until(pilot, round_done(app, receiver))
        assert app.state.poll_open and app.state.remaining_s is None
        assert not any("nearly everyone" in t for t in toasts(app))


def test_the_plain_demo_plays_the_discussion_step(tmp_path: Path) -> None:
    """A seated simulated hall: groups after vote 1 (kept with the poll), the revote,
    and the gain by kind of group, which analyze then reports alike."""
    import json

    from tests.helpers import run_cli

    db = tmp_path / "demo.db"
    shown = run_cli("demo", "--plain", "--speed", "50", "--students", "120", "--db", str(db))
    assert shown.returncode == 0, shown.stderr
    groups = stored_groups(db)
    assert "Discussion in" in shown.stdout and len({g for _, g, _ in groups}) >= 40
    analyzed = json.loads(run_cli("analyze", "--db", str(db), "--session", "1", "--json").stdout)
    mixed = analyzed["questions"][0]["by_group"]["mixed"]
    before, after = mixed["percent_correct"]
    assert f"in mixed groups ({mixed['groups']}): {before}% -> {after}% correct" in shown.stdout


def test_run_refuses_a_seating_it_cannot_read_before_anything_is_opened(tmp_path: Path) -> None:
    from tests.helpers import run_cli

    seats = tmp_path / "seats.csv"
    seats.write_text("Student ID,Seat\nS1,C12\nS2,by the window\n")
    db = tmp_path / "class.db"
    refused = run_cli("run", "--receiver", "sim://10", "--db", str(db), "--seats", str(seats))
    assert refused.returncode == 1
    assert (
        "seats.csv" in refused.stderr and "line 3: 'by the window' is not a seat" in refused.stderr
    )
    assert len(refused.stderr.strip().splitlines()) == 1 and not db.exists()
