"""Round trip: record a simulated class with revotes, import the roster, export grades,
change an answer key, regrade: the grades follow. Anonymous sessions link nobody."""

from __future__ import annotations

import csv
import gc
import io
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from basestation.afterclass.collector import collector_paused
from basestation.cli import main
from firmware_protocol.handset_id import alternate_form
from simulators.classroom import ClassroomModel
from tests.helpers import play_class


def cli(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def expected_points(
    handsets: list[str], truth: list[dict[str, object]], keys: dict[int, str | None]
) -> float:
    """1 participation point for answering >= 75 % of questions, 1 per correct answer."""
    answered = correct = 0
    for question in (1, 2):
        rounds = [t for t in truth if t["question"] == question]
        final = None
        for round_truth in rounds:  # the last round the student voted in decides
            latest = round_truth["latest"]
            assert isinstance(latest, dict)
            for handset in handsets:
                if handset in latest:
                    final = latest[handset]
        if final is not None:
            answered += 1
            correct += final == keys[question]
    return (1.0 if answered / 2 >= 0.75 else 0.0) + correct


def test_grades_follow_the_roster_and_the_answer_key(tmp_path: Path) -> None:
    db = tmp_path / "class.db"
    _, truth = play_class(db)
    ids = ClassroomModel(40, seed=12).handsets  # the simulated class's handsets
    roster = tmp_path / "roster.csv"
    registered = ids[:30]
    roster.write_text(
        "Student ID,Name,Email,Clicker ID\n"
        + "".join(f"s{i:03d},Student {i},s{i}@u.edu,{h}\n" for i, h in enumerate(registered))
        + "s998,Late Registrant,l@u.edu,\ns999,Forgot Clicker,f@u.edu,\n"
    )
    owned: dict[str, list[str]] = {f"s{i:03d}": [h] for i, h in enumerate(registered)}
    owned |= {"s998": [], "s999": []}

    def expected(keys: dict[int, str | None]) -> dict[str, float]:
        return {
            student: expected_points(handsets, truth, keys) for student, handsets in owned.items()
        }

    cli("roster", "import", "--db", str(db), str(roster))

    def gradebook() -> dict[str, float]:
        out = cli(
            "export",
            "--db",
            str(db),
            "--session",
            "1",
            "--format",
            "gradebook",
            "--lms",
            "canvas",
            "--column",
            "Clickers",
        )
        rows = list(csv.DictReader(io.StringIO(out)))
        possible = [row for row in rows if row["Student"].strip() == "Points Possible"]
        assert len(possible) == 1  # Canvas's own export has this row under its header
        keyed = sum(1 for key in keys.values() if key)
        assert float(possible[0]["Clickers"]) == 1.0 + keyed  # participation + each key
        return {row["SIS User ID"]: float(row["Clickers"]) for row in rows if row not in possible}

    keys: dict[int, str | None] = {1: None, 2: None}
    before = gradebook()
    assert before == expected(keys)

    correct_1 = str(truth[0]["correct"])
    cli("key", "--db", str(db), "--session", "1", "--question", "1", correct_1)
    keys[1] = correct_1
    after = gradebook()
    assert after == expected(keys)
    assert after != before

    # re-importing the same roster changes nothing; a late assignment counts at once
    cli("roster", "import", "--db", str(db), str(roster))
    assert gradebook() == after
    cli("roster", "assign", "--db", str(db), ids[35], "s998")
    owned["s998"] = [ids[35]]
    assert gradebook() == expected(keys)

    everything = json.loads(cli("export", "--db", str(db), "--session", "1"))
    totals = {s["student_id"]: s["total"] for s in everything["students"] if s["student_id"]}
    assert totals == gradebook()

    # a loaner counts for its borrower in its session
    cli("roster", "assign", "--db", str(db), ids[36], "s999", "--session", "1")
    owned["s999"] = [ids[36]]
    assert gradebook() == expected(keys) and gradebook()["s999"] > 0

    students = list(
        csv.DictReader(
            io.StringIO(cli("export", "--db", str(db), "--session", "1", "--format", "students"))
        )
    )
    unregistered = [row for row in students if not row["student_id"]]
    assert {row["handsets"] for row in unregistered} <= set(ids[30:])
    first = next(row for row in students if row["student_id"] == "s001")
    assert first["q1_final"] in "ABCDE" and int(first["q1_attempts"]) >= 1


def test_anonymous_sessions_link_no_vote_to_a_student(tmp_path: Path) -> None:
    db = tmp_path / "anon.db"
    play_class(db, anonymous=True)
    exported = json.loads(cli("export", "--db", str(db), "--session", "1"))
    handsets = {v["handset"] for poll in exported["polls"] for v in poll["votes"]}
    assert exported["anonymous"] is True and all(h.startswith("anonymous-") for h in handsets)
    result = CliRunner().invoke(
        main, ["export", "--db", str(db), "--session", "1", "--format", "students"]
    )
    assert result.exit_code == 1 and "anonymous" in result.output


def test_an_anonymous_sessions_database_holds_no_handset_id_anywhere(tmp_path: Path) -> None:
    """Every column of every table, scanned for every handset of the class, in every
    form a roster could match it by."""
    db = tmp_path / "anonymous.db"
    _, truth = play_class(db, anonymous=True)
    latest: list[dict[str, str]] = [round_truth["latest"] for round_truth in truth]  # type: ignore[misc]
    handsets = {h for answers in latest for h in answers}
    assert len(handsets) > 30
    forms = handsets | {a for h in handsets if (a := alternate_form(h)) is not None}
    with sqlite3.connect(db) as connection:
        tables = [
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        cells = [
            str(cell).upper()
            for table in tables
            for row in connection.execute(f"SELECT * FROM {table}")
            for cell in row
        ]
        stored = {row[0] for row in connection.execute("SELECT DISTINCT handset FROM votes")}
    assert "votes" in tables and len(cells) > 1000
    assert not [cell for cell in cells if any(form in cell for form in forms)]
    assert all(h.startswith("ANON-") for h in stored) and len(stored) == len(handsets)
    # within the run a handset keeps its pseudonym: the revote pairs with its first vote
    result = CliRunner().invoke(main, ["analyze", "--db", str(db), "--session", "1", "--json"])
    question = json.loads(result.output)["questions"][0]
    assert question["paired"] == len(latest[0].keys() & latest[1].keys())


def test_a_term_export_puts_the_garbage_collector_back_as_it_was(tmp_path: Path) -> None:
    """Grading pauses Python's cyclic collector; the command leaves it running again (the
    same functions serve long-lived processes), also when grading fails."""
    db = tmp_path / "class.db"
    play_class(db, course="PHYS 101")
    out = tmp_path / "grades.csv"
    cli("export", "--db", str(db), "--course", "PHYS 101", "--format", "gradebook", "-o", str(out))
    assert gc.isenabled() and "clicker session 1" in out.read_text()
    with pytest.raises(ZeroDivisionError), collector_paused():
        assert not gc.isenabled()
        _ = 1 / 0
    assert gc.isenabled()
