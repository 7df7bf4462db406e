"""What ``basestation export`` writes, as text: the sessions chosen by id or by course,
in the format asked for."""

from __future__ import annotations

import io
import json

from basestation.afterclass.collector import collector_paused
from basestation.afterclass.export import session_export, write_votes_csv
from basestation.afterclass.grade_export import (
    grades_json,
    write_attendance_csv,
    write_gradebook_csv,
    write_students_csv,
)
from basestation.afterclass.grading import grade_session
from basestation.db import Reader, StoreError
from basestation.timefmt import local_date

TERM_FORMATS = ("gradebook", "attendance")


def chosen_sessions(reader: Reader, session_ids: list[int], course: str | None) -> list[int]:
    if course is not None:
        found = [row["session"] for row in reader.course_sessions(course)]
        if not found:
            raise StoreError(f"no session of course {course!r}")
        return sorted(set(found) | set(session_ids))
    if not session_ids:
        raise ValueError("say which: --session ID (repeat for several) or --course NAME")
    return session_ids


def run_export(
    reader: Reader,
    session_ids: list[int],
    course: str | None,
    output_format: str,
    lms: str,
    column: str | None,
    total_only: str | None = None,
) -> str:
    sessions = chosen_sessions(reader, session_ids, course)
    stream = io.StringIO()
    if output_format in TERM_FORMATS:
        with collector_paused():
            grades = [grade_session(reader, session) for session in sessions]
        columns = (
            [column]
            if column and len(sessions) == 1
            else [
                f"clicker {local_date(reader.session(s)['started_at'])} (session {s})"
                if len(sessions) > 1
                else f"clicker session {s}"
                for s in sessions
            ]
        )
        if output_format == "gradebook":
            write_gradebook_csv(grades, stream, lms, columns, total_only)
        else:
            write_attendance_csv(grades, stream, columns)
        return stream.getvalue()
    if len(sessions) != 1:
        raise ValueError(f"--format {output_format} exports one session: give one --session")
    (session,) = sessions
    if output_format == "students":
        write_students_csv(grade_session(reader, session), stream)
        return stream.getvalue()
    data = session_export(reader, session)
    if output_format == "json":
        data["students"] = grades_json(grade_session(reader, session))
        return json.dumps(data, indent=1) + "\n"
    write_votes_csv(data, stream)
    return stream.getvalue()
