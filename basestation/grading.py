"""Grades from a stored session: participation and performance points, per course rules.

A student's answer to a question is the latest vote, from any of their handsets,
in the last round they voted in (so a revote after discussion counts); the
first answer, the number of accepted votes and the response time are reported
too. Votes from handsets nobody registered are kept and listed by handset, so
they can be assigned and regraded later.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import sqlite_utils

from basestation.roster_store import session_owners
from basestation.store import StoreError


@dataclass(frozen=True)
class GradingRules:
    participation_percent: float = 75.0
    participation_points: float = 1.0
    answer_points: float = 0.0
    correct_points: float = 1.0


@dataclass
class QuestionResult:
    first_answer: str
    final_answer: str
    attempts: int
    time_s: float
    score: float


@dataclass
class StudentResult:
    student_id: str
    name: str
    email: str
    handsets: list[str]
    questions: dict[int, QuestionResult] = field(default_factory=dict)
    participation: float = 0.0
    performance: float = 0.0

    @property
    def total(self) -> float:
        return round(self.participation + self.performance, 3)


@dataclass
class SessionGrades:
    session: int
    course: str | None
    anonymous: bool
    questions: list[tuple[int, str | None]]
    rules: GradingRules
    students: list[StudentResult]


def rules_for(db: sqlite_utils.Database, course: str | None) -> GradingRules:
    rows = list(db.query("SELECT * FROM grading WHERE course = ?", [course or ""]))
    if not rows:
        return GradingRules()
    row = rows[0]
    return GradingRules(row["participation_percent"], row["participation_points"],
                        row["answer_points"], row["correct_points"])


def set_rules(db: sqlite_utils.Database, course: str | None, rules: GradingRules) -> None:
    with db.atomic():
        db.table("grading").upsert({"course": course or "", **asdict(rules)}, pk="course")


def grade_session(db: sqlite_utils.Database, session_id: int) -> SessionGrades:
    sessions = list(db.query("SELECT course, anonymous FROM sessions WHERE id = ?",
                             [session_id]))
    if not sessions:
        raise StoreError(f"there is no session {session_id}")
    course, anonymous = sessions[0]["course"], bool(sessions[0]["anonymous"])
    rules = rules_for(db, course)
    questions = [(row["number"], row["correct"]) for row in db.query(
        "SELECT number, correct FROM questions WHERE session_id = ? ORDER BY number",
        [session_id])]
    owners = session_owners(db, session_id)
    students = {row["id"]: StudentResult(row["student_id"], row["name"] or "",
                                         row["email"] or "", []) for row in db.query(
        "SELECT * FROM students ORDER BY student_id")}
    for handset, student in owners.items():
        if student in students:
            students[student].handsets.append(handset)
    unregistered: dict[str, StudentResult] = {}
    votes = db.query("""
        SELECT q.number, q.correct, p.round, p.opened_at, v.handset, v.answer, v.t_host
        FROM votes v JOIN polls p ON p.id = v.poll_id JOIN questions q ON q.id = p.question_id
        WHERE q.session_id = ? ORDER BY q.number, p.round, v.t_host, v.id""", [session_id])
    by_key: dict[tuple[int | str, int], list[dict[str, object]]] = {}
    for vote in votes:
        owner = owners.get(vote["handset"])
        if owner is None:
            unregistered.setdefault(vote["handset"], StudentResult("", "", "",
                                                                   [vote["handset"]]))
        by_key.setdefault((owner if owner is not None else vote["handset"],
                           vote["number"]), []).append(vote)
    for (who, number), answers in by_key.items():
        result = students[who] if isinstance(who, int) else unregistered[who]
        last_round = max(int(str(a["round"])) for a in answers)
        final = [a for a in answers if a["round"] == last_round][-1]
        first = answers[0]
        correct = first["correct"]
        score = rules.answer_points + (rules.correct_points if final["answer"] == correct else 0)
        result.questions[number] = QuestionResult(
            str(first["answer"]), str(final["answer"]), len(answers),
            round(float(str(first["t_host"])) - float(str(first["opened_at"])), 2), score)
    everyone = list(students.values()) + list(unregistered.values())
    for result in everyone:
        answered = len(result.questions)
        if questions and 100 * answered / len(questions) >= rules.participation_percent:
            result.participation = rules.participation_points
        result.performance = round(sum(q.score for q in result.questions.values()), 3)
    return SessionGrades(session_id, course, anonymous, questions, rules, everyone)
