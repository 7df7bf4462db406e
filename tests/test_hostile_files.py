"""Files from elsewhere, built to do harm, through the CLI as a colleague's file would
come: every one gives a result or one clear line (exit 1 or 2), never a traceback, a
hang, a file read outside its folder, or half of a bank. The corpus is
``tests/data/hostile/``; links, FIFOs and devices are made here at run time."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
from pathlib import Path

import pytest

from tests.conftest import cli_command, cli_env
from tests.helpers import run_cli

HOSTILE = Path(__file__).parent / "data" / "hostile"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
CHOICES = ["the truck's", "equal", "the fly's"]


def refused(result: subprocess.CompletedProcess[str], *expected: str) -> str:
    """The run failed with status 1 or 2 and its error is one line: that line."""
    assert result.returncode in (1, 2), result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, result.stderr
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    for words in expected:
        assert words in errors[0], errors[0]
    return errors[0]


def bank_file(folder: Path, text: str, images: list[str], uses: list[object] | None = None) -> Path:
    """A bank file as ``bank export`` writes it (its id made by a real export)."""
    from basestation.domain import PreparedQuestion, QuestionSpec

    question = PreparedQuestion(text, QuestionSpec(choices=3), "B", tuple(CHOICES))
    document = {
        "format": "basestation question bank 1",
        "id": question.bank_id,
        "text": text,
        "choice_count": 3,
        "choices": CHOICES,
        "key": "B",
        "tags": [],
        "source": None,
        "licence": None,
        "images": images,
        "uses": uses or [],
    }
    path = folder / f"{question.bank_id}.json"
    path.write_text(json.dumps(document))
    return path


def make_database(path: Path) -> None:
    from basestation.db import Store

    with Store(path):
        pass


def stored(db: Path, sql: str) -> list[tuple[object, ...]]:
    if not db.exists():
        return []
    with sqlite3.connect(db) as connection:
        try:
            return connection.execute(sql).fetchall()
        except sqlite3.OperationalError:
            return []


def test_an_image_linked_to_the_database_never_travels_in_a_bank(tmp_path: Path) -> None:
    db, bank = tmp_path / "student.db", tmp_path / "from-colleague"
    (bank / "images").mkdir(parents=True)
    make_database(db)
    (bank / "images" / "fig.png").symlink_to(db)
    (bank / "images" / "env.png").symlink_to("/proc/self/environ")
    (bank / "images" / "ok.png").write_bytes(PNG)
    (bank / "images" / "fake.png").write_text("<svg onload='alert(1)'/>")
    bank_file(
        bank,
        "Which force?",
        [
            "images/fig.png",
            "images/env.png",
            "images/ok.png",
            "images/fake.png",
            "/etc/passwd",
            "../../etc/passwd",
        ],
    )
    result = run_cli("bank", "import", "--db", str(db), str(bank))
    assert result.returncode == 0, result.stderr
    for name in ("fig.png", "env.png", "fake.png", "/etc/passwd", "../../etc/passwd"):
        assert name in result.stderr  # each refusal said by name
    assert stored(db, "SELECT path FROM bank_images") == [("images/ok.png",)]
    out = tmp_path / "to-share"
    assert run_cli("bank", "export", "--db", str(db), "--out", str(out)).returncode == 0
    shipped = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert shipped == sorted(["images/ok.png", *(p.name for p in out.glob("*.json"))])
    assert (out / "images" / "ok.png").read_bytes() == PNG


def test_fifos_and_devices_are_refused_without_waiting(tmp_path: Path) -> None:
    bank = tmp_path / "bank"
    (bank / "images").mkdir(parents=True)
    os.mkfifo(bank / "images" / "pipe.png")
    bank_file(bank, "A question", ["images/pipe.png"])
    result = run_cli("bank", "import", "--db", str(tmp_path / "x.db"), str(bank), timeout=30)
    assert result.returncode == 0 and "pipe.png" in result.stderr and "FIFO" in result.stderr
    fifo_bank = tmp_path / "fifo-bank"
    fifo_bank.mkdir()
    os.mkfifo(fifo_bank / "0000000000000000.json")
    refused(run_cli("bank", "show", str(fifo_bank), timeout=30), "FIFO")
    zero_bank = tmp_path / "zero-bank"
    zero_bank.mkdir()
    (zero_bank / "0000000000000000.json").symlink_to("/dev/zero")
    refused(run_cli("bank", "show", str(zero_bank), timeout=30), "link")
    quiz = tmp_path / "quiz.gift"
    os.mkfifo(quiz)
    refused(run_cli("bank", "import", "--db", str(tmp_path / "x.db"), str(quiz), timeout=30))
    refused(run_cli("roster", "import", "/dev/zero", "--db", str(tmp_path / "x.db"), timeout=30))


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("bank-list.json", "Expected `object`"),
        ("bank-deep.json", "Expected `object`"),
        ("bank-surrogate.json", "not JSON"),
        ("bank-use-wrong-types.json", "$.uses[0]"),
        ("bank-text-too-long.json", "$.text"),
    ],
)
def test_a_damaged_bank_is_one_line_naming_its_file_and_nothing_is_stored(
    tmp_path: Path, name: str, words: str
) -> None:
    bank = tmp_path / "bank"
    bank.mkdir()
    bank_file(bank, "A good question", [])  # sorted before or after: all or nothing
    (bank / name).write_bytes((HOSTILE / name).read_bytes())
    db = tmp_path / "x.db"
    line = refused(run_cli("bank", "import", "--db", str(db), str(bank)), name, words)
    assert str(bank / name) in line
    assert stored(db, "SELECT COUNT(*) FROM bank_questions") in ([], [(0,)])
    refused(run_cli("bank", "show", str(bank)), name)


def test_a_bank_import_killed_half_way_stores_nothing(tmp_path: Path) -> None:
    """All of a bank is one transaction: a SIGKILL at any moment leaves all or nothing."""
    bank = tmp_path / "bank"
    bank.mkdir()
    for i in range(300):
        bank_file(bank, f"Question {i}", [])
    db = tmp_path / "x.db"
    make_database(db)
    process = subprocess.Popen(
        cli_command("bank", "import", "--db", str(db), str(bank)),
        env=cli_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    while process.poll() is None and not Path(f"{db}-wal").exists():
        pass  # the store has opened the database: kill it while it works
    process.kill()
    process.wait()
    assert stored(db, "SELECT COUNT(*) FROM bank_questions")[0][0] in (0, 300)


def test_gift_files_as_moodle_reads_them(tmp_path: Path) -> None:
    out = run_cli(
        "bank", "import", "--db", str(tmp_path / "x.db"), str(HOSTILE / "gift-weights.gift")
    )
    assert out.returncode == 0, out.stderr
    kept = stored(
        tmp_path / "x.db", "SELECT text, choices, correct FROM bank_questions ORDER BY text"
    )
    assert kept == [
        ("Escaped {braces} and a colon: here", json.dumps(["True", "False"]), "A"),
        ("Odd weights", json.dumps(["%1.2.3%one", "two", "three", "four"]), "BC"),
    ]
    refused(
        run_cli(
            "bank", "import", "--db", str(tmp_path / "x.db"), str(HOSTILE / "gift-unclosed.gift")
        ),
        "gift-unclosed.gift:1",
    )


def test_a_60000_line_stem_is_read(tmp_path: Path) -> None:
    """Linear parsing: the quadratic reader took 36 s here; the test's own timeout
    (pytest-timeout) is the bound, and benchmarks/ says how long it takes."""
    quiz = tmp_path / "long.gift"
    quiz.write_text("::Long:: " + "word\\n" * 60_000 + "end {=a ~b}\n")
    stem = tmp_path / "stem.gift"
    stem.write_text("::Long:: " + "\n".join(["line of a long stem"] * 60_000) + " {=a ~b}\n")
    for path in (quiz, stem):
        result = run_cli(
            "run", "--questions", str(path), "--receiver", "sim://1", "--db", str(tmp_path / "x.db")
        )
        refused(result, "question 1", "characters")  # refused at start, never in class


def test_text2qti_with_26_choices_is_one_line(tmp_path: Path) -> None:
    refused(
        run_cli(
            "bank",
            "import",
            "--db",
            str(tmp_path / "x.db"),
            str(HOSTILE / "text2qti-27-choices.md"),
        ),
        "26 choices",
    )


def test_text2qti_images_outside_the_quiz_are_left_out(tmp_path: Path) -> None:
    quiz = tmp_path / "quiz" / "lecture.md"
    quiz.parent.mkdir()
    quiz.write_text((HOSTILE / "text2qti-images.md").read_text())
    (tmp_path / "outside.png").write_bytes(PNG)
    db = tmp_path / "x.db"
    result = run_cli("bank", "import", "--db", str(db), str(quiz))
    assert result.returncode == 0, result.stderr
    for written in ("/etc/passwd", "../../outside.png", "/dev/zero"):
        assert written in result.stderr
    assert stored(db, "SELECT COUNT(*) FROM bank_images") == [(0,)]


def test_the_vendors_sample_id_stops_a_roster_naming_its_line(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    result = run_cli("roster", "import", str(HOSTILE / "roster-sample-id.csv"), "--db", str(db))
    assert result.returncode == 1 and "line 3" in result.stderr and "sample ID" in result.stderr
    assert stored(db, "SELECT COUNT(*) FROM students") in ([], [(0,)])


def test_escapes_in_files_never_reach_the_terminal(tmp_path: Path) -> None:
    for args in (
        ["roster", "import", str(HOSTILE / "roster-escapes.csv"), "--db", str(tmp_path / "x.db")],
        ["bank", "import", "--db", str(tmp_path / "x.db"), str(HOSTILE / "gift-escapes.gift")],
        ["bank", "show", "--db", str(tmp_path / "x.db")],
    ):
        result = run_cli(*args)
        assert (
            "\x1b" not in result.stdout + result.stderr
            and "\x07" not in result.stdout + result.stderr
        )
        assert "Traceback" not in result.stderr


def test_a_classic_folder_skips_bad_files_and_imports_the_others(tmp_path: Path) -> None:
    folder = tmp_path / "SessionData"
    folder.mkdir()
    for name in ("L2613991299.xml", "L2610011000.xml"):
        (folder / name).write_bytes((HOSTILE / name).read_bytes())
    good = (
        '<ssn ssnn="Good"><p qn="Q1" idx="1" strt="10:00:00" stp="10:01:00" cans="A" '
        'qType="MC" isDel="N"><v id="#A24653B7" ans="A" fans="A" att="1" tm="3.0" '
        'fanst="3.0"/></p></ssn>'
    )
    (folder / "L2610021000.xml").write_text(good)
    (folder / "L2610031000.xml").symlink_to("/dev/zero")
    db = tmp_path / "x.db"
    result = run_cli("import-classic", "--db", str(db), str(folder), timeout=60)
    refused(result, "3 of 4 file(s) skipped")
    assert "impossible date" in result.stderr and "x-no-such-encoding" in result.stderr
    assert stored(db, "SELECT title FROM sessions") == [("Good",)]


def test_a_capture_convert_killed_mid_write_leaves_no_capture(tmp_path: Path) -> None:
    source = tmp_path / "big.jsonl"
    assert (
        run_cli(
            "simulate", "--capture", str(source), "--students", "3000", "--questions", "3"
        ).returncode
        == 0
    )
    target = tmp_path / "big.bcap"
    process = subprocess.Popen(
        cli_command("capture", "convert", str(source), str(target)), env=cli_env()
    )
    partial = tmp_path / ".big.partial.bcap"
    while process.poll() is None and not partial.exists():
        pass
    process.kill()
    process.wait()
    assert (
        not target.exists()
        or run_cli(
            "record",
            "--receiver",
            f"replay://{target}?speed=max",
            "--db",
            str(tmp_path / "r.db"),
            "--json",
        ).returncode
        == 0
    )


def test_files_come_out_private_or_shared_whatever_the_umask(tmp_path: Path) -> None:
    from tests.test_question_bank import teach, write_lecture

    db = tmp_path / "class.db"
    teach(db, write_lecture(tmp_path / "lecture"))
    old = os.umask(0)
    try:
        out = tmp_path / "bank"
        assert run_cli("bank", "export", "--db", str(db), "--out", str(out)).returncode == 0
        csv = tmp_path / "votes.csv"
        assert (
            run_cli(
                "export", "--db", str(db), "--session", "1", "--format", "csv", "-o", str(csv)
            ).returncode
            == 0
        )
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o755
    assert {stat.S_IMODE(p.stat().st_mode) for p in out.rglob("*") if p.is_file()} == {0o644}
    assert stat.S_IMODE(csv.stat().st_mode) == 0o600
