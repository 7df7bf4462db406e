"""Questions worth sharing: a text2qti file is taught with revotes, exported as a bank with
its history, imported by a colleague, and exported again byte for byte; GIFT in and out."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from basestation.assembly import live_session, open_station
from basestation.formats.question_file import read_questions
from drivers.registry import receiver_for_url
from simulators.classroom import ClassroomModel
from simulators.sim_receiver import SimReceiver
from tests.helpers import play_steps, query, rounds_of_question, run_cli

STUDENTS = 60
URL = f"sim://{STUDENTS}?seed=21&speed=400&questions=5&revote=1&end=0"
LECTURE = """Quiz title: Forces, lecture 5

% tags: forces, Newton 3
% source: after Mazur, Peer Instruction (1997)
% licence: CC BY 4.0
1.  A truck hits a fly. Which force is larger?
a)  the truck's on the fly
*b) they are equal
c)  the fly's on the truck

% tags: kinematics
2.  A ball is thrown straight up. At the top, its acceleration is
a)  zero
*b) g, downwards
c)  g, upwards
d)  more than g

3.  Which of these are vectors? ![a sketch](images/arrows.png)
[*] velocity
[ ] speed
[*] force
[ ] mass

% licence: CC0
4.  A book rests on a table. The table's force on the book is
a)  larger than its weight
*b) equal to its weight
c)  smaller than its weight
d)  zero
e)  it depends on the table

