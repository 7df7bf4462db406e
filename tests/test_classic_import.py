"""Importing iClicker Classic session files shaped as the vendor writes them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner, Result

from basestation.cli import main
from tests.helpers import query

SAMPLE = Path(__file__).parent / "data" / "classic" / "SessionData" / "L2609211005.xml"
"""A session file written from the format's rules (shared/reference/files.md: the
vendor's own comments on the attributes, a deleted poll, several keys, anonymous
polling, a registered handset that did not answer), not copied from anyone's class."""
SESSION_XML = SAMPLE.read_text(encoding="utf-8")


def cli(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result


def imported(tmp_path: Path, name: str = "L2609211005.xml") -> tuple[Path, Path]:
    folder = tmp_path / "SessionData"
    folder.mkdir(exist_ok=True)
    source = folder / name
    source.write_text(SESSION_XML)
    db = tmp_path / "c.db"
    result = cli("import-classic", "--db", str(db), "--course", "PHYS", str(source))
    assert result.exit_code == 0, result.output
    return source, db


def test_what_a_vote_says_survives_import(tmp_path: Path) -> None:
    _, db = imported(tmp_path)
    roster = tmp_path / "roster.csv"
    roster.write_text("student id,name,handset\ns1,Ann,A24653B7\ns2,Bo,428071B3\ns3,Cy,6E501D23\n")
    assert cli("roster", "import", "--db", str(db), str(roster)).exit_code == 0
    rows = {
        row["student_id"]: row
        for row in csv.DictReader(
            io.StringIO(
                cli("export", "--db", str(db), "--session", "1", "--format", "students").output
            )
        )
    }
    # question numbers: 1, then 3 (2 was deleted) as 2, then the anonymous 4 as 3
    assert (
        rows["s1"]["q1_first"],
        rows["s1"]["q1_final"],
        rows["s1"]["q1_attempts"],
        rows["s1"]["q1_time_s"],
    ) == ("C", "B", "3", "12.5")
    assert (rows["s2"]["q1_first"], rows["s2"]["q1_final"], rows["s2"]["q1_attempts"]) == (
        "C",
        "C",
        "1",
    )
    assert (rows["s3"]["q2_first"], rows["s3"]["q2_final"], rows["s3"]["q2_attempts"]) == (
        "A",
        "C",
        "2",
    )
    assert rows["s1"]["q3_final"] == ""  # anonymous polling: not linked to anybody
    analysis = json.loads(cli("analyze", "--db", str(db), "--session", "1", "--json").output)
    first, second, third = analysis["questions"]
    assert (first["correct"], second["correct"], third["correct"]) == ("B", "AC", "D")
    assert second["rounds"][0]["percent_correct"] == 100.0  # A and C both count
    assert third["rounds"][0]["counts"]["D"] == 1
    assert query(db, "SELECT title, course FROM sessions") == [("Session 18", "PHYS")]
    scoring = json.loads(query(db, "SELECT source FROM sessions")[0][0])["scoring"]
    assert scoring == {"perf": "2", "part": "1", "minrep": "75", "MinPart_S": "1"}
    sessions = json.loads(cli("sessions", "--db", str(db), "--json").output)
    assert sessions[0]["started_at"].startswith("2026-09-21T10:05")  # local lecture time
    handsets = {h for (h,) in query(db, "SELECT handset FROM votes")}
    assert {"A24653B7", "428071B3", "6E501D23"} < handsets
    assert not [
        h
        for h in handsets
        if h not in {"A24653B7", "428071B3", "6E501D23"} and not h.startswith("ANON-")
    ]
    assert query(db, "SELECT loaned_to FROM imported_votes WHERE handset = '428071B3'") == [("s9",)]


def test_the_same_file_twice_is_one_session_unless_replaced(tmp_path: Path) -> None:
    source, db = imported(tmp_path)
    again = cli("import-classic", "--db", str(db), str(source))
    assert again.exit_code == 0 and "already imported as session 1" in again.output
    assert query(db, "SELECT COUNT(*) FROM sessions") == [(1,)]
    votes = query(db, "SELECT COUNT(*) FROM votes")
    replaced = cli("import-classic", "--db", str(db), "--replace", str(source))
    assert replaced.exit_code == 0 and " -> session " in replaced.output
    assert query(db, "SELECT COUNT(*) FROM sessions") == [(1,)]
    assert query(db, "SELECT COUNT(*) FROM votes") == votes


def test_a_whole_folder_with_a_deleted_session(tmp_path: Path) -> None:
    folder = tmp_path / "SessionData"
    folder.mkdir()
    (folder / "L2609211005.xml").write_text(SESSION_XML)
    (folder / "L2609231102.xml").write_text(SESSION_XML.replace("Session 18", "Session 19"))
    (folder / "x2609251100.xml").write_text(SESSION_XML)
    (folder / "RemoteID.csv").write_text("#A24653B7,s1\n")
    db = tmp_path / "c.db"
    result = cli("import-classic", "--db", str(db), str(folder))
    assert result.exit_code == 0, result.output
    assert "deleted in iClicker Classic, skipped" in result.output
    assert query(db, "SELECT title FROM sessions ORDER BY id") == [("Session 18",), ("Session 19",)]


def test_bad_rows_are_named_and_nothing_is_imported(tmp_path: Path) -> None:
    bad = SESSION_XML.replace('id="#428071B3"', 'id="#=HYPERLINK(1)"').replace(
        'id="#6E501D23"', 'id="#6E501DB3"'
    )
    source = tmp_path / "L2609211005.xml"
    source.write_text(bad)
    result = cli("import-classic", "--db", str(tmp_path / "c.db"), str(source))
    assert result.exit_code == 1
    lines = bad.splitlines()
    formula = 1 + next(i for i, line in enumerate(lines) if "HYPERLINK" in line)
    mistyped = 1 + next(i for i, line in enumerate(lines) if "6E501DB3" in line)
    assert f"line {formula}: handset '#=HYPERLINK(1)'" in result.output
    assert f"line {mistyped}: handset '#6E501DB3'" in result.output
    assert "check digit" in result.output
    assert query(tmp_path / "c.db", "SELECT COUNT(*) FROM sessions") == [(0,)]


def test_not_a_session_file_is_a_clear_error(tmp_path: Path) -> None:
    for name, content in (
        ("a.xml", "<ssn></ssn>"),
        ("b.xml", "<ssn><p"),
        ("c.xml", '<!DOCTYPE x [<!ENTITY a "aaaa">]><ssn>&a;</ssn>'),
    ):
        path = tmp_path / name
        path.write_text(content)
        result = cli("import-classic", "--db", str(tmp_path / "c.db"), str(path))
        assert result.exit_code == 1
        assert (
            "not an iClicker Classic session" in result.output
            or "not readable XML" in result.output
        )


def test_the_import_says_what_it_stored(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    result = cli("import-classic", "--db", str(db), str(SAMPLE))
    assert result.exit_code == 0, result.output
    (stored,) = query(db, "SELECT COUNT(*) FROM votes")[0]
    (answered,) = query(db, "SELECT COUNT(*) FROM imported_votes")[0]
    assert f"{answered} answer(s) from handsets, {stored} vote(s) stored" in result.output
    assert query(db, "SELECT course, title FROM sessions") == [(None, "Session 18")]
