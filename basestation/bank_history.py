"""What a database knows of each question: its words as asked, and every use of it, from
this database's sessions (counts only) and from banks imported from colleagues."""

from __future__ import annotations

import hashlib
from typing import Any

from basestation.analysis import PollRound, compare_rounds, response_times, round_figures
from basestation.bank import BankEntry, RoundRecord, Use, read_use, record_text
from basestation.db import Reader
from basestation.domain import PreparedQuestion, QuestionSpec, choices_of
from basestation.timefmt import local_date


def asked_as(row: dict[str, Any], kept: dict[str, PreparedQuestion]) -> PreparedQuestion:
    """The bank question a session's question is: as prepared, or its own words."""
    if row["bank_id"] and row["bank_id"] in kept:
        return kept[row["bank_id"]]
    return PreparedQuestion(row["text"], QuestionSpec(choices=row["choices"]))


def use_of(reader: Reader, row: dict[str, Any], origin: str,
           course_label: str | None) -> Use | None:
    """One session's use of a question (None if it was never polled)."""
    rounds = reader.question_rounds(row["id"])
    if not rounds:
        return None
    answers = choices_of(row["choices"])
    first, last = rounds[0], rounds[-1]
    revote = _record(last, row["correct"], answers) if len(rounds) > 1 else None
    comparison = compare_rounds(first["latest"], last["latest"], row["correct"], answers) \
        if len(rounds) > 1 else None
    gain = None if comparison is None or comparison.gain is None else round(comparison.gain, 3)
    identity = f"{origin}\x1f{row['started_at']!r}\x1f{row['number']}"
    return Use(hashlib.sha256(identity.encode()).hexdigest()[:16], origin,
               local_date(row["started_at"]), course_label or row["course"] or "",
               _record(first, row["correct"], answers), revote,
               comparison.paired if comparison else 0, gain)


def _record(poll: dict[str, Any], correct: str | None, answers: tuple[str, ...]) -> RoundRecord:
    figures = round_figures(poll["latest"], correct, answers)
    times = response_times(PollRound(poll["id"], poll["round"], poll["opened_at"],
                                     poll["latest"], poll["first"]))
    return RoundRecord(figures.voters, figures.counts,
                       None if figures.percent_correct is None else
                       round(100 * figures.percent_correct, 1), times["median_s"])


def bank_entries(reader: Reader, *, origin: str, sessions: set[int] | None = None,
                 course_label: str | None = None) -> list[BankEntry]:
    """The questions of ``sessions`` (None: every question known here), each with every
    use known here."""
    kept = reader.kept_questions()
    imported = reader.imported_uses()
    questions: dict[str, PreparedQuestion] = {}
    uses: dict[str, dict[str, Use]] = {}
    chosen: set[str] = set(kept) | set(imported) if sessions is None else set()
    for row in reader.asked_questions():
        question = asked_as(row, kept)
        bank_id = question.bank_id
        questions.setdefault(bank_id, question)
        if sessions is None or row["session"] in sessions:
            chosen.add(bank_id)
        use = use_of(reader, row, origin, course_label)
        if use is not None:
            uses.setdefault(bank_id, {})[use.use_id] = use
    questions = {**kept, **questions}
    for bank_id, records in imported.items():
        for raw in records:
            use = read_use(raw)
            uses.setdefault(bank_id, {}).setdefault(use.use_id, use)
    return [BankEntry(questions[i], tuple(uses.get(i, {}).values()))
            for i in sorted(chosen) if i in questions]


def history_text(reader: Reader, question: PreparedQuestion) -> str:
    """A question's record so far, from every use known here (for the dashboard: only
    this question's rounds are read, so it stays quick in a database of a whole term)."""
    bank_id = question.bank_id
    uses = {}
    for row in reader.asked_questions():
        if row["bank_id"] == bank_id or (not row["bank_id"] and asked_as(row, {}).bank_id
                                         == bank_id):
            use = use_of(reader, row, "here", None)
            if use is not None:
                uses[use.use_id] = use
    for raw in reader.imported_uses().get(bank_id, []):
        uses.setdefault(raw["use"], read_use(raw))
    return record_text(list(uses.values()))
