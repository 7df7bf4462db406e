"""Analysis of a stored session: reads the polls and votes, hands them to analysis.py."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from basestation.db import Reader
from basestation.domain import choices_of
from basestation.peer_instruction import (
    DEFAULT_BAND,
    DiscussionBand,
    PollRound,
    compare_rounds,
    expected_voters,
    question_report,
)


def load_rounds(reader: Reader, question_id: int) -> list[PollRound]:
    return [
        PollRound(row["id"], row["round"], row["opened_at"], row["latest"], row["first"])
        for row in reader.question_rounds(question_id)
    ]


def by_group_kind(
    first: Mapping[str, str],
    second: Mapping[str, str],
    correct: str | None,
    groups: Mapping[str, int],
    answers: Sequence[str],
) -> dict[str, dict[str, Any]]:
    """The revote of students who discussed in mixed groups (different vote-1 answers)
    against those in same-answer groups: groups, students who voted twice, percent
    correct before and after, and the normalized gain of each kind."""
    members: dict[int, list[str]] = {}
    for handset, number in groups.items():
        members.setdefault(number, []).append(handset)
    figures: dict[str, dict[str, Any]] = {}
    for kind in ("mixed", "same"):
        chosen = [
            hs
            for hs in members.values()
            if (len({first[h] for h in hs if h in first}) > 1) == (kind == "mixed")
        ]
        handsets = {h for hs in chosen for h in hs}
        comparison = compare_rounds(
            {h: a for h, a in first.items() if h in handsets},
            {h: a for h, a in second.items() if h in handsets},
            correct,
            answers,
        )
        before, after = comparison.paired_correct_first, comparison.paired_correct_second
        figures[kind] = {
            "groups": len(chosen),
            "paired": comparison.paired,
            "percent_correct": None
            if before is None or after is None
            else [round(100 * before, 1), round(100 * after, 1)],
            "gain": None if comparison.gain is None else round(comparison.gain, 3),
        }
    return figures


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
        rounds = load_rounds(reader, question["id"])
        if len(rounds) >= 2 and (groups := reader.poll_groups(rounds[0].poll)):
            report["by_group"] = by_group_kind(
                rounds[0].latest, rounds[-1].latest, question["correct"], groups, answers
            )
        questions.append(report)
    return {
        "session": session_id,
        "handsets_seen": seen,
        "roster_size": roster,
        "expected_voters": expected,
        "band": str(band),
        "questions": questions,
    }
