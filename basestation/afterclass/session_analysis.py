"""Analysis of a stored session: reads the polls and votes, hands them to analysis.py."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from basestation.db import Reader
from basestation.domain import choices_of, correct_answers
from basestation.peer_instruction import (
    DEFAULT_BAND,
    DiscussionBand,
    PollRound,
    compare_rounds,
    expected_voters,
    question_report,
)
from firmware_protocol.phone import CONFIDENCES


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


def by_confidence(
    rounds: Sequence[tuple[int, Mapping[str, str], Mapping[str, str]]], correct: str | None
) -> list[dict[str, Any]]:
    """Per round (number, latest answers, confidence said): voters and percent correct at
    each level of confidence, and the share of confidently wrong answers (sure, and
    wrong: the misconception signal) among those who said how sure they were."""
    keys = correct_answers(correct)
    figures = []
    for number, latest, said in rounds:
        told = {h: level for h, level in said.items() if h in latest}
        if not told:
            continue
        levels = {}
        for level in CONFIDENCES:
            handsets = [h for h, chosen in told.items() if chosen == level]
            right = sum(latest[h] in keys for h in handsets)
            levels[level] = {
                "voters": len(handsets),
                "percent_correct": round(100 * right / len(handsets), 1)
                if handsets and keys
                else None,
            }
        wrong_and_sure = sum(level == "sure" and latest[h] not in keys for h, level in told.items())
        figures.append(
            {
                "round": number,
                "said": len(told),
                "levels": levels,
                "confidently_wrong": round(wrong_and_sure / len(told), 3) if keys else None,
            }
        )
    return figures


def confidence_line(figures: Mapping[str, Any]) -> str:
    """``vote 1, how sure: guessing 3 (33% correct), …; confidently wrong 10% of 10``."""
    levels = ", ".join(
        f"{level} {entry['voters']}"
        + ("" if entry["percent_correct"] is None else f" ({entry['percent_correct']}% correct)")
        for level, entry in figures["levels"].items()
    )
    wrong = figures["confidently_wrong"]
    return f"vote {figures['round']}, how sure: {levels}" + (
        "" if wrong is None else f"; confidently wrong {wrong:.0%} of {figures['said']} who said"
    )


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
        confidence = by_confidence(
            [(r.round, r.latest, reader.poll_confidence(r.poll)) for r in rounds],
            question["correct"],
        )
        if confidence:
            report["by_confidence"] = confidence
        questions.append(report)
    return {
        "session": session_id,
        "handsets_seen": seen,
        "roster_size": roster,
        "expected_voters": expected,
        "band": str(band),
        "questions": questions,
    }
