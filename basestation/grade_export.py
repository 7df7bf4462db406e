"""Grade exports: one row per student with every question, and LMS gradebook files."""

from __future__ import annotations

import csv
from dataclasses import asdict
from typing import TextIO

from basestation.db import StoreError
from basestation.grading import SessionGrades

LMS_LAYOUTS = ("canvas", "moodle", "blackboard", "generic")


def _refuse_anonymous(grades: SessionGrades) -> None:
    if grades.anonymous:
        raise StoreError(f"session {grades.session} is anonymous: its votes are not linked "
                         "to students, so it has no per-student export")


def write_students_csv(grades: SessionGrades, stream: TextIO) -> int:
    """Per student: each question's first and final answer, attempts, time and score."""
    _refuse_anonymous(grades)
    header = ["student_id", "name", "email", "handsets"]
    for number, _ in grades.questions:
        header += [f"q{number}_first", f"q{number}_final", f"q{number}_attempts",
                   f"q{number}_time_s", f"q{number}_score"]
    header += ["answered", "participation", "performance", "total"]
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(header)
    for student in grades.students:
        row: list[object] = [student.student_id, student.name, student.email,
                             " ".join(student.handsets)]
        for number, _ in grades.questions:
            result = student.questions.get(number)
            row += ["", "", 0, "", 0] if result is None else [
                result.first_answer, result.final_answer, result.attempts, result.time_s,
                result.score]
        row += [len(student.questions), student.participation, student.performance,
                student.total]
        writer.writerow(row)
    return len(grades.students)


def write_gradebook_csv(grades: SessionGrades, stream: TextIO, lms: str, column: str) -> int:
    """Points per registered student, in the column layout the LMS's grade import reads:
    Canvas matches ``SIS User ID``, Moodle ``Email address``, Blackboard ``Username``."""
    _refuse_anonymous(grades)
    students = [s for s in grades.students if s.student_id]
    writer = csv.writer(stream, lineterminator="\n")
    if lms == "canvas":
        writer.writerow(["Student", "SIS User ID", column])
        rows = [[s.name, s.student_id, s.total] for s in students]
    elif lms == "moodle":
        writer.writerow(["Email address", "ID number", column])
        rows = [[s.email, s.student_id, s.total] for s in students]
    elif lms == "blackboard":
        writer.writerow(["Username", column])
        rows = [[s.student_id, s.total] for s in students]
    else:
        writer.writerow(["student_id", "email", "points"])
        rows = [[s.student_id, s.email, s.total] for s in students]
    writer.writerows(rows)
    return len(rows)


def grades_json(grades: SessionGrades) -> list[dict[str, object]]:
    """Every student's results, for the JSON export (empty for anonymous sessions)."""
    if grades.anonymous:
        return []
    return [{"student_id": s.student_id or None, "name": s.name, "email": s.email,
             "handsets": s.handsets, "answered": len(s.questions),
             "participation": s.participation, "performance": s.performance, "total": s.total,
             "questions": {str(n): asdict(q) for n, q in sorted(s.questions.items())}}
            for s in grades.students]
