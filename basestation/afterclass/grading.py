"""Grades from a stored session: participation and performance points, per course rules.

A student's answer to a question is the latest vote, from any of their handsets,
in the last round they voted in (so a revote after discussion counts); the
first answer, the number of accepted votes and the response time are reported
too. Votes from handsets nobody registered are kept and listed by handset, so
they can be assigned and regraded later.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from basestation.db import Reader
from basestation.domain import correct_answers


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


def rules_for(reader: Reader, course: str | None) -> GradingRules:
    stored = reader.grading_rules(course)
    return GradingRules(**stored) if stored else GradingRules()


def grade_session(reader: Reader, session_id: int) -> SessionGrades:
    session = reader.session(session_id)
    course, anonymous = session["course"], bool(session["anonymous"])
    rules = rules_for(reader, course)
    questions = [(row["number"], row["correct"]) for row in reader.questions(session_id)]
    owners = reader.session_owners(session_id)
    students = {
        row["id"]: StudentResult(row["student_id"], row["name"] or "", row["email"] or "", [])
        for row in reader.students(course)
    }
    for handset, student in owners.items():
        if student in students:
            students[student].handsets.append(handset)
    unregistered: dict[str, StudentResult] = {}
    pressed = reader.imported_attempts(session_id)
    # one pass over the votes, in order: per (student or stray handset, question) the
    # first vote, the latest of the last round, how many, and from which handsets
    by_key: dict[tuple[int | str, int], list[Any]] = {}
    for number, correct, round_, opened_at, handset, answer, t_host in reader.graded_votes(
        session_id
    ):
        owner = owners.get(handset)
        who: int | str = handset
        if owner is not None and owner in students:
            who = owner
        elif handset not in unregistered:  # nobody's, or a student of another course
            unregistered[handset] = StudentResult("", "", "", [handset])
        entry = by_key.get((who, number))
        if entry is None:  # first, its time, final, final round, count, handsets, key
            first = [answer, t_host - opened_at, answer, round_, 1, {handset}, correct]
            by_key[(who, number)] = first
        else:
            if round_ >= entry[3]:
                entry[2], entry[3] = answer, round_
            entry[4] += 1
            entry[5].add(handset)
    keys_of: dict[str | None, set[str]] = {}
    for (who, number), (first, time_s, final, _, count, handsets, correct) in by_key.items():
        result = students[who] if isinstance(who, int) else unregistered[who]
        keys = keys_of.get(correct)
        if keys is None:
            keys = keys_of[correct] = set(correct_answers(correct or ""))
        score = rules.answer_points + (rules.correct_points if final in keys else 0)
        imported = [pressed[(number, h)] for h in handsets if (number, h) in pressed]
        result.questions[number] = QuestionResult(
            first, final, sum(imported) if imported else count, round(time_s, 2), score
        )
    everyone = list(students.values()) + list(unregistered.values())
    for result in everyone:
        answered = len(result.questions)
        if questions and 100 * answered / len(questions) >= rules.participation_percent:
            result.participation = rules.participation_points
        result.performance = round(sum(q.score for q in result.questions.values()), 3)
    return SessionGrades(session_id, course, anonymous, questions, rules, everyone)
