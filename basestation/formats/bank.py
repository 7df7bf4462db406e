"""A question bank: one JSON file per question, with the history of its uses, in a folder
that diffs well in git and travels on a USB stick.

    bank/
      3f2a9c1b7d0e4a55.json   the question (text, choices, key, tags, source, licence)
                              and every use: when, which course, n, the distribution
                              and percent correct of vote 1 and the revote, the
                              normalized gain, the median response time; never a
                              student, a handset or a name
      images/…                the images the questions refer to, by the same paths

Files are written with sorted uses and a fixed field order, so the same bank is the
same bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from basestation.domain import ChoiceError, PreparedQuestion, QuestionImage, QuestionSpec
from basestation.formats.question_errors import QuestionFileError
from basestation.peer_instruction import DISCUSSION_PAYS_HIGH, DISCUSSION_PAYS_LOW

FORMAT = "basestation question bank 1"


@dataclass(frozen=True)
class RoundRecord:
    """One round of a use, in counts only."""

    n: int
    counts: dict[str, int]
    percent_correct: float | None
    median_response_s: float | None


@dataclass(frozen=True)
class Use:
    """One time a question was asked: where, when, and what happened."""

    use_id: str
    origin: str
    date: str
    course: str
    vote1: RoundRecord
    revote: RoundRecord | None
    paired: int
    normalized_gain: float | None

    @property
    def order(self) -> tuple[str, str, str, str]:
        return (self.date, self.origin, self.course, self.use_id)


@dataclass(frozen=True)
class BankEntry:
    question: PreparedQuestion
    uses: tuple[Use, ...]


def entry_json(entry: BankEntry) -> str:
    q = entry.question
    document = {
        "format": FORMAT,
        "id": q.bank_id,
        "text": q.text,
        "choice_count": q.spec.choices,
        "choices": list(q.choice_texts),
        "key": q.correct,
        "tags": list(q.tags),
        "source": q.source,
        "licence": q.licence,
        "images": [image.path for image in q.images],
        "uses": [use_json(use) for use in sorted(entry.uses, key=lambda u: u.order)],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def use_json(use: Use) -> dict[str, Any]:
    return {
        "use": use.use_id,
        "origin": use.origin,
        "date": use.date,
        "course": use.course,
        "vote1": _round_json(use.vote1),
        "revote": None if use.revote is None else _round_json(use.revote),
        "paired": use.paired,
        "normalized_gain": use.normalized_gain,
    }


def _round_json(record: RoundRecord) -> dict[str, Any]:
    return {
        "n": record.n,
        "counts": record.counts,
        "percent_correct": record.percent_correct,
        "median_response_s": record.median_response_s,
    }


def write_bank(folder: Path, entries: list[BankEntry]) -> list[Path]:
    """Write every entry (and its images) into ``folder``; the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for entry in sorted(entries, key=lambda e: e.question.bank_id):
        path = folder / f"{entry.question.bank_id}.json"
        path.write_text(entry_json(entry), encoding="utf-8")
        written.append(path)
    write_images(folder, [entry.question for entry in entries])
    return written


def write_images(folder: Path, questions: list[PreparedQuestion]) -> None:
    """The images the questions refer to, by the same relative paths, inside ``folder``
    (a path that would lead outside it is refused)."""
    for question in questions:
        for image in question.images:
            target = _inside(folder, image.path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(image.data)


def _inside(folder: Path, relative: str) -> Path:
    target = (folder / relative).resolve()
    if not target.is_relative_to(folder.resolve()):
        raise QuestionFileError(f"image {relative!r} lies outside the bank's folder")
    return target


def read_bank(folder: Path) -> list[BankEntry]:
    if not folder.is_dir():
        raise QuestionFileError(f"{folder}: not a question bank's folder")
    entries = [read_entry(folder, path) for path in sorted(folder.glob("*.json"))]
    if not entries:
        raise QuestionFileError(f"{folder}: no question bank files (*.json) in it")
    return entries


def read_entry(folder: Path, path: Path) -> BankEntry:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        if document.get("format") != FORMAT:
            raise QuestionFileError(f"{path}: not a question bank file ({FORMAT!r})")
        choices = tuple(str(c) for c in document["choices"])
        images = tuple(
            QuestionImage(str(ref), _inside(folder, ref).read_bytes()) for ref in document["images"]
        )
        question = PreparedQuestion(
            str(document["text"]),
            QuestionSpec(choices=int(document["choice_count"])),
            document["key"],
            choices,
            tuple(document["tags"]),
            document["source"],
            document["licence"],
            images,
        )
        uses = tuple(read_use(raw) for raw in document["uses"])
    except (OSError, ValueError, KeyError, TypeError, ChoiceError) as error:
        if isinstance(error, QuestionFileError):
            raise
        raise QuestionFileError(f"{path}: not a readable question bank file ({error})") from None
    if question.bank_id != document.get("id"):
        raise QuestionFileError(f"{path}: its id does not match its text and choices")
    return BankEntry(question, uses)


def read_use(raw: dict[str, Any]) -> Use:
    return Use(
        str(raw["use"]),
        str(raw["origin"]),
        str(raw["date"]),
        str(raw["course"]),
        _round(raw["vote1"]),
        None if raw["revote"] is None else _round(raw["revote"]),
        int(raw["paired"]),
        raw["normalized_gain"],
    )


def _round(raw: dict[str, Any]) -> RoundRecord:
    return RoundRecord(
        int(raw["n"]),
        {str(k): int(v) for k, v in raw["counts"].items()},
        raw["percent_correct"],
        raw["median_response_s"],
    )


def record_text(uses: tuple[Use, ...] | list[Use]) -> str:
    """``42 % correct on vote 1 over 3 uses: in the 35-70 % band where discussion pays
    off`` (pooled over the uses that had a key)."""
    keyed = [use for use in uses if use.vote1.percent_correct is not None and use.vote1.n]
    if not uses:
        return "not used yet"
    if not keyed:
        return f"{len(uses)} use(s), none with a key"
    voters = sum(use.vote1.n for use in keyed)
    right = sum(use.vote1.n * (use.vote1.percent_correct or 0) / 100 for use in keyed)
    share = right / voters
    if share < DISCUSSION_PAYS_LOW:
        band = "under 35 %: revisit the concept before discussion"
    elif share > DISCUSSION_PAYS_HIGH:
        band = "over 70 %: explain briefly and move on"
    else:
        band = "in the 35-70 % band where discussion pays off"
    gains = [use.normalized_gain for use in keyed if use.normalized_gain is not None]
    gain = f"; mean normalized gain {sum(gains) / len(gains):.0%}" if gains else ""
    return f"{share:.0%} correct on vote 1 over {len(keyed)} use(s): {band}{gain}"
