"""``basestation term``: the term's picture of a course, against figures computed here
from the database's own rows."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

from simulators.classroom import ClassroomModel
from tests.helpers import CLASS_URL, play_class, query, rounds_of_question, run_cli

COURSE = "PHYS 101"


def test_term_figures_equal_an_independent_count(tmp_path: Path) -> None:
    db = tmp_path / "term.db"
    handsets = ClassroomModel(40, seed=12).handsets
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "Student ID,Name,Clicker ID\n"
        + "".join(f"s{i},Name {i},{h}\n" for i, h in enumerate(handsets))
        + "s99,Never There,\n"
    )
    assert (
        run_cli("roster", "import", "--db", str(db), "--course", COURSE, str(roster)).returncode
        == 0
    )
    play_class(db, course=COURSE)
    play_class(db, course=COURSE, url=CLASS_URL.replace("sim://40", "sim://30"))
    play_class(db, course=COURSE, anonymous=True)
    play_class(db, course="CHEM 1")
    for session in (1, 2):
        assert (
            run_cli(
                "key", "--db", str(db), "--session", str(session), "--question", "1", "C"
            ).returncode
            == 0
        )
    result = run_cli(
        "term", "--db", str(db), "--course", COURSE, "--absent-sessions", "2", "--json"
    )
    assert result.returncode == 0, result.stderr
    picture = json.loads(result.stdout)

    roster_size = 41
    sessions = [
        row[0] for row in query(db, "SELECT id FROM sessions WHERE course = ? ORDER BY id", COURSE)
    ]
    assert [s["session"] for s in picture["sessions"]] == sessions == [1, 2, 3]
    for summary in picture["sessions"]:
        voters = query(
            db,
            "SELECT COUNT(DISTINCT v.handset) FROM votes v JOIN polls p ON "
            "p.id = v.poll_id JOIN questions q ON q.id = p.question_id WHERE "
            "q.session_id = ?",
            summary["session"],
        )[0][0]
        assert summary["voters"] == voters
        if summary["anonymous"]:  # nobody named: the rate cannot be told
            assert summary["response_rate"] is None
        else:  # every handset of these classes is on the roster of 41
            assert summary["response_rate"] == round(voters / roster_size, 3)
            assert summary["unregistered"] == 0
        for question in summary["questions"]:
            first = query(
                db,
                "SELECT COUNT(DISTINCT v.handset) FROM votes v JOIN polls p ON "
                "p.id = v.poll_id JOIN questions q ON q.id = p.question_id WHERE "
                "q.session_id = ? AND q.number = ? AND p.round = 1",
                summary["session"],
                question["question"],
            )[0][0]
            assert question["voters"] == first
        waits = sorted(
            t - opened
            for t, opened in query(
                db,
                "SELECT MIN(v.t_host), p.opened_at FROM votes v JOIN polls p ON p.id = "
                "v.poll_id JOIN questions q ON q.id = p.question_id WHERE q.session_id = ? AND "
                "p.round = 1 GROUP BY p.id, v.handset",
                summary["session"],
            )
        )
        assert summary["response_times"]["median_s"] == round(statistics.median_high(waits), 2)
    named = query(
        db,
        "SELECT DISTINCT h.student FROM votes v JOIN polls p ON p.id = v.poll_id "
        "JOIN questions q ON q.id = p.question_id JOIN sessions s ON s.id = "
        "q.session_id JOIN handsets h ON h.handset = v.handset WHERE s.course = ? "
        "AND NOT s.anonymous",
        COURSE,
    )
    assert picture["roster_share"] == round(len(named) / roster_size, 3)
    in_window = {
        row[0]
        for row in query(
            db,
            "SELECT DISTINCT st.student_id FROM votes v JOIN polls p ON p.id = v.poll_id "
            "JOIN questions q ON q.id = p.question_id JOIN handsets h ON h.handset = v.handset "
            "JOIN students st ON st.id = h.student WHERE q.session_id = 2",
        )
    }
    expected_absent = sorted({f"s{i}" for i in range(40)} - in_window | {"s99"})
    assert sorted(a["student_id"] for a in picture["absent"]) == expected_absent
    assert len(expected_absent) >= 11  # session 2 heard only 30 of the 40 handsets
    gains = {(g["session"], g["question"]): g for g in picture["gains"]}
    assert set(gains) == {(s, q) for s in sessions for q in (1, 2)}
    for session in (1, 2):
        latest = rounds_of_question(db, session, 1)
        paired = latest[0].keys() & latest[1].keys()
        p1 = sum(1 for h in paired if latest[0][h] == "C") / len(paired)
        p2 = sum(1 for h in paired if latest[1][h] == "C") / len(paired)
        assert gains[(session, 1)]["gain"] == round((p2 - p1) / (1 - p1), 3)
        assert gains[(session, 1)]["paired"] == len(paired)
    assert gains[(3, 1)]["gain"] is None  # no key


def test_term_text_and_private_page(tmp_path: Path) -> None:
    db = tmp_path / "term.db"
    play_class(db, course=COURSE)
    page = tmp_path / "term.html"
    result = run_cli("term", "--db", str(db), "--course", COURSE, "--html", str(page))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Term of {COURSE}: 1 session(s), no roster")
    assert "rates are of the handsets heard this term" in result.stdout
    assert page.stat().st_mode & 0o777 == 0o600
    html = page.read_text()
    assert html.count("<svg") >= 1 and "response rate per session" in html
    report = tmp_path / "report-term.html"
    done = run_cli("report", "--db", str(db), "--course", COURSE, "-o", str(report))
    assert done.returncode == 0, done.stderr
    assert report.read_text() == html  # the same page, as a page of the report
    missing = run_cli("term", "--db", str(db), "--course", "NOPE")
    assert missing.returncode == 1 and "no session of the course 'NOPE'" in missing.stderr


def test_rates_on_a_roster_smaller_than_the_class_never_pass_100_percent(tmp_path: Path) -> None:
    db = tmp_path / "term.db"
    handsets = ClassroomModel(40, seed=12).handsets
    registered = handsets[:20]
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "Student ID,Name,Clicker ID\n"
        + "".join(f"s{i},N {i},{h}\n" for i, h in enumerate(registered))
    )
    run_cli("roster", "import", "--db", str(db), "--course", COURSE, str(roster))
    play_class(db, course=COURSE)
    picture = json.loads(run_cli("term", "--db", str(db), "--course", COURSE, "--json").stdout)
    (summary,) = picture["sessions"]
    voted = {
        h
        for (h,) in query(
            db,
            "SELECT DISTINCT v.handset FROM votes v JOIN polls p ON p.id = v.poll_id "
            "JOIN questions q ON q.id = p.question_id WHERE q.session_id = 1",
        )
    }
    assert summary["voters"] == len(voted) > len(registered)  # more voters than the roster
    assert summary["response_rate"] == round(len(voted & set(registered)) / 20, 3) <= 1
    assert summary["unregistered"] == len(voted - set(registered))
    page = tmp_path / "term.html"
    args = ["term", "--db", str(db), "--course", COURSE, "--html", str(page)]
    assert run_cli(*args).returncode == 0
    text = page.read_text()
    assert summary["label"] in text and f"{summary['response_rate']:.0%}" in text
