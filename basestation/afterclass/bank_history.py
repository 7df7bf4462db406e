"""What a database knows of each question: its words as asked, and every use of it, from
this database's sessions (counts only) and from banks imported from colleagues."""

from __future__ import annotations

import hashlib
from typing import Any

from basestation.db import Reader
from basestation.domain import PreparedQuestion, QuestionSpec, choices_of
from basestation.formats.bank import (
    BankEntry,
    BankSchemaError,
    RoundRecord,
    Use,
    read_use,
    record_text,
)
from basestation.peer_instruction import PollRound, compare_rounds, response_times, round_figures
from basestation.timefmt import local_date


def bank_id_of(row: dict[str, Any]) -> str:
    """The bank id of a session's question: its prepared question's, or that of its own
    words (an ad-hoc question typed in class)."""
    return (
        row["bank_id"]
        or PreparedQuestion(row["text"], QuestionSpec(choices=row["choices"])).bank_id
    )


def asked_as(row: dict[str, Any], kept: dict[str, PreparedQuestion]) -> PreparedQuestion:
    """The bank question a session's question is: as prepared, or its own words."""
    return kept.get(bank_id_of(row)) or PreparedQuestion(
        row["text"], QuestionSpec(choices=row["choices"])
    )


def use_of(
    reader: Reader, row: dict[str, Any], origin: str, course_label: str | None
) -> Use | None:
    """One session's use of a question (None if it was never polled)."""
    rounds = reader.question_rounds(row["id"])
    if not rounds:
        return None
    answers = choices_of(row["choices"])
    first, last = rounds[0], rounds[-1]
    revote = _record(last, row["correct"], answers) if len(rounds) > 1 else None
    comparison = (
        compare_rounds(first["latest"], last["latest"], row["correct"], answers)
        if len(rounds) > 1
        else None
    )
    gain = None if comparison is None or comparison.gain is None else round(comparison.gain, 3)
    identity = f"{origin}\x1f{row['started_at']!r}\x1f{row['number']}"
    return Use(
        hashlib.sha256(identity.encode()).hexdigest()[:16],
        origin,
        local_date(row["started_at"]),
        course_label or row["course"] or "",
        _record(first, row["correct"], answers),
        revote,
        comparison.paired if comparison else 0,
        gain,
    )


def _record(poll: dict[str, Any], correct: str | None, answers: tuple[str, ...]) -> RoundRecord:
    figures = round_figures(poll["latest"], correct, answers)
    times = response_times(
        PollRound(poll["id"], poll["round"], poll["opened_at"], poll["latest"], poll["first"])
    )
    return RoundRecord(
        figures.voters,
        figures.counts,
        None if figures.percent_correct is None else round(100 * figures.percent_correct, 1),
        times["median_s"],
    )


def known_uses(
    reader: Reader, rows: list[dict[str, Any]], *, origin: str, course_label: str | None = None
) -> dict[str, dict[str, Use]]:
    """Bank id -> use id -> use: the uses of the asked questions ``rows`` in this
    database's sessions, and every use imported from colleagues' banks."""
    uses: dict[str, dict[str, Use]] = {}
    for row in rows:
        use = use_of(reader, row, origin, course_label)
        if use is not None:
            uses.setdefault(bank_id_of(row), {})[use.use_id] = use
    for bank_id, records in reader.imported_uses().items():
        for raw in records:
            try:
                use = read_use(raw)
            except BankSchemaError:
                continue  # kept by an older release that checked less: left out, never a crash
            uses.setdefault(bank_id, {}).setdefault(use.use_id, use)
    return uses


def bank_entries(
    reader: Reader,
    *,
    origin: str,
    sessions: set[int] | None = None,
    course_label: str | None = None,
) -> list[BankEntry]:
    """The questions of ``sessions`` (None: every question known here), each with every
    use known here, in the order they were first asked (session, then question number;
    questions only imported come last, by id): the same bank gives the same bytes."""
    kept = reader.kept_questions()
    asked = reader.asked_questions()
    ids = [bank_id_of(row) for row in asked]  # once each: it hashes the words
    last_asked = dict(zip(ids, asked, strict=True))
    chosen = (
        set(last_asked) | set(kept)
        if sessions is None
        else {i for i, row in zip(ids, asked, strict=True) if row["session"] in sessions}
    )
    # every use of the chosen questions, wherever asked; the others' uses are never read
    of_chosen = [row for i, row in zip(ids, asked, strict=True) if i in chosen]
    uses = known_uses(reader, of_chosen, origin=origin, course_label=course_label)
    first_asked: dict[str, int] = {}
    for index, bank_id in enumerate(ids):  # in lecture order: session, then question number
        first_asked.setdefault(bank_id, index)
    order = sorted(chosen, key=lambda i: (first_asked.get(i, len(asked)), i))
    entries = []
    for bank_id in order:
        question = kept[bank_id] if bank_id in kept else asked_as(last_asked[bank_id], kept)
        entries.append(BankEntry(question, tuple(uses.get(bank_id, {}).values())))
    return entries


def history_text(reader: Reader, question: PreparedQuestion) -> str:
    """A question's record so far, from every use known here (for the dashboard: only
    this question's rounds are read, so it stays quick in a database of a whole term)."""
    bank_id = question.bank_id
    rows = [row for row in reader.asked_questions() if bank_id_of(row) == bank_id]
    uses = known_uses(reader, rows, origin="here").get(bank_id, {})
    return record_text(list(uses.values()))
