"""Files for other programs: each LMS layout checked against its importer's rules (as
``../shared/reference/files.md`` states them), every written file 0600, formulas inert."""

from __future__ import annotations

import csv
import io
import json
import stat
from pathlib import Path

import pytest

from simulators.classroom import ClassroomModel
from tests.helpers import play_class, run_cli

HOSTILE_NAME = '=HYPERLINK("http://evil.example","click")'


def canvas_accepts(text: str) -> list[str]:
    """Canvas's GradebookImporter: more than 3 columns, column 0 contains Student, column 1
    ID; SIS User ID used when columns 2-3 are SIS User ID, SIS Login ID; the last student
    column must be Section, or "Invalid header row"."""
    header = next(csv.reader(io.StringIO(text)))
    problems = []
    if len(header) <= 3 or "Student" not in header[0] or "ID" not in header[1]:
        problems.append("Invalid header row")
    if header[2:4] != ["SIS User ID", "SIS Login ID"] or header[4] != "Section":
        problems.append("Invalid header row (student columns)")
    return problems


def blackboard_accepts(text: str) -> list[str]:
    """A header with Username; every field enclosed in quotes."""
    problems = []
    lines = text.splitlines()
    if "Username" not in next(csv.reader(lines[:1])):
        problems.append("no Username column")
    for number, line in enumerate(lines, start=1):
        fields = line.split('","')
        if not (line.startswith('"') and line.endswith('"')) or any(
            '"' in field.strip('"').replace('""', "") for field in fields
        ):
            problems.append(f"line {number}: a field is not quoted")
    return problems


def moodle_accepts(data: bytes) -> list[str]:
    """UTF-8 (Moodle's csv_import_reader removes a BOM first), and a column the teacher
    can map to useridnumber or useremail."""
    try:
        header = next(csv.reader(io.StringIO(data.decode("utf-8").removeprefix("\ufeff"))))
    except UnicodeDecodeError:
        return ["not UTF-8"]
    return [] if {"ID number", "Email address"} & set(header) else ["nothing to map"]