5.  Two stones fall from the same height; one is twice as heavy. Which lands first?
a)  the heavy one
b)  the light one
*c) both at once
"""


def write_lecture(folder: Path) -> Path:
    (folder / "images").mkdir(parents=True)
    (folder / "images" / "arrows.png").write_bytes(b"\x89PNG\r\n\x1a\n not a real picture")
    path = folder / "lecture5.md"
    path.write_text(LECTURE)
    return path


def teach(db: Path, questions_file: Path, roster: Path | None = None) -> None:
    """Each prepared question: vote 1, then the revote, through a live session."""
    if roster is not None:
        assert (
            run_cli(
                "roster", "import", "--db", str(db), "--course", "PHYS 101", str(roster)
            ).returncode
            == 0
        )
    receiver = receiver_for_url(URL)
    assert isinstance(receiver, SimReceiver)
    with open_station(receiver, db) as station:
        station.polls.start_session(course="PHYS 101")
        live = live_session(station, prepared=read_questions(questions_file))
        for number in range(5):
            play_steps(
                live,
                receiver,
                ([live.next_question] if number else [])
                + [live.start_poll, live.stop_poll, live.revote, live.stop_poll],
            )
        live.stop()


def tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def taught(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    folder = tmp_path_factory.mktemp("lecture")
    lecture = write_lecture(folder)
    roster = folder / "roster.csv"
    handsets = ClassroomModel(STUDENTS, seed=21).handsets
    roster.write_text(
        "Student ID,Name,Clicker ID\n"
        + "".join(f"u{1000 + i},Student Number{i},{h}\n" for i, h in enumerate(handsets))
    )
    db = folder / "class.db"
    teach(db, lecture, roster)
    return db, lecture, roster


def test_a_bank_travels_to_a_colleague_and_comes_back_byte_for_byte(
    taught: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    db, lecture, _ = taught
    first = tmp_path / "bank"
    done = run_cli(
        "bank",
        "export",
        "--db",
        str(db),
        "--out",
        str(first),
        "--origin",
        "Physics, Univ. A",
        "--course-label",
        "PHYS 101 fall",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"wrote 5 question(s) with 5 use(s) to {first}"
    colleague = tmp_path / "colleague.db"
    imported = run_cli("bank", "import", "--db", str(colleague), str(first))
    assert imported.returncode == 0, imported.stderr
    assert "imported 5 question(s), 5 new use(s)" in imported.stdout
    again = run_cli("bank", "import", "--db", str(colleague), str(first))
    assert "5 question(s), 0 new use(s)" in again.stdout  # each use once
    second = tmp_path / "bank-again"
    assert run_cli("bank", "export", "--db", str(colleague), "--out", str(second)).returncode == 0
    assert tree(second) == tree(first)
    assert (second / "images" / "arrows.png").read_bytes() == (
        lecture.parent / "images" / "arrows.png"
    ).read_bytes()
    # the colleague can teach from the bank's folder as it is (run --questions FOLDER)
    assert sorted(q.bank_id for q in read_questions(second)) == sorted(
        q.bank_id for q in read_questions(lecture)
    )


def test_the_history_is_what_happened_in_class(
    taught: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    db, _, _ = taught
    out = tmp_path / "bank"
    assert (
        run_cli("bank", "export", "--db", str(db), "--out", str(out), "--origin", "A").returncode
        == 0
    )
    keys = {1: "B", 2: "B", 3: "AC", 4: "B", 5: "C"}
    for number, key in keys.items():
        text = query(db, "SELECT text FROM questions WHERE number = ?", number)[0][0]
        (path,) = [p for p in out.glob("*.json") if json.loads(p.read_text())["text"] == text]
        document = json.loads(path.read_text())
        (use,) = document["uses"]
        latest = rounds_of_question(db, 1, number)
        for record, answers in zip((use["vote1"], use["revote"]), latest, strict=True):
            counts = Counter(answers.values())
            assert record["n"] == len(answers)
            assert {a: n for a, n in record["counts"].items() if n} == dict(counts)
            right = sum(1 for a in answers.values() if a in key) / len(answers)
            assert record["percent_correct"] == round(100 * right, 1)
        paired = latest[0].keys() & latest[1].keys()
        p1 = sum(1 for h in paired if latest[0][h] in key) / len(paired)
        p2 = sum(1 for h in paired if latest[1][h] in key) / len(paired)
        assert use["paired"] == len(paired)
        assert use["normalized_gain"] == (None if p1 == 1 else round((p2 - p1) / (1 - p1), 3))
        assert document["key"] == key and use["origin"] == "A" and use["course"] == "PHYS 101"


def test_an_exported_bank_holds_no_handset_student_or_name(
    taught: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    db, _, roster = taught
    out = tmp_path / "bank"
    assert run_cli("bank", "export", "--db", str(db), "--out", str(out)).returncode == 0
    text = "\n".join(p.read_text() for p in out.glob("*.json")).lower()
    handsets = {row[0] for row in query(db, "SELECT DISTINCT handset FROM votes")}
    assert len(handsets) > 40
    lines = roster.read_text().splitlines()[1:]
    secrets = (
        handsets
        | {part for line in lines for part in line.split(",")}
        | {line.split(",")[1].split()[1] for line in lines}
    )
    assert not [secret for secret in secrets if secret.lower() in text]


def test_gift_out_and_in_keeps_the_questions(
    taught: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    db, lecture, _ = taught
    gift = tmp_path / "forces.gift"
    assert (
        run_cli(
            "bank", "export", "--db", str(db), "--out", str(gift), "--format", "gift"
        ).returncode
        == 0
    )
    back = read_questions(gift)
    assert [q.text for q in back] == [q.text for q in read_questions(lecture)]  # lecture order
    written = read_questions(lecture)
    strip = [(q.text, q.choice_texts, q.correct, q.tags, q.source, q.licence) for q in written]
    assert sorted(strip) == sorted(
        (q.text, q.choice_texts, q.correct, q.tags, q.source, q.licence) for q in back
    )
    other = tmp_path / "moodle.db"
    assert run_cli("bank", "import", "--db", str(other), str(gift)).returncode == 0
    shown = json.loads(run_cli("bank", "show", "--db", str(other), "--json").stdout)
    assert sorted(q["id"] for q in shown) == sorted(q.bank_id for q in written)


def test_bank_show_tells_each_questions_record(
    taught: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    db, _, _ = taught
    out = tmp_path / "bank"
    assert run_cli("bank", "export", "--db", str(db), "--out", str(out)).returncode == 0
    listing = run_cli("bank", "show", str(out))
    assert listing.returncode == 0, listing.stderr
    assert listing.stdout.count("correct on vote 1 over 1 use(s)") == 5
    assert "[forces, Newton 3]" in listing.stdout


def test_a_broken_question_file_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.md"
    bad.write_text("1.  What is 2 + 2?\n*a) 4\n*a) 4\n")
    result = run_cli("bank", "import", "--db", str(tmp_path / "x.db"), str(bad))
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert result.stderr.startswith("Error: ") and "Traceback" not in result.stderr
    gift = tmp_path / "bad.gift"
    gift.write_text("::Q1:: How many? {#3}\n")
    result = run_cli("bank", "import", "--db", str(tmp_path / "x.db"), str(gift))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{gift}:1: a numerical question 'Q1': skipped (only multiple-choice "
        "and true/false questions can be polled)",
        f"Error: {gift}: no question in the file can be polled",
    ]


async def test_the_dashboard_steps_through_a_prepared_set_with_its_key_hidden(
    tmp_path: Path,
) -> None:
    from tests.pilot import dashboard, painted, round_done, until

    lecture = write_lecture(tmp_path / "lecture")
    db = tmp_path / "class.db"
    teach(db, lecture)  # last week: every question has a record now
    prepared = read_questions(lecture)
    async with dashboard(
        db, url=URL, hide_results=True, start_poll=True, prepared=prepared, size=(100, 40)
    ) as (app, pilot, receiver):
        await until(pilot, round_done(app, receiver))
        text = await painted(pilot)
        assert "A truck hits a fly" in text and "A  the truck's on the fly" in text
        assert "B  they are equal" in text and "RESULTS HIDDEN" in text
        assert "✓" not in text and "key B" not in text and "before:" not in text
        await pilot.press("h")
        text = await painted(pilot)
        assert "█" in text and "✓" not in text and "key hidden" in text
        assert "before: " in text and "correct on vote 1 over 1 use(s)" in text
        await pilot.press("k")
        text = await painted(pilot)
        assert "B✓" in text and "key B" in text
        await pilot.press("x")
        await until(pilot, lambda: not app.state.poll_open)
        await pilot.press("n")
        await until(pilot, lambda: app.state.poll_open and app.state.question == 2)
        text = await painted(pilot)
        assert "acceleration is" in text and "B  g, downwards" in text
        assert app.hide_results and "RESULTS HIDDEN" in text and "✓" not in text
    assert query(db, "SELECT correct FROM questions WHERE session_id = 2 ORDER BY number") == [
        ("B",),
        ("B",),
    ]


def test_record_polls_question_n_of_a_prepared_set(tmp_path: Path) -> None:
    lecture = write_lecture(tmp_path / "lecture")
    db = tmp_path / "r.db"
    result = run_cli(
        "record",
        "--receiver",
        "sim://20?seed=2&speed=200",
        "--db",
        str(db),
        "--questions",
        str(lecture),
        "--number",
        "4",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    assert query(db, "SELECT text, correct, choices, bank_id IS NOT NULL FROM questions") == [
        ("A book rests on a table. The table's force on the book is", "B", 5, 1)
    ]
    too_far = run_cli(
        "record",
        "--receiver",
        "sim://20",
        "--db",
        str(db),
        "--questions",
        str(lecture),
        "--number",
        "9",
    )
    assert too_far.returncode == 1
    assert too_far.stderr.strip().endswith(f"{lecture} has 5 question(s), not 9")
