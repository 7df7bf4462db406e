"""Roster import: layouts, validation that names the line, all-or-nothing, alternate forms."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from basestation.cli import main
from basestation.formats.roster import RosterError, parse_roster, with_alternate_forms


def test_our_layout_with_several_handsets_per_student() -> None:
    entries = parse_roster(
        "Student ID,Name,Email,Handset IDs\n"
        "s1,Ada Lovelace,ada@u.edu,A24653B7; 428071b3\n"
        's2,"Noether, Emmy",emmy@u.edu,3E81BE01\n'
    )
    assert [(e.student_id, e.name, e.email, e.handsets) for e in entries] == [
        ("s1", "Ada Lovelace", "ada@u.edu", ["A24653B7", "428071B3"]),
        ("s2", "Noether, Emmy", "emmy@u.edu", ["3E81BE01"]),
    ]


def test_vendor_layouts() -> None:
    lms = parse_roster(
        "First Name,Last Name,SIS User ID,Remote ID,Remote ID 2\n"
        "Ada,Lovelace,s1,A24653B7,\nEmmy,Noether,s2,,3E81BE01\n"
    )
    assert [(e.name, e.handsets) for e in lms] == [
        ("Ada Lovelace", ["A24653B7"]),
        ("Emmy Noether", ["3E81BE01"]),
    ]
    classic = parse_roster('#A24653B7,"s1"\n#3e81be01,"s2"\n')
    assert [(e.student_id, e.handsets) for e in classic] == [
        ("s1", ["A24653B7"]),
        ("s2", ["3E81BE01"]),
    ]


def test_alternate_forms_map_to_the_same_student() -> None:
    mapping = with_alternate_forms(parse_roster("student id,handset\ns1,428071B3\n"))
    assert mapping == {"428071B3": ("s1", "registered"), "028071F3": ("s1", "alternate")}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "student id,handset\ns1,T24-5521\n",
            "line 2 (s1): 'T24-5521' looks like the model number",
        ),
        ("student id,handset\ns1,A24653B8\n", "line 2 (s1): 'A24653B8' fails its check digit"),
        (
            "student id,handset\ns1,A24653B7\ns2,A24653B7\n",
            "line 3: handset A24653B7 is also registered to s1 on line 2",
        ),
        (
            "student id,handset\ns1,A24653B7\ns1,3E81BE01\n",
            "line 3: student s1 is already on line 2",
        ),
        ("name,email\nAda,a@u\n", "line 1: the header needs a student ID column"),
        ("student id,handset\n,A24653B7\n", "line 2: no student ID"),
    ],
)
def test_bad_rosters_name_the_line(text: str, message: str) -> None:
    with pytest.raises(RosterError) as raised:
        parse_roster(text)
    assert message in str(raised.value)


def test_a_bad_file_imports_nothing(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    good = tmp_path / "good.csv"
    good.write_text("student id,handset\ns1,A24653B7\n")
    bad = tmp_path / "bad.csv"
    bad.write_text("student id,handset\ns2,3E81BE01\ns3,T24\n")
    runner = CliRunner()
    assert runner.invoke(main, ["roster", "import", "--db", str(db), str(good)]).exit_code == 0
    result = runner.invoke(main, ["roster", "import", "--db", str(db), str(bad)])
    assert result.exit_code == 1 and "line 3 (s3)" in result.output
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT student_id FROM students").fetchall() == [("s1",)]


def test_turningpoint_ids_match_in_either_byte_order() -> None:
    """No source settles whether a ResponseCard's label prints its ID in air order."""
    entries = parse_roster("student id,clicker id\ns1,090FD3\ns2,d3-0f-0a\n")
    assert [e.handsets for e in entries] == [["090FD3"], ["D30F0A"]]
    mapping = with_alternate_forms(entries)
    assert mapping["090FD3"] == ("s1", "registered") and mapping["D30F09"] == ("s1", "reversed")
    assert mapping["0A0FD3"] == ("s2", "reversed")


def roster_cli(db: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["roster", *args, "--db", str(db)])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("cp1252", ","), ("utf-8-sig", ";"), ("utf-16", ","), ("utf-8", "\t"), ("cp1252", ";")],
)
def test_rosters_as_registrars_save_them(tmp_path: Path, encoding: str, delimiter: str) -> None:
    text = (
        delimiter.join(["Student ID", "Name", "Clicker ID"])
        + "\r\n"
        + "\r\n".join(
            delimiter.join(row)
            for row in [
                [
                    "s1",
                    "Zoë Brontë-Łukasiewicz" if encoding != "cp1252" else "Zoë Brontë",
                    "A24653B7",
                ],
                ["s2", "Ines Muñoz", "428071B3"],
            ]
        )
        + "\r\n"
    )
    roster = tmp_path / "roster.csv"
    roster.write_bytes(text.encode(encoding))
    code, output = roster_cli(tmp_path / "c.db", "import", str(roster))
    assert code == 0, output
    with sqlite3.connect(tmp_path / "c.db") as connection:
        names = dict(connection.execute("SELECT student_id, name FROM students"))
    assert names["s2"] == "Ines Muñoz" and names["s1"].startswith("Zoë Brontë")