@pytest.fixture(scope="module")
def term(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two sessions of PHYS 101 and a roster with a name that is a formula."""
    folder = tmp_path_factory.mktemp("term")
    db = folder / "class.db"
    play_class(db)
    play_class(db)
    ids = ClassroomModel(40, seed=12).handsets
    roster = folder / "roster.csv"
    quoted = HOSTILE_NAME.replace('"', '""')
    roster.write_text(
        "Student ID,Name,Email,Clicker ID\n"
        + f's000,"{quoted}",@evil.example,{ids[0]}\n'
        + "".join(
            f"s{i:03d},Student {i},s{i}@u.edu,{h}\n" for i, h in enumerate(ids[1:25], start=1)
        )
    )
    assert run_cli("roster", "import", "--db", str(db), str(roster)).returncode == 0
    return db


@pytest.mark.parametrize("lms", ["canvas", "blackboard", "moodle", "generic"])
def test_term_gradebooks_are_what_each_importer_reads(term: Path, lms: str) -> None:
    out = term.with_name(f"{lms}.csv")
    result = run_cli(
        "export",
        "--db",
        str(term),
        "--course",
        "PHYS 101",
        "--format",
        "gradebook",
        "--lms",
        lms,
        "-o",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") == (lms != "blackboard")  # Excel reads UTF-8
    text = data.decode("utf-8-sig")
    problems = {
        "canvas": canvas_accepts,
        "blackboard": blackboard_accepts,
        "moodle": lambda t: moodle_accepts(data),
        "generic": lambda t: [],
    }[lms](text)
    assert problems == []
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    sessions = [h for h in header if h.startswith("clicker ")]
    if lms == "canvas":  # no column Canvas would take for a new assignment; its points row
        assert header[-2:] == sessions and rows[1][0].strip() == "Points Possible"
        assert len(rows) == 2 + 25
        return
    assert header[-3:-1] == sessions and header[-1] == "Total"  # then the term's total
    assert len(rows) == 1 + 25
    for row in rows[1:]:
        assert float(row[-1]) == pytest.approx(float(row[-3]) + float(row[-2]))
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_formulas_are_inert_in_every_csv_and_files_are_private(term: Path) -> None:
    outputs = {}
    for fmt in ("csv", "students", "gradebook", "attendance"):
        out = term.with_name(f"export-{fmt}.csv")
        args = (
            ["--course", "PHYS 101"] if fmt in ("gradebook", "attendance") else ["--session", "1"]
        )
        result = run_cli("export", "--db", str(term), *args, "--format", fmt, "-o", str(out))
        assert result.returncode == 0, result.stderr
        outputs[fmt] = out
    report = term.with_name("report.html")
    assert run_cli("report", "--db", str(term), "--session", "1", "-o", str(report)).returncode == 0
    for path in [*outputs.values(), report]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    for fmt in ("students", "gradebook", "attendance"):
        cells = [cell for row in csv.reader(io.StringIO(outputs[fmt].read_text())) for cell in row]
        assert "'" + HOSTILE_NAME in cells, fmt
        assert not [
            c
            for c in cells
            if c[:1] in ("=", "+", "@")
            or (c.startswith("-") and not c.lstrip("-").replace(".", "").isdigit())
        ]
    assert "'@evil.example" in outputs["students"].read_text()


def test_output_never_replaces_the_database_or_a_file_it_did_not_write(term: Path) -> None:
    mine = term.with_name("notes.csv")
    mine.write_text("my own notes\n")
    refused = run_cli(
        "export", "--db", str(term), "--session", "1", "--format", "csv", "-o", str(mine)
    )
    assert refused.returncode == 1 and "was not written by basestation" in refused.stderr
    assert mine.read_text() == "my own notes\n"
    assert (
        run_cli(
            "export",
            "--db",
            str(term),
            "--session",
            "1",
            "--format",
            "csv",
            "-o",
            str(mine),
            "--force",
        ).returncode
        == 0
    )
    again = run_cli(
        "export", "--db", str(term), "--session", "1", "--format", "csv", "-o", str(mine)
    )  # written by basestation now: replaced without --force
    assert again.returncode == 0
    onto_db = run_cli("report", "--db", str(term), "--session", "1", "-o", str(term))
    assert onto_db.returncode == 1 and "is the database" in onto_db.stderr


def test_two_courses_in_one_database_keep_their_rosters_and_terms(tmp_path: Path) -> None:
    db = tmp_path / "two.db"
    play_class(db, course="PHYS 101")
    play_class(db, course="CHEM 1")
    ids = ClassroomModel(40, seed=12).handsets
    for course, prefix, handsets in (("PHYS 101", "p", ids[:10]), ("CHEM 1", "c", ids[10:25])):
        roster = tmp_path / f"{prefix}.csv"
        roster.write_text(
            "Student ID,Clicker ID\n"
            + "".join(f"{prefix}{i},{h}\n" for i, h in enumerate(handsets))
        )
        assert (
            run_cli("roster", "import", "--db", str(db), "--course", course, str(roster)).returncode
            == 0
        )
    listed = run_cli("sessions", "--db", str(db), "--course", "CHEM 1", "--json")
    assert [s["session"] for s in json.loads(listed.stdout)] == [2]
    attendance = run_cli("export", "--db", str(db), "--course", "CHEM 1", "--format", "attendance")
    rows = list(csv.reader(io.StringIO(attendance.stdout)))
    assert len(rows) > 1, (attendance.stdout, attendance.stderr)
    assert {row[0] for row in rows[1:]} == {f"c{i}" for i in range(15)}
    assert all(row[-1] in ("0", "1") for row in rows[1:])
    assert sum(row[-1] == "1" for row in rows[1:]) >= 10  # most of them voted


def test_a_term_total_alone_is_one_column_with_its_points_possible(term: Path) -> None:
    out = term.with_name("total.csv")
    args = ["export", "--db", str(term), "--course", "PHYS 101", "--format", "gradebook"]
    each = run_cli(*args, "--lms", "generic").stdout
    assert run_cli(*args, "--lms", "canvas", "--total", "Clickers", "-o", str(out)).returncode == 0
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[0][5:] == ["Clickers"] and rows[1][0].strip() == "Points Possible"
    totals = {row[2]: float(row[5]) for row in rows[2:]}
    by_session = {row[0]: float(row[-1]) for row in list(csv.reader(io.StringIO(each)))[1:]}
    assert totals == pytest.approx(by_session)
