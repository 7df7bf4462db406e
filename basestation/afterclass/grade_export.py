"""Grade exports: one row per student with every question, and LMS gradebook files."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import asdict
from typing import TextIO

from basestation.afterclass.grading import SessionGrades
from basestation.db import StoreError
from basestation.outfiles import SafeCsvWriter


def _refuse_anonymous(grades: SessionGrades) -> None:
    if grades.anonymous:
        raise StoreError(
            f"session {grades.session} is anonymous: its votes are not linked "
            "to students, so it has no per-student export"
        )


def write_students_csv(grades: SessionGrades, stream: TextIO) -> int:
    """Per student: each question's first and final answer, attempts, time and score."""
    _refuse_anonymous(grades)
    header = ["student_id", "name", "email", "handsets"]
    for number, _ in grades.questions:
        header += [
            f"q{number}_first",
            f"q{number}_final",
            f"q{number}_attempts",
            f"q{number}_time_s",
            f"q{number}_score",
        ]
    header += ["answered", "participation", "performance", "total"]
    writer = SafeCsvWriter(stream)
    writer.writerow(header)
    for student in grades.students:
        row: list[object] = [
            student.student_id,
            student.name,
            student.email,
            " ".join(student.handsets),
        ]
        for number, _ in grades.questions:
            result = student.questions.get(number)
            row += (
                ["", "", 0, "", 0]
                if result is None
                else [
                    result.first_answer,
                    result.final_answer,
                    result.attempts,
                    result.time_s,
                    result.score,
                ]
            )
        row += [len(student.questions), student.participation, student.performance, student.total]
        writer.writerow(row)
    return len(grades.students)


CANVAS_STUDENT_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
"""The student columns of Canvas's own gradebook export, which its importer requires."""

LAYOUTS: dict[str, tuple[list[str], Callable[[str, str, str], list[object]]]] = {
    # lms: (student columns, their cells from student id, name, email)
    "canvas": (CANVAS_STUDENT_COLUMNS, lambda sid, name, email: [name, "", sid, "", ""]),
    "moodle": (["ID number", "Email address", "Name"], lambda sid, name, email: [sid, email, name]),
    "blackboard": (["Username", "Name"], lambda sid, name, email: [sid, name]),
    "generic": (["student_id", "name", "email"], lambda sid, name, email: [sid, name, email]),
}


def write_gradebook_csv(
    sessions: list[SessionGrades],
    stream: TextIO,
    lms: str,
    columns: list[str],
    total_only: str | None = None,
) -> int:
    """Points per registered student, one column per session, in the layout the LMS's
    grade import reads (or, with ``total_only``, one column of that name: the sum):

    - Canvas: ``Student, ID, SIS User ID, SIS Login ID, Section``, the columns, and the
      ``Points Possible`` row of Canvas's own export; no column Canvas would take for a
      new assignment (no total beside the sessions); the Canvas user ID is left empty,
      so Canvas matches the SIS User ID;
    - Blackboard: a ``Username`` column, every field quoted;
    - Moodle: ``ID number`` and ``Email address`` to map one of, UTF-8.

    Other layouts add a ``Total`` column when there are several sessions.
    """
    for grades in sessions:
        _refuse_anonymous(grades)
    names, points = _term_table(sessions)
    possible = [_points_possible(grades) for grades in sessions]
    if total_only is not None:
        columns, possible = [total_only], [round(sum(possible), 3)]
        points = {sid: [round(sum(row), 3)] for sid, row in points.items()}
    with_total = total_only is None and len(sessions) > 1 and lms != "canvas"
    student_columns, student_cells = LAYOUTS[lms]
    writer = (
        SafeCsvWriter(stream, quoting=csv.QUOTE_ALL)
        if lms == "blackboard"
        else SafeCsvWriter(stream)
    )
    writer.writerow([*student_columns, *columns, *(["Total"] if with_total else [])])
    if lms == "canvas":
        writer.writerow(["    Points Possible", "", "", "", "", *possible])
    for student_id, (name, email) in sorted(names.items()):
        row = points[student_id] + ([round(sum(points[student_id]), 3)] if with_total else [])
        writer.writerow([*student_cells(student_id, name, email), *row])
    return len(names)


def _points_possible(grades: SessionGrades) -> float:
    """The most a student can earn in the session under its course's rules."""
    rules = grades.rules
    per_question = [
        rules.answer_points + (rules.correct_points if correct else 0.0)
        for _, correct in grades.questions
    ]
    return round(rules.participation_points + sum(per_question), 3)


def _term_table(
    sessions: list[SessionGrades],
) -> tuple[dict[str, tuple[str, str]], dict[str, list[float]]]:
    names: dict[str, tuple[str, str]] = {}
    points: dict[str, list[float]] = {}
    for index, grades in enumerate(sessions):
        for student in grades.students:
            if not student.student_id:
                continue  # an unregistered handset has no gradebook row
            names[student.student_id] = (student.name, student.email)
            row = points.setdefault(student.student_id, [0.0] * len(sessions))
            row[index] = student.total
    return names, points


def write_attendance_csv(sessions: list[SessionGrades], stream: TextIO, columns: list[str]) -> int:
    """Which registered students answered in which session (questions answered)."""
    writer = SafeCsvWriter(stream)
    writer.writerow(["student_id", "name", *columns, "sessions attended"])
    answered: dict[str, list[int]] = {}
    names: dict[str, str] = {}
    for index, grades in enumerate(sessions):
        for student in grades.students:
            if student.student_id:
                names[student.student_id] = student.name
                row = answered.setdefault(student.student_id, [0] * len(sessions))
                row[index] = len(student.questions)
    for student_id in sorted(names):
        row = answered[student_id]
        writer.writerow([student_id, names[student_id], *row, sum(1 for n in row if n)])
    return len(names)


def grades_json(grades: SessionGrades) -> list[dict[str, object]]:
    """Every student's results, for the JSON export (empty for anonymous sessions)."""
    if grades.anonymous:
        return []
    return [
        {
            "student_id": s.student_id or None,
            "name": s.name,
            "email": s.email,
            "handsets": s.handsets,
            "answered": len(s.questions),
            "participation": s.participation,
            "performance": s.performance,
            "total": s.total,
            "questions": {str(n): asdict(q) for n, q in sorted(s.questions.items())},
        }
        for s in grades.students
    ]
