"""Grades from a stored session: participation and performance points, per course rules.

A student's answer to a question is the latest vote, from any of their handsets,
in the last round they voted in (so a revote after discussion counts); the
first answer, the number of accepted votes and the response time are reported
too. Votes from handsets nobody registered are kept and listed by handset, so
they can be assigned and regraded later.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from basestation.db import Reader
from basestation.db.reader import VoteColumns
from basestation.domain import correct_answers


@dataclass(frozen=True)
class GradingRules:
    participation_percent: float = 75.0
    participation_points: float = 1.0
    answer_points: float = 0.0
    correct_points: float = 1.0


@dataclass(slots=True)
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


def rules_for(reader: Reader, course: str | None) -> GradingRules:
    stored = reader.grading_rules(course)
    return GradingRules(**stored) if stored else GradingRules()


def grade_session(reader: Reader, session_id: int) -> SessionGrades:
    session = reader.session(session_id)
    course, anonymous = session["course"], bool(session["anonymous"])
    rules = rules_for(reader, course)
    asked = reader.questions(session_id)
    questions = [(row["number"], row["correct"]) for row in asked]
    owners = reader.session_owners(session_id)
    students = {
        row["id"]: StudentResult(row["student_id"], row["name"] or "", row["email"] or "", [])
        for row in reader.students(course)
    }
    for handset, student in owners.items():
        if student in students:
            students[student].handsets.append(handset)
    # who a vote is from: the student who owns the handset, else the handset itself
    # (nobody's, or a student of another course: listed by handset)
    who_of: dict[str, int | str] = {h: s for h, s in owners.items() if s in students}
    results: dict[int | str, StudentResult] = dict(students)
    unregistered: list[StudentResult] = []
    pressed = reader.imported_attempts(session_id)
    right, wrong = rules.answer_points + rules.correct_points, rules.answer_points
    for question in asked:
        number, keys = question["number"], set(correct_answers(question["correct"] or ""))
        handsets, answers, times = _question_votes(reader, question["id"])
        # per student (or stray handset), in the order of their first vote: the first
        # vote and its time, the latest of the last round, and how many
        whos = tuple(map(who_of.get, handsets, handsets))
        final = dict(zip(whos, answers, strict=True))
        earliest = zip(reversed(answers), reversed(times), strict=True)
        first = dict(zip(reversed(whos), earliest, strict=True))
        attempts: dict[int | str, int] = Counter(whos)
        if pressed:
            attempts = attempts | _imported_presses(number, whos, handsets, pressed)
        for who, final_answer in final.items():
            result = results.get(who)
            if result is None:
                result = results[who] = StudentResult("", "", "", [str(who)])
                unregistered.append(result)
            first_answer, time_s = first[who]
            result.questions[number] = QuestionResult(
                first_answer,
                final_answer,
                attempts[who],
                round(time_s, 2),
                right if final_answer in keys else wrong,
            )
    everyone = list(students.values()) + unregistered
    for result in everyone:
        answered = len(result.questions)
        if questions and 100 * answered / len(questions) >= rules.participation_percent:
            result.participation = rules.participation_points
        result.performance = round(sum(q.score for q in result.questions.values()), 3)
    return SessionGrades(session_id, course, anonymous, questions, rules, everyone)


def _question_votes(reader: Reader, question_id: int) -> VoteColumns:
    """Every vote of a question, round after round, in the order each was accepted; times
    are seconds since its round opened."""
    handsets: tuple[str, ...] = ()
    answers: tuple[str, ...] = ()
    times: tuple[float, ...] = ()
    for poll in reader.question_polls(question_id):
        more = reader.poll_columns(poll["id"], since=poll["opened_at"])
        handsets, answers, times = handsets + more[0], answers + more[1], times + more[2]
    return handsets, answers, times


def _imported_presses(
    number: int,
    whos: tuple[int | str, ...],
    handsets: tuple[str, ...],
    pressed: dict[tuple[int, str], int],
) -> dict[int | str, int]:
    """Who -> presses, where an imported vendor file counted them (it saw every press,
    the store only the accepted votes): summed over the handsets they voted from."""
    used: dict[int | str, list[str]] = {}
    for who, handset in dict.fromkeys(zip(whos, handsets, strict=True)):
        used.setdefault(who, []).append(handset)
    instead = {}
    for who, theirs in used.items():
        imported = [pressed[(number, h)] for h in theirs if (number, h) in pressed]
        if imported:
            instead[who] = sum(imported)
    return instead
