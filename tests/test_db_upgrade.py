"""A database made by release 0.1.0 upgrades in place.

``tests/data/release-0.1.0.sqlite`` was written by that release's own CLI: two
sessions (a question with a revote from ``sim://40``, and a poll on the emulated
USB base, whose record sequence numbers 0.1.0 stored as receiver times), a roster
of three students and grading rules for "PHYS 101".
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.helpers import query, run_cli

FIXTURE = Path(__file__).parent / "data" / "release-0.1.0.sqlite"
USB_POLL = 3


@pytest.fixture
def old_db(tmp_path: Path) -> Path:
    copy = tmp_path / "old.db"
    shutil.copy(FIXTURE, copy)
    copy.chmod(0o600)
    return copy


def snapshot(db: Path) -> dict[str, list[tuple[object, ...]]]:
    tables = ("sessions", "questions", "polls", "students", "handsets", "grading")
    return {table: query(db, f"SELECT * FROM {table} ORDER BY 1") for table in tables}


def test_the_fixture_is_a_release_0_1_0_database() -> None:
    names = [row[0] for row in query(FIXTURE, "SELECT name FROM schema_migrations")]
    assert names == ["0001_initial", "0002_interrupted_polls", "0003_roster"]
    with sqlite3.connect(FIXTURE) as connection:
        columns = [row[1] for row in connection.execute("PRAGMA table_info(votes)")]
    assert "base_seq" not in columns


def test_upgrade_keeps_every_row_and_moves_the_usb_sequence(old_db: Path) -> None:
    before = snapshot(old_db)
    old_votes = query(
        old_db,
        "SELECT id, poll_id, handset, answer, receiver, t_receiver_us, "
        "t_host FROM votes ORDER BY id",
    )
    result = run_cli("sessions", "--db", str(old_db), "--json")  # reading upgrades it first
    assert result.returncode == 0, result.stderr
    result = run_cli("grading", "--db", str(old_db), "--course", "PHYS 101")  # the writer
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["participation_percent"] == 50.0
    after = snapshot(old_db)
    for table in ("students", "handsets", "grading"):
        assert after[table] == before[table], table
    # polls gained when an open poll's countdown ends (nothing, for these)
    assert [row[: len(row) - 1] for row in after["polls"]] == before["polls"]
    assert all(row[-1] is None for row in after["polls"])
    # sessions gained where an imported one came from (nothing, for these)
    assert [row[:6] for row in after["sessions"]] == before["sessions"]
    assert all(row[6:] == (None, None) for row in after["sessions"])
    # questions gained their kind and five choices, and no bank question; nothing else
    assert [row[:5] for row in after["questions"]] == before["questions"]
    assert all(row[5:] == ("multiple-choice", 5, None) for row in after["questions"])
    new_votes = query(
        old_db,
        "SELECT id, poll_id, handset, answer, receiver, t_receiver_us, "
        "t_host, base_seq FROM votes ORDER BY id",
    )
    assert len(new_votes) == len(old_votes) == 114
    for old, new in zip(old_votes, new_votes, strict=True):
        assert new[:5] == old[:5] and new[6] == old[6]
        if old[1] == USB_POLL:  # 0.1.0 put the record's sequence in t_receiver_us
            assert new[5] is None and new[7] == old[5]
        else:
            assert new[5] == old[5] and new[7] is None
    migrations = [
        row[0]
        for row in query(
            old_db,
            "SELECT name FROM _sqlite_migrations WHERE migration_set = 'basestation' ORDER BY id",
        )
    ]
    assert migrations == [
        "0001_initial",
        "0002_interrupted_polls",
        "0003_roster",
        "0004_question_kinds_and_base_seq",
        "0005_readable_views",
        "0006_poll_receivers",
        "0007_vote_order",
        "0008_imported_sessions",
        "0009_enrolments",
        "0010_one_vote_index_per_poll",
        "0011_poll_deadline",
        "0012_question_bank",
        "0013_roster_imports",
        "0014_phone_codes",
        "0015_poll_groups",
        "0016_enrolment_seats",
        "0017_vote_confidence",
        "0018_no_vote_index_by_handset",
    ]
    assert not query(old_db, "SELECT name FROM sqlite_master WHERE name = 'schema_migrations'")
    assert query(old_db, "PRAGMA integrity_check") == [("ok",)]


def test_an_upgraded_database_analyzes_as_before_and_reads_well(old_db: Path) -> None:
    assert run_cli("grading", "--db", str(old_db)).returncode == 0  # upgrades
    result = run_cli("analyze", "--db", str(old_db), "--session", "1", "--json")
    assert result.returncode == 0, result.stderr
    question = json.loads(result.stdout)["questions"][0]
    assert question["correct"] == "B"
    assert [r["counts"] for r in question["rounds"]] == [
        {"A": 13, "B": 4, "C": 6, "D": 7, "E": 9}
    ] * 2  # what release 0.1.0 reported
    readable = query(old_db, "SELECT opened, question FROM polls_readable WHERE id = 1")
    assert readable[0][0].startswith("20") and readable[0][0].endswith("Z")
    assert readable[0][1] == 1
    again = run_cli("grading", "--db", str(old_db))
    assert again.returncode == 0 and query(old_db, "SELECT COUNT(*) FROM votes") == [(114,)]
