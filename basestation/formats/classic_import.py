"""Importing iClicker Classic session files (``SessionData/L<yymmddhhmm>.xml``).

What is read (``../shared/reference/files.md``): the file name's local lecture time
(``x…`` files are deleted sessions, skipped); ``<ssn ssnn perf part minrep MinPart_S>``,
the session's name and scoring settings; each ``<p>`` poll with ``cans`` (empty, one
or several correct answers), ``isDel`` (a deleted poll, skipped), ``isap`` (anonymous
polling: stored under pseudonyms), ``strt``/``stp`` local clock times; each ``<v>``
with ``id`` (``#`` + 8 hex digits, anything else is a bad row), ``fans`` the first
answer, ``ans`` the final one (empty: no vote), ``att`` presses, ``tm`` and ``fanst``
seconds from the poll's start, ``lto`` the student a loaned handset was lent to.
A file with any bad row imports nothing; the same file again is recognised.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax import SAXException
from xml.sax.handler import ContentHandler

from defusedxml.common import DefusedXmlException
from defusedxml.sax import parseString

from basestation.db import Store
from basestation.db.imports import (
    ImportedPoll,
    ImportedVote,
    delete_session,
    imported_session,
    insert_imported_session,
    stored_votes,
)
from basestation.domain import DEFAULT_ANSWERS
from basestation.formats.untrusted import UntrustedFileError, read_file
from basestation.pseudonyms import Pseudonyms
from firmware_protocol.handset_id import HandsetIdError, parse_handset_id

FILE_NAME_DATE = re.compile(r"^[Lx](\d\d)(\d\d)(\d\d)(\d\d)(\d\d)")
CLASSIC_RECEIVER = "iclicker-classic"
HANDSET = re.compile(r"^#[0-9A-Fa-f]{8}$")
SCORING = ("perf", "part", "minrep", "MinPart_S")


class ClassicImportError(ValueError):
    """The file is not an iClicker Classic session we can read, or has bad rows."""


@dataclass
class ClassicSession:
    path: Path
    started_at: float
    name: str | None
    scoring: dict[str, str]
    polls: list[ImportedPoll]
    digest: str
    deleted: bool = False


def session_start(path: Path) -> float:
    """The lecture's local time, from the file name (the file holds no time zone)."""
    match = FILE_NAME_DATE.search(path.stem)
    if match:
        year, month, day, hour, minute = (int(part) for part in match.groups())
        try:
            return dt.datetime(2000 + year, month, day, hour, minute).timestamp()
        except ValueError:
            raise ClassicImportError(
                f"{path}: its name gives an impossible date and time ({_named_time(match)})"
            ) from None
    return path.stat().st_mtime


def _named_time(match: re.Match[str]) -> str:
    """The date and time a Classic file name says (``L2613991299`` -> 2026-13-99 12:99)."""
    year, month, day, hour, minute = match.groups()
    return f"20{year}-{month}-{day} {hour}:{minute}"


@dataclass
class _Reader(ContentHandler):
    session: dict[str, str] = field(default_factory=dict)
    polls: list[tuple[int, dict[str, str], list[tuple[int, dict[str, str]]]]] = field(
        default_factory=list
    )

    def startElement(self, name: str, attrs: object) -> None:
        values = dict(attrs.items())  # type: ignore[attr-defined]
        locator = getattr(self, "_locator", None)
        line = int(locator.getLineNumber()) if locator is not None else 0
        if name == "ssn":
            self.session = values
        elif name == "p":
            self.polls.append((line, values, []))
        elif name == "v" and self.polls:
            self.polls[-1][2].append((line, values))


def read_classic_session(path: Path) -> ClassicSession:
    try:
        data = read_file(path)
    except UntrustedFileError as error:
        raise ClassicImportError(str(error)) from None
    reader = _Reader()
    try:
        parseString(data, reader, forbid_dtd=True)
    except (SAXException, DefusedXmlException, ValueError, LookupError) as error:
        # LookupError: an encoding Python does not know, named in the XML declaration
        raise ClassicImportError(f"{path}: not readable XML ({error})") from None
    if not reader.polls:
        raise ClassicImportError(f"{path}: no <p> polls: not an iClicker Classic session file")
    started = session_start(path)
    problems: list[str] = []
    polls = [
        _poll(path, started, line, attrs, votes, problems)
        for line, attrs, votes in reader.polls
        if attrs.get("isDel", "N") != "Y"
    ]
    if problems:
        raise ClassicImportError(f"{path}: nothing was imported: " + "; ".join(problems))
    return ClassicSession(
        path,
        started,
        reader.session.get("ssnn") or None,
        {k: reader.session[k] for k in SCORING if k in reader.session},
        polls,
        hashlib.sha256(data).hexdigest(),
        deleted=path.name.startswith("x"),
    )


