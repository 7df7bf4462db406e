"""Importing iClicker Classic session files (the ``L<yymmddhhmm>.xml`` files it saves).

What is read: the root's ``<p>`` elements are the polls, in order; ``isDel="Y"``
marks a deleted poll (skipped); ``cans`` is the correct answer; each ``<v>`` is
one handset's vote, with ``id`` (``#`` + the handset ID, leading zeros sometimes
dropped) and ``ans`` (the answer; empty when the handset sent nothing). The
session's date comes from the file name when it has the usual form. Every poll
becomes a question with one round; each vote is stored as one accepted vote.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

from basestation.db import Store
from basestation.db.imports import ImportedPoll, insert_imported_session
from basestation.domain import DEFAULT_ANSWERS as ANSWERS

FILE_NAME_DATE = re.compile(r"L(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)")
CLASSIC_RECEIVER = "iclicker-classic"


class ClassicImportError(ValueError):
    """The file is not an iClicker Classic session we can read."""


def session_start(path: Path) -> float:
    match = FILE_NAME_DATE.search(path.stem)
    if match:
        year, month, day, hour, minute = (int(part) for part in match.groups())
        moment = dt.datetime(2000 + year, month, day, hour, minute)
        return moment.timestamp()
    return path.stat().st_mtime


def _handset(raw: str) -> str:
    return raw.strip().lstrip("#").upper().rjust(8, "0")


@dataclass(frozen=True)
class ClassicPoll:
    text: str | None
    correct: str | None
    votes: list[tuple[str, str]]


def read_classic_polls(path: Path) -> list[ClassicPoll]:
    """The non-deleted polls of the file with their votes."""
    try:
        root = ElementTree.parse(path).getroot()
    except (ElementTree.ParseError, OSError) as error:
        raise ClassicImportError(f"{path}: not readable XML ({error})") from error
    polls = [p for p in root if p.tag == "p"]
    if not polls:
        raise ClassicImportError(f"{path}: no <p> polls: not an iClicker Classic session file")
    result = []
    for poll in polls:
        if poll.get("isDel", "N") == "Y":
            continue
        correct = (poll.get("cans") or "").strip().upper()
        votes = []
        for vote in poll.iter("v"):
            answer = (vote.get("ans") or "").strip().upper()[-1:]
            if vote.get("id") and answer and answer in ANSWERS:
                votes.append((_handset(vote.get("id", "")), answer))
        result.append(ClassicPoll(poll.get("qn") or None,
                                  correct if correct in ANSWERS else None, votes))
    return result


def import_classic(store: Store, path: Path, course: str | None) -> int:
    """Store the file as a new session; returns its id."""
    polls = [ImportedPoll(p.text, p.correct, p.votes) for p in read_classic_polls(path)]
    session_id: int = store.call(insert_imported_session, session_start(path), course,
                                 f"iClicker Classic {path.name}", CLASSIC_RECEIVER, polls)
    return session_id
