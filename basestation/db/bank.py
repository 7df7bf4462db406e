"""The question bank's SQL: prepared questions kept as asked, and imported uses."""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from basestation.domain import PreparedQuestion, QuestionImage, QuestionSpec


def keep_question(db: sqlite_utils.Database, question: PreparedQuestion) -> None:
    """Store a question's words, choices, key, tags and images (once per bank id)."""
    bank_id = question.bank_id
    db.table("bank_questions").insert(
        {
            "id": bank_id,
            "text": question.text,
            "choice_count": question.spec.choices,
            "choices": json.dumps(question.choice_texts),
            "correct": question.correct,
            "tags": json.dumps(question.tags),
            "source": question.source,
            "licence": question.licence,
        },
        pk="id",
        ignore=True,
    )
    for image in question.images:
        db.table("bank_images").insert(
            {"question": bank_id, "path": image.path, "data": image.data},
            pk=("question", "path"),
            ignore=True,
        )


def kept_questions(db: sqlite_utils.Database) -> dict[str, PreparedQuestion]:
    images: dict[str, list[QuestionImage]] = {}
    for row in db.query("SELECT question, path, data FROM bank_images ORDER BY question, path"):
        images.setdefault(row["question"], []).append(QuestionImage(row["path"], row["data"]))
    kept = {}
    for row in db.query("SELECT * FROM bank_questions ORDER BY id"):
        choices = tuple(json.loads(row["choices"]))
        kept[row["id"]] = PreparedQuestion(
            row["text"],
            QuestionSpec(choices=row["choice_count"]),
            row["correct"],
            choices,
            tuple(json.loads(row["tags"])),
            row["source"],
            row["licence"],
            tuple(images.get(row["id"], ())),
        )
    return kept


def add_uses(
    db: sqlite_utils.Database, question: PreparedQuestion, uses: list[dict[str, Any]]
) -> int:
    """Keep a colleague's uses of ``question``; each use once. The number new."""
    keep_question(db, question)
    before = db.table("bank_uses").count
    db.table("bank_uses").insert_all(
        (
            {
                "id": use["use"],
                "question": question.bank_id,
                "record": json.dumps(use, sort_keys=True),
            }
            for use in uses
        ),
        pk="id",
        ignore=True,
    )
    return db.table("bank_uses").count - before


def imported_uses(db: sqlite_utils.Database) -> dict[str, list[dict[str, Any]]]:
    uses: dict[str, list[dict[str, Any]]] = {}
    for row in db.query("SELECT question, record FROM bank_uses ORDER BY id"):
        uses.setdefault(row["question"], []).append(json.loads(row["record"]))
    return uses


def asked_questions(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Every question asked in a session that has words (and so can be shared)."""
    return list(
        db.query("""
        SELECT q.id, q.number, q.text, q.correct, q.choices, q.bank_id, s.id AS session,
               s.started_at, s.course
        FROM questions q JOIN sessions s ON s.id = q.session_id
        WHERE q.text IS NOT NULL AND q.text != '' ORDER BY s.id, q.number""")
    )


def add_bank(
    db: sqlite_utils.Database, batch: list[tuple[PreparedQuestion, list[dict[str, Any]]]]
) -> int:
    """A whole bank's questions and uses, in the caller's one transaction; the uses new."""
    return sum(add_uses(db, question, uses) for question, uses in batch)
