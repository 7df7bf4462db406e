"""The projector rule, screen by screen and key by key, through the real app: while the
results are hidden, no key marked correct, no percent and no bar reaches the screen (its
toasts included). Each check would fail if the rule were taken out of the app."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from basestation.domain import PreparedQuestion
from basestation.peer_instruction import DEFAULT_BAND
from basestation.tui.screens.comparison import ComparisonScreen
from basestation.tui.screens.session import SessionScreen
from tests.pilot import dashboard, finish_round, painted, toasts, until

QUESTION = "Which way does the ball go when the string breaks?"
SMALL = "sim://40?seed=3&speed=400&questions=3&revote=1&end=0"
GIVEAWAYS = re.compile(r"\d+\s?%|\bkey [A-J]|\b[A-J] or [A-J]\b|\bcorrect\b")
"""A percent, a key shown ("key B", "A or C"), or the word correct (the big block
letters of the projector's count and timer are no giveaway)."""


def projected(db_path: Path) -> Any:
    """The dashboard in projector mode, its prepared question's key B, the poll open."""
    return dashboard(
        db_path,
        url=SMALL,
        start_poll=True,
        hide_results=True,
        size=(100, 40),
        prepared=[PreparedQuestion(QUESTION, correct="B")],
    )


def gives_away(text: str) -> list[str]:
    return GIVEAWAYS.findall(text)


async def test_nothing_gives_the_answer_away_while_results_are_hidden(db_path: Path) -> None:
    async with projected(db_path) as (app, pilot, receiver):
        await finish_round(app, pilot, receiver)
        assert app.state.correct == "B" and app.state.voters > 20
        assert gives_away(await painted(pilot)) == []  # the dashboard after vote 1
        assert not app.main.bars.display  # no distribution

        await pilot.press("l")  # the session so far
        await until(pilot, lambda: isinstance(app.screen, SessionScreen))
        assert gives_away(await painted(pilot)) == []
        await pilot.press("enter")  # a question of the list does not open
        assert gives_away(await painted(pilot)) == []
        assert isinstance(app.screen, SessionScreen)
        await pilot.press("escape")

        await pilot.press("v")  # the comparison
        assert not isinstance(app.screen, ComparisonScreen)
        app._instructor("E")  # the remote's E, as its press reaches the app
        assert not isinstance(app.screen, ComparisonScreen)
        assert gives_away(await painted(pilot)) == []
        assert all(gives_away(message) == [] for message in toasts(app))

        await pilot.press("h")  # the lecturer shows vote 1 ...
        await painted(pilot)
        assert app.main.bars.display
        await pilot.press("r")  # ... and the revote opens hidden
        await until(pilot, lambda: app.state.round == 2 and app.state.poll_open)
        await until(pilot, lambda: app.state.votes > 10)
        assert gives_away(await painted(pilot)) == []
        assert not app.main.bars.display
        assert all(gives_away(message) == [] for message in toasts(app))


async def test_the_advice_for_the_room_has_no_number_and_no_letter(db_path: Path) -> None:
    async with projected(db_path) as (app, pilot, receiver):
        await finish_round(app, pilot, receiver)
        text = await painted(pilot)
        share = sum(app.state.counts.get(k, 0) for k in "B") / app.state.voters
        if DEFAULT_BAND.low <= share <= DEFAULT_BAND.high:
            assert "Convince your neighbours, then we vote again" in text
        elif share < DEFAULT_BAND.low:
            assert "Let's work through it together" in text
        assert gives_away(text) == []


async def test_a_notice_covers_neither_the_count_nor_the_timer(db_path: Path) -> None:
    async with dashboard(
        db_path, url=SMALL, start_poll=True, hide_results=True, notifications=True
    ) as (app, pilot, receiver):
        await finish_round(app, pilot, receiver)
        quiet = (await painted(pilot)).splitlines()
        await pilot.press("c")  # a key is set while hidden: the app says so
        noisy = (await painted(pilot)).splitlines()
        notice = [row for row in noisy if "key changed" in row]
        assert len(notice) == 1 and notice[0].strip().startswith("key changed; it stays hidden")
        # the count's caption and the timer's are still whole, as before the notice
        captions = [row for row in quiet if "responses" in row or row.strip() == "elapsed"]
        assert len(captions) == 2
        assert all(row in noisy for row in captions)
        assert [row for row in noisy if "▌" in row] == []  # no toast drawn on the live view
