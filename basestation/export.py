"""Reading the store: the list of sessions, and every vote of a session as JSON or CSV."""

from __future__ import annotations

import csv
import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any, TextIO

import sqlite_utils

from basestation.store import StoreError, open_database

VOTE_FIELDS = ("handset", "answer", "receiver", "t_receiver_us", "t_host")
CSV_FIELDS = ("session", "question", "round", "poll", *VOTE_FIELDS)


def open_existing(path: Path) -> sqlite_utils.Database:
    """Open an existing database (to read, or for a small edit); never creates one."""
    if not path.exists():
        raise StoreError(f"no database at {path} (record a poll first, or pass --db)")
    try:
        db = open_database(path)
        db.execute("SELECT 1 FROM sessions LIMIT 1")
    except sqlite3.Error as error:
        raise StoreError(f"{path} is not a base station database: {error}") from error
    return db


def iso_time(epoch: float | None) -> str | None:
    if epoch is None:
        return None
    return dt.datetime.fromtimestamp(epoch, tz=dt.UTC).isoformat(timespec="milliseconds")


def list_sessions(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    rows = db.query("""
        SELECT s.id, s.started_at, s.course, s.title,
               (SELECT COUNT(*) FROM questions q WHERE q.session_id = s.id) AS questions,
               (SELECT COUNT(*) FROM votes v JOIN polls p ON p.id = v.poll_id
                  JOIN questions q ON q.id = p.question_id WHERE q.session_id = s.id) AS votes
        FROM sessions s ORDER BY s.id""")
    return [{"session": row["id"], "started_at": iso_time(row["started_at"]),
             "course": row["course"], "title": row["title"],
             "questions": row["questions"], "votes": row["votes"]} for row in rows]


def session_export(db: sqlite_utils.Database, session_id: int) -> dict[str, Any]:
    """Every poll of the session, each with every accepted vote in arrival order."""
    sessions = list(db.query("SELECT * FROM sessions WHERE id = ?", [session_id]))
    if not sessions:
        raise StoreError(f"there is no session {session_id}")
    session = sessions[0]
    pseudonyms: dict[str, str] = {}

    def shown(handset: str) -> str:
        if not session["anonymous"]:
            return handset
        return pseudonyms.setdefault(handset, f"anonymous-{len(pseudonyms) + 1:04d}")

    polls = []
    for poll in db.query("""
            SELECT p.*, q.number AS question, q.text AS question_text, q.correct
            FROM polls p JOIN questions q ON q.id = p.question_id
            WHERE q.session_id = ? ORDER BY q.number, p.round""", [session_id]):
        votes = [
            {field: shown(vote[field]) if field == "handset" else vote[field]
             for field in VOTE_FIELDS}
            for vote in db.query("SELECT * FROM votes WHERE poll_id = ? ORDER BY t_host, id",
                                 [poll["id"]])
        ]
        polls.append({
            "poll": poll["id"], "question": poll["question"], "round": poll["round"],
            "question_text": poll["question_text"], "correct": poll["correct"],
            "opened_at": iso_time(poll["opened_at"]), "closed_at": iso_time(poll["closed_at"]),
            "receiver": poll["receiver"], "heard": poll["heard"], "duplicates": poll["duplicates"],
            "invalid": poll["invalid"], "late": poll["late"], "votes": votes,
        })
    return {"session": session_id, "started_at": iso_time(session["started_at"]),
            "course": session["course"], "title": session["title"],
            "anonymous": bool(session["anonymous"]), "polls": polls}


def write_votes_csv(export: dict[str, Any], stream: TextIO) -> int:
    """One row per accepted vote; returns the number of rows."""
    writer = csv.DictWriter(stream, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for poll in export["polls"]:
        for vote in poll["votes"]:
            writer.writerow({"session": export["session"], "question": poll["question"],
                             "round": poll["round"], "poll": poll["poll"], **vote})
            count += 1
    return count


def poll_latest_answers(db: sqlite_utils.Database, poll_id: int) -> dict[str, str]:
    """The answer that counts for each handset in a poll: its last accepted vote."""
    latest: dict[str, str] = {}
    for row in db.query("SELECT handset, answer FROM votes WHERE poll_id = ? ORDER BY t_host, id",
                        [poll_id]):
        latest[row["handset"]] = row["answer"]
    return latest


def session_polls(db: sqlite_utils.Database, session_id: int) -> list[dict[str, Any]]:
    """One line per poll of a session, in question and round order."""
    return list(db.query("""
        SELECT p.id AS poll, q.number AS question, q.text, q.correct, p.round, p.opened_at,
               p.closed_at, p.votes, p.duplicates, p.invalid,
               (SELECT COUNT(DISTINCT handset) FROM votes v WHERE v.poll_id = p.id) AS voters
        FROM polls p JOIN questions q ON q.id = p.question_id
        WHERE q.session_id = ? ORDER BY q.number, p.round""", [session_id]))
