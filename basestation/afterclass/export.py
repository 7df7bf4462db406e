"""Reading the store: the list of sessions, and every vote of a session as JSON or CSV."""

from __future__ import annotations

from typing import Any, TextIO

from basestation.db import Reader
from basestation.outfiles import SafeCsvWriter
from basestation.timefmt import iso_time

VOTE_FIELDS = ("seq", "handset", "answer", "receiver", "t_receiver_us", "base_seq", "t_host")
CSV_FIELDS = ("session", "question", "round", "poll", *VOTE_FIELDS, "heard_at")


def list_sessions(reader: Reader) -> list[dict[str, Any]]:
    return [{**row, "started_at": iso_time(row["started_at"])} for row in reader.sessions()]


def session_export(reader: Reader, session_id: int) -> dict[str, Any]:
    """Every poll of the session, each with every accepted vote in arrival order."""
    session = reader.session(session_id)
    pseudonyms: dict[str, str] = {}

    def shown(handset: str) -> str:
        if not session["anonymous"]:
            return handset
        return pseudonyms.setdefault(handset, f"anonymous-{len(pseudonyms) + 1:04d}")

    polls = []
    for poll in reader.session_polls(session_id):
        votes = [
            {
                **{field: vote[field] for field in VOTE_FIELDS},
                "handset": shown(vote["handset"]),
                "heard_at": iso_time(vote["t_host"]),
            }
            for vote in reader.poll_votes(poll["poll"])
        ]
        polls.append(
            {
                "poll": poll["poll"],
                "question": poll["question"],
                "round": poll["round"],
                "question_text": poll["text"],
                "correct": poll["correct"],
                "choices": poll["choices"],
                "opened_at": iso_time(poll["opened_at"]),
                "closed_at": iso_time(poll["closed_at"]),
                "receiver": poll["receiver"],
                "heard": poll["heard"],
                "duplicates": poll["duplicates"],
                "invalid": poll["invalid"],
                "late": poll["late"],
                "votes": votes,
            }
        )
    return {
        "session": session_id,
        "started_at": iso_time(session["started_at"]),
        "course": session["course"],
        "title": session["title"],
        "anonymous": bool(session["anonymous"]),
        "polls": polls,
    }


def write_votes_csv(export: dict[str, Any], stream: TextIO) -> int:
    """One row per accepted vote; returns the number of rows."""
    writer = SafeCsvWriter(stream)
    writer.writerow(CSV_FIELDS)
    count = 0
    for poll in export["polls"]:
        for vote in poll["votes"]:
            row = {
                "session": export["session"],
                "question": poll["question"],
                "round": poll["round"],
                "poll": poll["poll"],
                **vote,
            }
            writer.writerow(row.get(field) for field in CSV_FIELDS)
            count += 1
    return count
