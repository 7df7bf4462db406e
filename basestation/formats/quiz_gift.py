"""Moodle's GIFT format, for multiple-choice questions: import and export.

    // [tag:forces]
    // source: after Mazur, Peer Instruction (1997)
    ::Q1:: A truck hits a fly. Which force is larger? {
    ~the truck's on the fly
    =they are equal
    ~the fly's on the truck
    }

Several correct answers are written with positive weights (``~%50%``); ``{T}`` and
``{F}`` are true/false questions. ``$CATEGORY`` lines and feedback (``#…``) are
skipped; any other kind of question is refused with its line number.
"""

from __future__ import annotations

import re
from pathlib import Path

from basestation.domain import (
    ANSWER_LETTERS,
    MAX_CHOICES,
    MIN_CHOICES,
    ChoiceError,
    PreparedQuestion,
    QuestionSpec,
)
from basestation.formats.question_errors import QuestionFileError

SPECIAL = "~=#{}:"
TAG = re.compile(r"\[tag:([^\]]+)\]")
META = re.compile(r"^(source|licence|license)\s*:\s*(.*?)\s*$", re.IGNORECASE)
WEIGHT = re.compile(r"^%(-?[0-9.]+)%")
FORMAT = re.compile(r"^\[(markdown|html|plain|moodle)\]")
TRUE_FALSE = {"T": "A", "TRUE": "A", "F": "B", "FALSE": "B"}


def escape(text: str) -> str:
    return "".join(f"\\{c}" if c in SPECIAL else c for c in text).replace("\n", "\\n")


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m[1] == "n" else m[1], text).strip()


def looks_like_gift(path: Path) -> bool:
    return path.suffix.lower() in (".gift", ".gift.txt")


def read_gift(path: Path, text: str) -> list[PreparedQuestion]:
    questions = []
    comments: list[str] = []
    block: list[str] = []
    block_line = 0
    for number, line in enumerate([*text.splitlines(), ""], start=1):
        stripped = line.strip()
        if not block and stripped.startswith("//"):
            comments.append(stripped[2:].strip())
            continue
        if not block and (not stripped or stripped.startswith("$CATEGORY")):
            comments = [] if not stripped else comments
            continue
        if not block:
            block_line = number
        block.append(line)
        joined = "\n".join(block)
        if stripped and not _closed(joined):
            continue
        if not stripped and not _closed(joined):
            raise QuestionFileError(f"{path}:{block_line}: a question without its {{answers}}")
        questions.append(_question(path, block_line, joined, comments))
        block, comments = [], []
    return questions


def _closed(text: str) -> bool:
    """The answer block's closing brace has been read (escaped braces do not count)."""
    plain = re.sub(r"\\.", "", text)
    return "{" in plain and "}" in plain[plain.index("{") :]


def _question(path: Path, line: int, text: str, comments: list[str]) -> PreparedQuestion:
    where = f"{path}:{line}"
    plain = re.sub(r"\\.", lambda m: "\0" * len(m[0]), text)  # find the unescaped braces
    start = plain.index("{")
    end = plain.index("}", start)
    stem, answers, after = text[:start], text[start + 1 : end], text[end + 1 :]
    stem = re.sub(r"^\s*::.*?::", "", stem, count=1, flags=re.DOTALL)
    stem = FORMAT.sub("", stem.strip())
    words = unescape(" ".join(f"{stem} {after}".split()))
    choices, key = _answers(where, answers)
    tags = tuple(tag.strip() for comment in comments for tag in TAG.findall(comment))
    meta = {
        ("licence" if m[1].lower() == "license" else m[1].lower()): m[2]
        for comment in comments
        if (m := META.match(comment))
    }
    try:
        return PreparedQuestion(
            words,
            QuestionSpec(choices=len(choices)),
            key or None,
            choices,
            tags,
            meta.get("source"),
            meta.get("licence"),
        )
    except ChoiceError as error:
        raise QuestionFileError(f"{where}: {error}") from None


def _answers(where: str, answers: str) -> tuple[tuple[str, ...], str]:
    body = answers.strip()
    if body.upper() in TRUE_FALSE:
        return ("True", "False"), TRUE_FALSE[body.upper()]
    parts = re.split(r"(?<!\\)([~=])", body)
    if len(parts) < 3 or parts[0].strip():
        raise QuestionFileError(
            f"{where}: only multiple-choice questions (~ and =) and "
            "true/false ({T}, {F}) can be polled"
        )
    choices: list[str] = []
    key = ""
    for mark, raw in zip(parts[1::2], parts[2::2], strict=True):
        answer = re.split(r"(?<!\\)#", raw)[0].strip()
        weight = WEIGHT.match(answer)
        right = mark == "=" or (weight is not None and float(weight[1]) > 0)
        answer = WEIGHT.sub("", answer).strip()
        if right:
            key += ANSWER_LETTERS[len(choices)] if len(choices) < MAX_CHOICES else ""
        choices.append(unescape(answer))
    if not MIN_CHOICES <= len(choices) <= MAX_CHOICES:
        raise QuestionFileError(
            f"{where}: {len(choices)} choices; a question has {MIN_CHOICES} to {MAX_CHOICES}"
        )
    return tuple(choices), key


def write_gift(questions: list[PreparedQuestion]) -> str:
    out: list[str] = []
    for number, question in enumerate(questions, start=1):
        out.extend(f"// [tag:{tag}]" for tag in question.tags)
        if question.source:
            out.append(f"// source: {question.source}")
        if question.licence:
            out.append(f"// licence: {question.licence}")
        out.append(f"::Q{number}:: {escape(question.text)} {{")
        keys = question.correct or ""
        weight = 100 / len(keys) if len(keys) > 1 else None
        for letter, choice in zip(ANSWER_LETTERS, question.choice_words, strict=False):
            if weight is None:
                out.append(("=" if letter in keys else "~") + escape(choice))
            else:
                share = f"%{weight:g}%" if letter in keys else "%-100%"
                out.append(f"~{share}{escape(choice)}")
        out.extend(["}", ""])
    return "\n".join(out)
