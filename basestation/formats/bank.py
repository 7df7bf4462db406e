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
from basestation.formats.bank_schema import (
    FORMAT,
    BankSchemaError,
    RoundDocument,
    UseDocument,
    convert_use,
    decode_bank_file,
)
from basestation.formats.question_errors import QuestionFileError
from basestation.formats.untrusted import (
    MAX_BANK_FILE_BYTES,
    UntrustedFileError,
    read_file,
    read_image,
    written_path,
)
from basestation.outfiles import make_folder, write_atomically
from basestation.peer_instruction import DEFAULT_BAND, DiscussionBand

__all__ = ["FORMAT", "BankEntry", "BankSchemaError", "RoundRecord", "Use"]


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


SHARED_FILE = 0o644
SHARED_FOLDER = 0o755
"""A bank holds no student data: others may read it, nobody else may change it."""


def write_bank(folder: Path, entries: list[BankEntry]) -> list[Path]:
    """Write every entry (and its images) into ``folder``, each file whole (written beside
    it, then renamed); the files written."""
    make_folder(folder, SHARED_FOLDER)
    written = []
    for entry in sorted(entries, key=lambda e: e.question.bank_id):
        path = folder / f"{entry.question.bank_id}.json"
        write_atomically(path, entry_json(entry).encode("utf-8"), SHARED_FILE)
        written.append(path)
    write_images(folder, [entry.question for entry in entries])
    return written


def write_images(folder: Path, questions: list[PreparedQuestion]) -> None:
    """The images the questions refer to, by the same relative paths, inside ``folder``
    (a path that would lead outside it is refused)."""
    for question in questions:
        for image in question.images:
            try:
                target = written_path(folder, image.path)
            except UntrustedFileError as error:
                raise QuestionFileError(f"image {error}") from None
            make_folder(target.parent, SHARED_FOLDER)
            write_atomically(target, image.data, SHARED_FILE)


def read_bank(folder: Path, notes: list[str] | None = None) -> list[BankEntry]:
    """Every question of a bank's folder, each file checked whole before it is used
    (:mod:`basestation.formats.bank_schema`); an image that cannot be taken is left out
    and said in ``notes``."""
    if not folder.is_dir():
        raise QuestionFileError(f"{folder}: not a question bank's folder")
    entries = [read_entry(folder, path, notes) for path in sorted(folder.glob("*.json"))]
    if not entries:
        raise QuestionFileError(f"{folder}: no question bank files (*.json) in it")
    return entries


def read_entry(folder: Path, path: Path, notes: list[str] | None = None) -> BankEntry:
    try:
        document = decode_bank_file(read_file(path, MAX_BANK_FILE_BYTES, follow_links=False))
    except UntrustedFileError as error:
        raise QuestionFileError(str(error)) from None
    except BankSchemaError as error:
        raise QuestionFileError(f"{path}: not a question bank file: {error}") from None
    images = []
    for written in document.images:
        try:
            images.append(QuestionImage(written, read_image(folder, written)))
        except UntrustedFileError as error:
            if notes is not None:
                notes.append(f"{path.name}: image {error}; the question comes without it")
    try:
        question = PreparedQuestion(
            document.text,
            QuestionSpec(choices=document.choice_count),
            document.key,
            tuple(document.choices),
            tuple(document.tags),
            document.source,
            document.licence,
            tuple(images),
        )
    except ChoiceError as error:
        raise QuestionFileError(f"{path}: {error}") from None
    if question.bank_id != document.id:
        raise QuestionFileError(f"{path}: its id does not match its text and choices")
    return BankEntry(question, tuple(_use(use) for use in document.uses))


def read_use(raw: object) -> Use:
    """A use kept in the database, checked by the bank's rules (BankSchemaError)."""
    return _use(convert_use(raw))


def _use(use: UseDocument) -> Use:
    return Use(
        use.use,
        use.origin,
        use.date,
        use.course,
        _round(use.vote1),
        None if use.revote is None else _round(use.revote),
        use.paired,
        use.normalized_gain,
    )


def _round(record: RoundDocument) -> RoundRecord:
    return RoundRecord(
        record.n,
        {str(letter): count for letter, count in record.counts.items()},
        record.percent_correct,
        record.median_response_s,
    )


def record_text(uses: tuple[Use, ...] | list[Use], band: DiscussionBand = DEFAULT_BAND) -> str:
    """``42 % correct on vote 1 over 3 uses: in the 30-70 % band where discussion pays
    off`` (pooled over the uses that had a key)."""
    keyed = [use for use in uses if use.vote1.percent_correct is not None and use.vote1.n]
    if not uses:
        return "not used yet"
    if not keyed:
        return f"{len(uses)} use(s), none with a key"
    voters = sum(use.vote1.n for use in keyed)
    right = sum(use.vote1.n * (use.vote1.percent_correct or 0) / 100 for use in keyed)
    share = right / voters
    place = band.place(share)
    if place == "below":
        verdict = f"under {band.low * 100:g} %: revisit the concept before discussion"
    elif place == "above":
        verdict = f"over {band.high * 100:g} %: explain briefly and move on"
    else:
        verdict = f"in the {band} % band where discussion pays off"
    gains = [use.normalized_gain for use in keyed if use.normalized_gain is not None]
    gain = f"; mean normalized gain {sum(gains) / len(gains):.0%}" if gains else ""
    return f"{share:.0%} correct on vote 1 over {len(keyed)} use(s): {verdict}{gain}"
