"""Peer Instruction analysis on hand-computed cases and hypothesis invariants."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from basestation.assembly import live_session, open_station
from basestation.cli import main
from basestation.peer_instruction import (
    compare_rounds,
    discussion_hint,
    normalized_gain,
    round_figures,
)
from drivers.registry import receiver_for_url
from simulators.sim_receiver import SimReceiver
from tests import oracle

FIRST = {"h1": "A", "h2": "A", "h3": "B", "h4": "C", "h5": "B", "h6": "D"}
SECOND = {"h1": "A", "h2": "B", "h3": "A", "h4": "D", "h5": "B", "h7": "A"}


def test_hand_computed_comparison() -> None:
    result = compare_rounds(FIRST, SECOND, "A")
    # paired: h1..h5 (h6 only voted first, h7 only second)
    assert result.paired == 5
    assert result.matrix["A"]["A"] == 1 and result.matrix["A"]["B"] == 1
    assert result.matrix["B"]["A"] == 1 and result.matrix["B"]["B"] == 1
    assert result.matrix["C"]["D"] == 1
    assert result.switches == {"RR": 1, "RW": 1, "WR": 1, "WW_same": 1, "WW_diff": 1}
    assert result.paired_correct_first == pytest.approx(2 / 5)
    assert result.paired_correct_second == pytest.approx(2 / 5)
    assert result.gain == pytest.approx(0.0)
    assert result.first.counts == {"A": 2, "B": 2, "C": 1, "D": 1, "E": 0}
    assert result.first.percent_correct == pytest.approx(2 / 6)
    assert result.changed == 3


def test_ties_and_no_correct_answer_still_show_the_switches() -> None:
    result = compare_rounds({"a": "A", "b": "B"}, {"a": "B", "b": "A"}, None)
    assert result.switches is None and result.gain is None
    assert result.first.counts["A"] == result.first.counts["B"] == 1
    assert result.matrix["A"]["B"] == result.matrix["B"]["A"] == 1
    assert result.changed == 2


def test_nobody_voting_twice() -> None:
    result = compare_rounds({"a": "A"}, {"b": "A"}, "A")
    assert result.paired == 0 and result.gain is None
    assert result.switches == {"RR": 0, "RW": 0, "WR": 0, "WW_same": 0, "WW_diff": 0}


def test_gain_is_undefined_not_an_error_when_everybody_was_right() -> None:
    assert normalized_gain(1.0, 1.0) is None
    assert compare_rounds({"a": "C"}, {"a": "B"}, "C").gain is None
    assert normalized_gain(0.4, 0.7) == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("right", "advice"),
    [(None, "set the correct answer"), (0.2, "under 30 %"), (0.5, "30-70 %"), (0.9, "over 70 %")],
)
def test_discussion_hint(right: float | None, advice: str) -> None:
    assert advice in discussion_hint(right)


votes = st.dictionaries(
    st.sampled_from([f"h{i}" for i in range(30)]), st.sampled_from("ABCDE"), max_size=30
)


@given(votes, votes, st.one_of(st.none(), st.sampled_from("ABCDE")))
def test_invariants(first: dict[str, str], second: dict[str, str], correct: str | None) -> None:
    result = compare_rounds(first, second, correct)
    paired = first.keys() & second.keys()
    assert result.paired == len(paired)
    assert sum(sum(row.values()) for row in result.matrix.values()) == len(paired)
    assert sum(round_figures(first, correct).counts.values()) == len(first)
    if correct is None:
        assert result.switches is None and result.gain is None
        return
    assert result.switches is not None and sum(result.switches.values()) == len(paired)
    if paired:
        p1 = sum(first[h] == correct for h in paired) / len(paired)
        p2 = sum(second[h] == correct for h in paired) / len(paired)
        assert result.paired_correct_first == pytest.approx(p1)
        assert result.paired_correct_second == pytest.approx(p2)
        if p1 < 1:
            assert result.gain == pytest.approx((p2 - p1) / (1 - p1))
        else:
            assert result.gain is None


def test_analyze_and_key_commands(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    runner = CliRunner()
    url = "sim://60?seed=2&speed=200&questions=1&revote=1&end=0"
    # one process plays both rounds: the dashboard's live session drives them
    receiver = receiver_for_url(url)
    assert isinstance(receiver, SimReceiver)
    truth = receiver.scenario.truth()
    with open_station(receiver, tmp_path / "a.db") as station:
        station.polls.start_session()
        live = live_session(station)
        for command in (live.start_poll, live.stop_poll, live.revote, live.stop_poll):
            command()
            live.step()
            while not receiver.round_finished:
                live.step()
            live.step()
        live.stop()
    result = runner.invoke(main, ["analyze", "--db", db, "--session", "1", "--json"])
    (question,) = json.loads(result.output)["questions"]
    assert question["correct"] is None and question["gain"] is None
    assert [r["counts"] for r in question["rounds"]] == [t["counts"] for t in truth]
    assert sum(sum(row.values()) for row in question["matrix"].values()) == question["paired"]

    correct = truth[0]["correct"]
    assert (
        runner.invoke(
            main, ["key", "--db", db, "--session", "1", "--question", "1", correct]
        ).exit_code
        == 0
    )
    result = runner.invoke(main, ["analyze", "--db", db, "--session", "1", "--json"])
    (question,) = json.loads(result.output)["questions"]
    first, second = truth[0]["latest"], truth[1]["latest"]
    assert question["correct"] == correct
    assert question["switches"] == oracle.switch_classes(first, second, correct)
    assert question["matrix"] == oracle.switching_matrix(first, second)
    assert question["gain"] == pytest.approx(oracle.hake_gain(first, second, correct), abs=1e-3)
    paired = len(first.keys() & second.keys())
    text = runner.invoke(main, ["analyze", "--db", db, "--session", "1"]).output
    percent = round(100 * oracle.hake_gain(first, second, correct))
    assert f"normalized gain {percent}% (n = {paired})" in text  # as on the dashboard
    bad = runner.invoke(main, ["key", "--db", db, "--session", "1", "--question", "9", "A"])
    assert bad.exit_code == 1 and "has no question 9" in bad.output


def test_several_correct_answers_are_said_and_their_scoring_rule_stated(tmp_path: Path) -> None:
    from tests.helpers import play_class, run_cli

    db = tmp_path / "class.db"
    play_class(db)
    assert (
        run_cli("key", "--db", str(db), "--session", "1", "--question", "1", "AC").returncode == 0
    )
    out = run_cli("analyze", "--db", str(db), "--session", "1").stdout
    assert "Question 1 (correct A or C)" in out
    assert "scored: with several correct answers, a vote for any one of them is correct" in out
    page = tmp_path / "report.html"
    assert run_cli("report", "--db", str(db), "--session", "1", "-o", str(page)).returncode == 0
    html = page.read_text()
    assert "<td>A or C</td>" in html and "a vote for any one of them is correct" in html


def test_normalized_change_counts_only_students_whose_score_could_move() -> None:
    from basestation.peer_instruction import normalized_change

    # key C: 3 wrong->right, 1 right->wrong, 2 right both times, 2 wrong both times
    first = dict(zip("abcdefgh", "AABCCCAD", strict=True))
    second = dict(zip("abcdefgh", "CCCACCBD", strict=True))
    result = compare_rounds(first, second, "C")
    assert result.switches == {"RR": 2, "RW": 1, "WR": 3, "WW_same": 1, "WW_diff": 1}
    # Marx and Cummings: +1 for each of the 3, -1 for the 1, the 4 others left out
    assert normalized_change(result.switches) == pytest.approx((3 - 1) / 4)
    # Hake on the same class: p1 = 3/8, p2 = 5/8, g = (5/8 - 3/8) / (5/8)
    assert result.gain == pytest.approx(0.4)
    assert normalized_change({"RR": 5, "RW": 0, "WR": 0, "WW_same": 3, "WW_diff": 0}) is None
