"""The discussion band is a setting, and every response rate has one denominator: the
course's roster when it has one, else the handsets heard in the session."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from basestation.peer_instruction import DiscussionBand, room_advice
from simulators.classroom import ClassroomModel
from tests.helpers import play_class, query, run_cli

COURSE = "PHYS 101"


@given(st.integers(0, 99), st.integers(1, 100))
def test_a_band_reads_back_as_written(low: int, high: int) -> None:
    if low >= high:
        with pytest.raises(ValueError, match="band like 30-70"):
            DiscussionBand.parse(f"{low}-{high}")
        return
    band = DiscussionBand.parse(f"{low}-{high}")
    assert (band.low, band.high) == pytest.approx((low / 100, high / 100))
    assert str(band) == f"{low}-{high}"


@pytest.mark.parametrize("text", ["", "30", "70-30", "a-b", "30-170", "-5-40"])
def test_a_band_that_cannot_be_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        DiscussionBand.parse(text)


def test_the_room_hears_the_band_it_was_given() -> None:
    narrow = DiscussionBand.parse("45-55")
    assert room_advice(0.40) == "Convince your neighbours, then we vote again"
    assert room_advice(0.40, narrow) == "Let's work through it together"
    assert room_advice(0.60, narrow) == ""


def _revote_answers(db: Path) -> list[str]:
    rows = query(
        db,
        "SELECT v.answer FROM votes v JOIN polls p ON p.id = v.poll_id "
        "JOIN questions q ON q.id = p.question_id WHERE q.number = 1 AND p.round = 2 "
        "AND v.id IN (SELECT MAX(id) FROM votes GROUP BY poll_id, handset)",
    )
    return [answer for (answer,) in rows]


def test_analyze_follows_the_band_and_counts_against_the_roster(tmp_path: Path) -> None:
    db = tmp_path / "band.db"
    handsets = ClassroomModel(40, seed=12).handsets
    roster = tmp_path / "roster.csv"
    on_roster = handsets[:25]  # a roster smaller than the class
    roster.write_text(
        "Student ID,Name,Clicker ID\n"
        + "".join(f"s{i},Name {i},{h}\n" for i, h in enumerate(on_roster))
        + "".join(f"t{i},Absent {i},\n" for i in range(5))
    )
    assert (
        run_cli("roster", "import", "--db", str(db), "--course", COURSE, str(roster)).returncode
        == 0
    )
    play_class(db, course=COURSE)
    answers = _revote_answers(db)
    key = Counter(answers).most_common(1)[0][0]
    assert run_cli("key", "--db", str(db), "--session", "1", "--question", "1", key).returncode == 0
    percent = int(100 * answers.count(key) / len(answers))
    assert 2 <= percent <= 98, percent
    voters = query(
        db,
        "SELECT COUNT(DISTINCT v.handset) FROM votes v JOIN polls p ON p.id = v.poll_id "
        "JOIN questions q ON q.id = p.question_id WHERE q.number = 1 AND p.round = 1",
    )[0][0]

    # a band that ends under the revote's share right, then one that starts over it
    under = f"0-{percent - 1}"
    over = f"{percent + 1}-100"
    for band, words in ((under, "explain briefly and move on"), (over, "revisit the concept")):
        result = run_cli("analyze", "--db", str(db), "--session", "1", "--json", "--band", band)
        assert result.returncode == 0, result.stderr
        report = json.loads(result.stdout)
        first = report["questions"][0]
        assert report["band"] == band
        assert report["roster_size"] == 30 and report["expected_voters"] == 30
        assert first["rounds"][0]["response_rate"] == round(voters / 30, 3)
        assert words in first["hint"], first["hint"]
    text = run_cli("analyze", "--db", str(db), "--session", "1", "--band", under).stdout
    assert "Response rates are of the 30 students on the course's roster" in text
    assert f"({voters / 30:.0%})" in text

    env_band = run_cli("analyze", "--db", str(db), "--session", "1", "--band", "80-60")
    assert env_band.returncode == 2 and "band like 30-70" in env_band.stderr


def test_without_a_roster_the_rate_is_of_the_handsets_heard(tmp_path: Path) -> None:
    db = tmp_path / "open.db"
    play_class(db, course="")
    report = json.loads(run_cli("analyze", "--db", str(db), "--session", "1", "--json").stdout)
    heard = query(db, "SELECT COUNT(DISTINCT handset) FROM votes")[0][0]
    assert report["roster_size"] is None and report["expected_voters"] == heard
    first = report["questions"][0]["rounds"][0]
    assert first["response_rate"] == round(first["voters"] / heard, 3)
    assert report["band"] == "30-70"