def test_a_remoteid_file_with_a_header_line(tmp_path: Path) -> None:
    roster = tmp_path / "RemoteID.csv"
    roster.write_bytes(
        b'"#Clicker ID","Student ID"\r\n"#A24653B7","smith-jane  (HES)"\r\n#428071B3,doe-john\r\n'
    )
    code, output = roster_cli(tmp_path / "c.db", "import", str(roster))
    assert code == 0, output
    assert "imported 2 students" in output


def test_a_handset_of_another_student_is_refused_naming_both(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    first = tmp_path / "first.csv"
    first.write_text("Student ID,Name,Clicker ID\ns1,Ann Lee,A24653B7\n")
    assert roster_cli(db, "import", str(first))[0] == 0
    second = tmp_path / "second.csv"
    second.write_text("Student ID,Name,Clicker ID\ns2,Bo Chen,A24653B7\ns3,Cy Dee,428071B3\n")
    code, output = roster_cli(db, "import", str(second))
    assert code == 1
    assert "handset A24653B7 belongs to s1 (Ann Lee), not s2 (Bo Chen)" in output
    assert "nothing was imported" in output
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT COUNT(*) FROM students").fetchone()[0] == 1
    code, output = roster_cli(db, "assign", "A24653B7", "s1")
    assert code == 0
    code, output = roster_cli(db, "import", str(second), "--move")
    assert code == 0, output
    code, output = roster_cli(db, "assign", "A24653B7", "s3")
    assert code == 1 and "belongs to s2 (Bo Chen), not s3" in output
    code, output = roster_cli(db, "assign", "A24653B7", "s3", "--session", "99")
    assert code == 1 and "there is no session 99" in output and "Traceback" not in output


def test_a_roster_import_counts_students_and_handsets_apart_and_roster_show_lists_them(
    tmp_path: Path,
) -> None:
    from simulators.classroom import ClassroomModel
    from tests.helpers import run_cli

    ids = ClassroomModel(50, seed=4).handsets
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "Student ID,Name,Clicker ID\n"
        + "".join(f"s{i:02d},Student {i},{h}\n" for i, h in enumerate(ids))
    )
    with_forms = [h for h in ids if h[0] in "248"]  # the LMS tools' 0… form exists for these
    db = tmp_path / "x.db"
    out = run_cli("roster", "import", "--db", str(db), str(roster)).stdout
    assert out.startswith("imported 50 students and 50 handsets")
    assert (f"({len(with_forms)} more ID" in out) == bool(with_forms)
    listing = run_cli("roster", "show", "--db", str(db)).stdout.splitlines()
    assert listing[50] == f"50 students, 50 handsets, {len(with_forms)} other ID forms"
    assert all(h in "\n".join(listing[:50]) for h in ids)
    assert listing[51].startswith("last import: roster.csv at ")
    assert listing[52] == "  new students: 50 (s00, s01, s02, s03, s04, s05, s06, s07, … 42 more)"


def test_roster_show_tells_what_the_last_import_changed(tmp_path: Path) -> None:
    from simulators.classroom import ClassroomModel
    from tests.helpers import run_cli

    ids = ClassroomModel(6, seed=9).handsets
    db = tmp_path / "x.db"
    first = tmp_path / "week1.csv"
    first.write_text(
        "Student ID,Name,Clicker ID\n" + "".join(f"s{i},S {i},{ids[i]}\n" for i in range(4))
    )
    assert run_cli("roster", "import", "--db", str(db), "--course", "C", str(first)).returncode == 0
    second = tmp_path / "week2.csv"
    second.write_text(  # s0 leaves, s1 is renamed, s3's handset moves to s4, s5 joins
        "Student ID,Name,Clicker ID\n"
        f"s1,S One,{ids[1]}\ns2,S 2,{ids[2]}\ns3,S 3,\ns4,S 4,{ids[3]}\ns5,S 5,{ids[5]}\n"
    )
    moved = run_cli("roster", "import", "--db", str(db), "--course", "C", str(second))
    assert moved.returncode == 1 and f"handset {ids[3]} belongs to s3" in moved.stderr
    done = run_cli("roster", "import", "--db", str(db), "--course", "C", "--move", str(second))
    assert done.returncode == 0, done.stderr
    expected = [
        "new students: 2 (s4, s5)",
        "students whose name or email changed: 1 (s1)",
        f"new handsets: 1 ({ids[5]})",
        f"handsets moved to another student: 1 ({ids[3]}: s3 -> s4)",
        "students of the course not in the file (kept): 1 (s0)",
    ]
    assert done.stdout.splitlines()[1:] == [f"  {line}" for line in expected]
    shown = run_cli("roster", "show", "--db", str(db), "--course", "C").stdout.splitlines()
    assert shown[-6].startswith("last import: week2.csv at ") and shown[-6].endswith(" for C")
    assert shown[-5:] == [f"  {line}" for line in expected]
    as_json = json.loads(run_cli("roster", "show", "--db", str(db), "--json").stdout)
    assert as_json["last_import"]["changes"]["added"] == ["s4", "s5"]
    assert len(as_json["students"]) == 6
