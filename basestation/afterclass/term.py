"""The term's picture of one course: who takes part, how fast, and what discussion did.

Per session: how many handsets voted, and the response rate: the roster students who
voted over the roster (handsets of nobody on the roster are counted on their own line,
never in the rate, which therefore never passes 100 %; an anonymous session names nobody,
so its rate cannot be told); without a roster, the handsets that voted over those heard
over the term. The same per question (vote 1), and the spread of response times
(median and 90th percentile of the time from a poll's opening to each handset's first
vote, over the session's first rounds).
Over the term: the share of the roster that voted at least once, the students who
have not answered in the last N sessions (by name; an anonymous session only counts,
it names nobody), and the normalized gain of every question that had a revote.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from basestation.afterclass.session_analysis import by_group_kind
from basestation.db import Reader
from basestation.domain import choices_of
from basestation.peer_instruction import (
    PollRound,
    compare_rounds,
    normalized_change,
    time_spread,
)
from basestation.timefmt import local_date, local_datetime

DEFAULT_ABSENT_SESSIONS = 3


@dataclass(frozen=True)
class _Session:
    summary: dict[str, Any]
    gains: list[dict[str, Any]]
    """Each revoted question's normalized gain (the term lists them all together)."""
    handsets: set[str]
    students: set[int] | None
    """Students who voted (None: an anonymous session, which names nobody)."""
    owners: dict[str, int]
    question_handsets: list[set[str]]
    """The handsets that voted in each question's first round."""


def term_picture(
    reader: Reader, course: str, absent_sessions: int = DEFAULT_ABSENT_SESSIONS
) -> dict[str, Any]:
    rows = reader.course_sessions(course)
    roster = reader.students(course)  # the course's roster, else every student known
    sessions = [_session(reader, row) for row in rows]
    heard = set().union(*(s.handsets for s in sessions)) if sessions else set()
    enrolled = {s["id"] for s in roster}
    for session in sessions:
        _rates(session, enrolled, len(heard))
    named = [s for s in sessions if s.students is not None]
    took_part = set().union(*(s.students or set() for s in named)) if named else set()
    window = sessions[-absent_sessions:] if absent_sessions else []
    return {
        "course": course,
        "roster": len(roster) or None,
        "rates_of": "roster" if roster else "handsets heard this term",
        "sessions": [s.summary for s in sessions],
        "roster_share": round(len(took_part & {s["id"] for s in roster}) / len(roster), 3)
        if roster and named
        else None,
        "absent_sessions": len(window),
        "absent": _absent(roster, window),
        "gains": [gain for s in sessions for gain in s.gains],
    }


def _session(reader: Reader, row: dict[str, Any]) -> _Session:
    session_id = row["session"]
    info = reader.session(session_id)
    anonymous = bool(info.get("anonymous"))
    owners = {} if anonymous else reader.session_owners(session_id)
    handsets: set[str] = set()
    questions, firsts, gains, first_handsets = [], [], [], []
    for question in reader.questions(session_id):
        rounds = reader.question_rounds(question["id"])
        if not rounds:
            continue
        first = rounds[0]
        handsets |= first["latest"].keys() | {h for r in rounds for h in r["latest"]}
        first_handsets.append(set(first["latest"]))
        firsts.append(
            PollRound(
                first["id"], first["round"], first["opened_at"], first["latest"], first["first"]
            )
        )
        questions.append(
            {
                "question": question["number"],
                "text": question["text"],
                "voters": len(first["latest"]),
            }
        )
        if len(rounds) > 1:
            comparison = compare_rounds(
                first["latest"],
                rounds[-1]["latest"],
                question["correct"],
                choices_of(question["choices"]),
            )
            gains.append(
                {
                    "session": session_id,
                    "date": local_date(row["started_at"]),
                    "question": question["number"],
                    "text": question["text"],
                    "gain": _rounded(comparison.gain),
                    "change": _rounded(normalized_change(comparison.switches)),
                    "paired": comparison.paired,
                }
                | _by_group(reader, first, rounds[-1], question)
            )
    times = time_spread(
        [at - poll.opened_at for poll in firsts for at in poll.first_vote_at.values()]
    )
    summary = {
        "session": session_id,
        "date": local_date(row["started_at"]),
        "label": session_label(row),
        "anonymous": anonymous,
        "voters": len(handsets),
        "questions": questions,
        "response_times": times,
    }
    students = None if anonymous else {owners[h] for h in handsets if h in owners}
    return _Session(summary, gains, handsets, students, owners, first_handsets)


def session_label(row: dict[str, Any]) -> str:
    """``2026-10-02 10:00 Session 18``: two sessions of one day told apart."""
    when = local_datetime(row["started_at"])
    return f"{when} {row['title']}" if row.get("title") else when


def _rates(session: _Session, enrolled: set[int], heard: int) -> None:
    """One rule for every page: roster students who voted over the roster; handsets of
    nobody on it on their own line. Without a roster: handsets over those heard."""
    summary = session.summary
    if not enrolled:

        def rate(voters: set[str]) -> float | None:
            return round(len(voters) / heard, 3) if heard else None

        summary["response_rate"] = rate(session.handsets)
        summary["unregistered"] = None
        for question, voters in zip(summary["questions"], session.question_handsets, strict=True):
            question["response_rate"] = rate(voters)
        return
    if session.students is None:  # anonymous: nobody is named, so nobody can be counted
        summary["response_rate"] = summary["unregistered"] = None
        for question in summary["questions"]:
            question["response_rate"] = None
        return
    owners = session.owners

    def roster_rate(voters: set[str]) -> float:
        return round(len(enrolled.intersection(map(owners.get, voters))) / len(enrolled), 3)

    summary["response_rate"] = roster_rate(session.handsets)
    summary["unregistered"] = sum(1 for h in session.handsets if owners.get(h) not in enrolled)
    for question, voters in zip(summary["questions"], session.question_handsets, strict=True):
        question["response_rate"] = roster_rate(voters)


def _absent(roster: list[dict[str, Any]], window: list[_Session]) -> list[dict[str, str]] | None:
    """Roster students with no vote in the window's named sessions (None: no roster, or
    only anonymous sessions in it)."""
    named = [s for s in window if s.students is not None]
    if not roster or not named:
        return None
    answered = set().union(*(s.students or set() for s in named))
    return [
        {"student_id": s["student_id"], "name": s["name"] or ""}
        for s in roster
        if s["id"] not in answered
    ]


def _by_group(
    reader: Reader, first: dict[str, Any], last: dict[str, Any], question: dict[str, Any]
) -> dict[str, Any]:
    """The revote of mixed and same-answer discussion groups, if groups were kept."""
    groups = reader.poll_groups(first["id"])
    if not groups:
        return {}
    answers = choices_of(question["choices"])
    kinds = by_group_kind(first["latest"], last["latest"], question["correct"], groups, answers)
    return {"by_group": kinds}


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