def _poll(
    path: Path,
    started: float,
    line: int,
    attrs: dict[str, str],
    rows: list[tuple[int, dict[str, str]]],
    problems: list[str],
) -> ImportedPoll:
    keys = "".join(sorted({c for c in (attrs.get("cans") or "").upper() if c in DEFAULT_ANSWERS}))
    anonymous = attrs.get("isap", "N") == "Y"
    pseudonyms = Pseudonyms() if anonymous else None
    votes = []
    for number, vote in rows:
        final = (vote.get("ans") or "").strip().upper()
        if not final:
            continue  # a registered handset that did not answer
        raw = (vote.get("id") or "").strip()
        try:
            if not HANDSET.match(raw):
                raise HandsetIdError("not # and 8 hex digits")
            handset = parse_handset_id(raw[1:])
        except HandsetIdError as error:
            problems.append(f"line {number}: handset {raw[:20]!r}: {error}")
            continue
        first = (vote.get("fans") or final).strip().upper()
        if final[-1:] not in DEFAULT_ANSWERS or first[-1:] not in DEFAULT_ANSWERS:
            problems.append(f"line {number}: answer {final!r} is not one of A-E")
            continue
        votes.append(
            ImportedVote(
                pseudonyms.of(handset) if pseudonyms else handset,
                first[-1],
                final[-1],
                _int(vote.get("att"), 1),
                _seconds(vote.get("tm")),
                _seconds(vote.get("fanst")),
                None if anonymous else (vote.get("lto") or None),
            )
        )
    opened = _clock(started, attrs.get("strt")) or started
    closed = _clock(started, attrs.get("stp")) or opened
    return ImportedPoll(attrs.get("qn") or None, keys or None, votes, opened, closed, anonymous)


def _int(text: str | None, default: int) -> int:
    try:
        return max(1, int(text or default))
    except ValueError:
        return default


def _seconds(text: str | None) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None


def _clock(started: float, text: str | None) -> float | None:
    """``10:46:29`` on the session's local day."""
    try:
        clock = dt.datetime.strptime(text or "", "%H:%M:%S").time()
    except ValueError:
        return None
    return dt.datetime.combine(dt.datetime.fromtimestamp(started).date(), clock).timestamp()


def classic_files(paths: list[Path]) -> list[Path]:
    """The session files named, and those in the folders named (``SessionData/``)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                p
                for p in path.iterdir()
                if FILE_NAME_DATE.match(p.name) and p.suffix.lower() == ".xml"
            )
        else:
            found.append(path)
    return found


def import_classic(
    store: Store, path: Path, course: str | None, replace: bool = False
) -> tuple[int | None, str]:
    """Store one file as a session: (its id, what happened). The same file again is
    skipped, or imported anew with ``replace``; a deleted session is skipped."""
    session = read_classic_session(path)
    if session.deleted:
        return None, f"{path}: a session deleted in iClicker Classic, skipped"
    known = store.call(imported_session, session.digest)
    if known is not None and not replace:
        return known, f"{path}: already imported as session {known} (--replace imports it anew)"
    if known is not None:
        store.call(delete_session, known)
    title = session.name or f"iClicker Classic {path.name}"
    source = {
        "file": path.name,
        "program": "iClicker Classic",
        "scoring": session.scoring,
        "local_time": "the file name's time, local to the lecture room",
    }
    session_id: int = store.call(
        insert_imported_session,
        session.started_at,
        course,
        title,
        CLASSIC_RECEIVER,
        session.polls,
        session.digest,
        source,
    )
    answered = sum(len(p.votes) for p in session.polls)
    stored = store.call(stored_votes, session_id)
    return session_id, (
        f"{path} -> session {session_id}: {len(session.polls)} poll(s), {answered} answer(s) "
        f"from handsets, {stored} vote(s) stored (a first and a final answer are two)"
    )
