"""``grade_session`` on a small class whose grades are worked out by hand: a revote
decides, a student who missed a question loses the participation point, a student with
no handset gets nothing, an unregistered handset is listed by its ID, course rules apply."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from basestation.afterclass.grading import GradingRules, grade_session
from basestation.db import Reader, Store
from basestation.db import roster as roster_sql
from basestation.formats.roster import RosterEntry
from basestation.formats.roster_store import import_roster
from basestation.live.polls import PollController
from basestation.live.votes import VoteBuffer
from simulators.classroom import ClassroomModel
from tests.helpers import offer_and_store

H0, H1, H2 = ClassroomModel(3, seed=3).handsets  # valid iClicker IDs


def voter(polls: PollController) -> Callable[[str, str, float], None]:
    """Offers a handset's answer to the open poll, ``after_s`` seconds after it opened."""

    def vote(handset: str, answer: str, after_s: float) -> None:
        assert polls.poll is not None
        offer_and_store(polls, handset, answer, polls.poll.opened_at + after_s)

    return vote


def record_class(db: Path, rules: dict[str, float] | None = None) -> int:
    with Store(db) as store:
        import_roster(
            store,
            [
                RosterEntry(2, "s1", "Ada", "ada@u.edu", [H0]),
                RosterEntry(3, "s2", "Ben", "ben@u.edu", [H1]),
                RosterEntry(4, "s3", "Cy", "cy@u.edu", []),
            ],
            course="C",
        )
        if rules is not None:
            store.call(roster_sql.set_grading_rules, "C", rules)
        polls = PollController(store, VoteBuffer(keep_votes=True))
        session = polls.start_session(course="C")
        vote = voter(polls)

        polls.add_question("Q1", correct="B")
        polls.open_poll()
        vote(H0, "A", 4.0)
        vote(H1, "B", 6.0)
        vote(H2, "B", 7.0)
        polls.close_poll()
        polls.revote()
        vote(H0, "B", 3.0)  # Ada changes her mind after discussion; Ben does not revote
        polls.close_poll()
        polls.add_question("Q2", correct="C")
        polls.open_poll()
        vote(H0, "C", 5.0)
        polls.finish()
        store.flush()
        return session


def test_grades_worked_out_by_hand(tmp_path: Path) -> None:
    db = tmp_path / "class.db"
    session = record_class(db)
    with Reader(db) as reader:
        grades = grade_session(reader, session)
    assert grades.questions == [(1, "B"), (2, "C")]
    assert grades.rules == GradingRules()
    by_id = {s.student_id or s.handsets[0]: s for s in grades.students}
    assert set(by_id) == {"s1", "s2", "s3", H2}

    ada = by_id["s1"]
    assert ada.handsets == [H0]
    assert (ada.questions[1].first_answer, ada.questions[1].final_answer) == ("A", "B")
    assert ada.questions[1].attempts == 2 and ada.questions[1].time_s == 4.0
    assert ada.questions[2].final_answer == "C"
    assert (ada.participation, ada.performance, ada.total) == (1.0, 2.0, 3.0)

    ben = by_id["s2"]  # answered 1 of 2 (50 % < 75 %): no participation point
    assert ben.questions[1].final_answer == "B" and 2 not in ben.questions
    assert (ben.participation, ben.performance, ben.total) == (0.0, 1.0, 1.0)

    cy = by_id["s3"]
    assert (cy.questions, cy.total) == ({}, 0.0)

    stranger = by_id[H2]
    assert stranger.student_id == "" and stranger.questions[1].final_answer == "B"


def test_a_courses_own_rules_are_applied(tmp_path: Path) -> None:
    db = tmp_path / "class.db"
    rules = {
        "participation_percent": 50.0,
        "participation_points": 2.0,
        "answer_points": 0.5,
        "correct_points": 3.0,
    }
    session = record_class(db, rules)
    with Reader(db) as reader:
        grades = grade_session(reader, session)
    assert grades.rules == GradingRules(**rules)
    by_id = {s.student_id: s for s in grades.students if s.student_id}
    assert by_id["s1"].total == 2.0 + 2 * (0.5 + 3.0)
    assert by_id["s2"].total == 2.0 + (0.5 + 3.0)  # 50 % now earns participation
    assert by_id["s3"].total == 0.0


def test_a_student_with_two_handsets_is_one_student_and_strays_come_in_question_order(
    tmp_path: Path,
) -> None:
    """Dee votes from both her handsets: her first vote is vote 1's earliest from either,
    her answer the revote's, her presses the sum. Strays are listed in the order of the
    question they first voted in, whatever the clock says."""
    k0, k1, k2, k3 = ClassroomModel(4, seed=5).handsets
    db = tmp_path / "class.db"
    with Store(db) as store:
        import_roster(store, [RosterEntry(2, "d1", "Dee", "", [k0, k1])], course="C")
        polls = PollController(store, VoteBuffer(keep_votes=True))
        session = polls.start_session(course="C")
        vote = voter(polls)

        polls.add_question("Q1", correct="C")
        polls.open_poll()
        vote(k1, "A", 2.0)
        vote(k0, "B", 3.0)
        vote(k3, "D", 9.0)
        polls.close_poll()
        polls.revote()
        vote(k0, "C", 1.0)
        polls.close_poll()
        polls.add_question("Q2", correct="A")
        polls.open_poll()
        vote(k2, "A", 1.0)
        vote(k1, "E", 4.0)
        polls.finish()
        store.flush()
    with Reader(db) as reader:
        grades = grade_session(reader, session)
    dee, *strays = grades.students
    assert dee.student_id == "d1" and {k0, k1} <= set(dee.handsets)
    q1, q2 = dee.questions[1], dee.questions[2]
    assert (q1.first_answer, q1.time_s, q1.final_answer, q1.attempts) == ("A", 2.0, "C", 3)
    assert (q2.first_answer, q2.final_answer, q2.attempts, q2.score) == ("E", "E", 1, 0.0)
    assert (dee.participation, dee.performance) == (1.0, 1.0)
    assert [s.handsets for s in strays] == [[k3], [k2]]
    assert strays[0].questions[1].final_answer == "D" and 2 not in strays[0].questions
    assert strays[1].questions[2].score == 1.0
