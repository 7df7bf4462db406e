"""Analysis of a stored session: reads the polls and votes, hands them to analysis.py."""

from __future__ import annotations

from typing import Any

import sqlite_utils

from basestation.analysis import PollRound, question_report
from basestation.export import poll_latest_answers
from basestation.store import StoreError


def load_rounds(db: sqlite_utils.Database, question_id: int) -> list[PollRound]:
    rounds = []
    for poll in db.query("SELECT id, round, opened_at FROM polls WHERE question_id = ? "
                         "ORDER BY round", [question_id]):
        first = {row["handset"]: row["t"] for row in db.query(
            "SELECT handset, MIN(t_host) AS t FROM votes WHERE poll_id = ? GROUP BY handset",
            [poll["id"]])}
        rounds.append(PollRound(poll["id"], poll["round"], poll["opened_at"],
                                poll_latest_answers(db, poll["id"]), first))
    return rounds


def analyze_session(db: sqlite_utils.Database, session_id: int) -> dict[str, Any]:
    """Every question of the session with its figures (the `analyze --json` object)."""
    if not list(db.query("SELECT id FROM sessions WHERE id = ?", [session_id])):
        raise StoreError(f"there is no session {session_id}")
    seen = next(iter(db.query("""
        SELECT COUNT(DISTINCT v.handset) AS n FROM votes v JOIN polls p ON p.id = v.poll_id
        JOIN questions q ON q.id = p.question_id WHERE q.session_id = ?""", [session_id])))["n"]
    questions = []
    for question in db.query("SELECT id, number, text, correct FROM questions "
                             "WHERE session_id = ? ORDER BY number", [session_id]):
        report = question_report(question["number"], question["correct"],
                                 load_rounds(db, question["id"]), seen)
        report["text"] = question["text"]
        questions.append(report)
    return {"session": session_id, "handsets_seen": seen, "questions": questions}


def set_answer_key(db: sqlite_utils.Database, session_id: int, number: int,
                   answer: str | None) -> None:
    """Set or correct the key of question ``number`` (from 1) after class."""
    rows = list(db.query("SELECT id FROM questions WHERE session_id = ? AND number = ?",
                         [session_id, number]))
    if not rows:
        raise StoreError(f"session {session_id} has no question {number}")
    with db.atomic():
        db.table("questions").update(rows[0]["id"], {"correct": answer})
