"""Phones in the discussion step, through the dashboard and a real HTTP server: each
phone is asked its seat once, says how sure it is of its vote (kept with the vote in
SQLite), and after ``g`` is told whom to talk to, by seat."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from basestation.assembly import dashboard_app, open_station
from basestation.tui.screens.groups import GroupsScreen
from drivers.registry import receiver_for_urls
from simulators.phones import Phone, PhoneRefused
from tests.pilot import until

SEATS = ["B1", "B2", "B3", "B4", "C1", "C2"]
ANSWERS = ["A", "B", "A", "B", "C", "A"]
SURE = ["sure", "guessing", "unsure", "sure", "sure", ""]


def neighbours_in_plan(seat: str, other: str) -> bool:
    """Two seats of this small plan are neighbours: side by side, or one row apart at
    the nearest number (rows B: 1-4, C: 1-2)."""
    (row_a, n_a), (row_b, n_b) = (seat[0], int(seat[1:])), (other[0], int(other[1:]))
    if row_a == row_b:
        return abs(n_a - n_b) == 1
    return abs(n_a - n_b) == 0 or {row_a + str(n_a), row_b + str(n_b)} == {"B3", "C2"}


async def test_phones_tell_seats_and_confidence_and_learn_whom_to_talk_to(
    db_path: Path,
) -> None:
    receiver = receiver_for_urls(["web://127.0.0.1:0?code=ACDE&open=1"])
    with open_station(receiver, db_path) as station:
        station.polls.start_session(course="Physics")
        app = dashboard_app(station, start_poll=True)
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: app.state.poll_open and bool(app.state.join_address))
            phones = [Phone(app.state.join_address) for _ in SEATS]
            for phone, seat, answer, sure in zip(phones, SEATS, ANSWERS, SURE, strict=True):
                phone.sign_in()
                asked = phone.page()
                assert asked["ask_seat"] is True
                with pytest.raises(PhoneRefused, match="like C12"):
                    phone.tell_seat("by the window")
                told = phone.tell_seat(seat.lower())
                assert told["ask_seat"] is False and told["seat"] == seat
                phone.vote(answer, "ACDE")
                if sure:
                    assert phone.say_sure(sure)["sure"] == sure
            with pytest.raises(PhoneRefused, match="guessing, unsure or sure"):
                phones[0].say_sure("certain")
            extra = Phone(app.state.join_address)
            extra.sign_in()
            assert extra.tell_seat("")["ask_seat"] is False  # "I have no seat number"
            extra.vote("B", "ACDE")
            await until(pilot, lambda: app.state.voters == len(SEATS) + 1)
            await pilot.press("x")
            await until(pilot, lambda: not app.state.poll_open)
            await pilot.press("g")
            await until(pilot, lambda: isinstance(app.screen, GroupsScreen))
            talk_to = {}
            for phone, seat in zip(phones, SEATS, strict=True):
                await until(pilot, lambda phone=phone: bool(phone.page()["talk_to"]))
                talk_to[seat] = phone.page()["talk_to"]
            assert extra.page()["talk_to"] == []
            for phone in [*phones, extra]:
                phone.close()
    for seat, others in talk_to.items():
        assert seat not in others and 1 <= len(others) <= 2
        for other in others:
            assert seat in talk_to[other]  # a group: each names the others
        assert any(neighbours_in_plan(seat, other) for other in others)
    with sqlite3.connect(db_path) as db:
        kept = dict(db.execute("SELECT seat, group_no FROM poll_groups"))
        confidence = dict(
            db.execute(
                "SELECT g.seat, v.confidence FROM votes v JOIN poll_groups g "
                "ON g.handset = v.handset AND g.poll_id = v.poll_id"
            )
        )
    assert sorted(kept) == sorted(SEATS)
    assert confidence == {seat: sure or None for seat, sure in zip(SEATS, SURE, strict=True)}
    from tests.helpers import run_cli

    assert (
        run_cli("key", "--db", str(db_path), "--session", "1", "--question", "1", "A").returncode
        == 0
    )
    analyzed = run_cli("analyze", "--db", str(db_path), "--session", "1", "--json")
    (figures,) = json.loads(analyzed.stdout)["questions"][0]["by_confidence"]
    said = [(a, s) for a, s in zip(ANSWERS, SURE, strict=True) if s]
    for level in ("guessing", "unsure", "sure"):
        chosen = [a for a, s in said if s == level]
        assert figures["levels"][level]["voters"] == len(chosen)
        assert figures["levels"][level]["percent_correct"] == round(
            100 * chosen.count("A") / len(chosen), 1
        )
    assert figures["said"] == len(said)
    assert figures["confidently_wrong"] == round(
        sum(s == "sure" and a != "A" for a, s in said) / len(said), 3
    )
    text = run_cli("analyze", "--db", str(db_path), "--session", "1").stdout
    assert "vote 1, how sure: guessing 1 (0.0% correct)" in text
    assert "confidently wrong 40% of 5 who said" in text
