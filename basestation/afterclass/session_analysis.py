"""Analysis of a stored session: reads the polls and votes, hands them to analysis.py."""

from __future__ import annotations

from typing import Any

from basestation.db import Reader
from basestation.domain import choices_of
from basestation.peer_instruction import (
    DEFAULT_BAND,
    DiscussionBand,
    PollRound,
    expected_voters,
    question_report,
)


def load_rounds(reader: Reader, question_id: int) -> list[PollRound]:
    return [
        PollRound(row["id"], row["round"], row["opened_at"], row["latest"], row["first"])
        for row in reader.question_rounds(question_id)
    ]


def analyze_session(
    reader: Reader, session_id: int, band: DiscussionBand = DEFAULT_BAND
) -> dict[str, Any]:
    """Every question of the session with its figures (the `analyze --json` object)."""
    reader.session(session_id)  # StoreError if there is no such session
    seen = reader.handsets_seen(session_id)
    roster = reader.roster_size(session_id)
    expected = expected_voters(roster, seen)
    questions = []
    for question in reader.questions(session_id):
        answers = choices_of(question["choices"])
        report = question_report(
            question["number"],
            question["correct"],
            load_rounds(reader, question["id"]),
            expected,
            answers,
            band,
        )
        report["text"] = question["text"]
        questions.append(report)
    return {
        "session": session_id,
        "handsets_seen": seen,
        "roster_size": roster,
        "expected_voters": expected,
        "band": str(band),
        "questions": questions,
    }
