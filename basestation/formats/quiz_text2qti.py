"""Question sets in text2qti's Markdown quiz format, read by the ``text2qti`` package, so
that the file an instructor polls from also becomes a Canvas quiz (``text2qti FILE``).

A numbered question, lettered choices, ``*`` on the correct ones::

    % tags: forces, Newton 3
    % source: after Mazur, Peer Instruction (1997)
    % licence: CC BY 4.0
    1.  A truck hits a fly. Which force is larger?
    a)  the truck's on the fly
    *b) they are equal
    c)  the fly's on the truck

``%`` lines are comments to text2qti; those just above a question give its tags,
source and licence. ``[*]`` / ``[ ]`` choices (several correct) work as well.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

from basestation.domain import (
    ANSWER_LETTERS,
    MAX_CHOICES,
    MIN_CHOICES,
    ChoiceError,
    PreparedQuestion,
    QuestionImage,
    QuestionSpec,
)
from basestation.formats.question_errors import QuestionFileError
from basestation.formats.untrusted import UntrustedFileError, read_image

POLLABLE = ("multiple_choice_question", "true_false_question", "multiple_answers_question")
METADATA = re.compile(r"^%\s*(tags|source|licence|license)\s*:\s*(.*?)\s*$", re.IGNORECASE)
IMAGE = re.compile(r"!\[[^\]]*\]\(\s*([^)\s]+)")
IMAGE_MARKUP = re.compile(r"!\[([^\]]*)\]\(\s*([^)\s]+)[^)]*\)")
NUMBERED = re.compile(r"^\d+\.\s+\S")


def looks_like_text2qti(text: str) -> bool:
    """Its first line that is neither blank nor a comment starts a numbered question or
    names the quiz."""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith(("%", "#")):
            continue
        return bool(NUMBERED.match(stripped)) or stripped.lower().startswith("quiz title:")
    return False


def read_text2qti(path: Path, text: str, notes: list[str] | None = None) -> list[PreparedQuestion]:
    from text2qti.config import Config
    from text2qti.err import Text2qtiError
    from text2qti.quiz import Question, Quiz

    text, images = _checked_images(path, text, notes if notes is not None else [])
    try:
        with contextlib.chdir(path.parent):  # text2qti reads images beside the file
            quiz = Quiz(text, config=Config(), source_name=str(path))
    except Text2qtiError as error:
        raise QuestionFileError(" ".join(str(error).split())) from None
    lines = text.splitlines()
    questions = []
    for question in quiz.questions_and_delims:
        if not isinstance(question, Question):
            continue
        where = f"{path}:{question.linenum_start}"
        if question.type not in POLLABLE:
            raise QuestionFileError(
                f"{where}: only multiple-choice questions can be polled "
                f"(this one is {question.type})"
            )
        if not MIN_CHOICES <= len(question.choices) <= MAX_CHOICES:
            raise QuestionFileError(
                f"{where}: {len(question.choices)} choices; "
                f"a question has {MIN_CHOICES} to {MAX_CHOICES}"
            )
        choices = tuple(" ".join(choice.choice_raw.split()) for choice in question.choices)
        key = (
            "".join(
                ANSWER_LETTERS[i] for i, choice in enumerate(question.choices) if choice.correct
            )
            or None
        )
        metadata = _metadata_above(lines, question.linenum_start)
        try:
            questions.append(
                PreparedQuestion(
                    question.question_raw.strip(),
                    QuestionSpec(choices=len(choices)),
                    key,
                    choices,
                    tags=metadata.get("tags", ()),
                    source=_one(metadata, "source"),
                    licence=_one(metadata, "licence"),
                    images=_images(images, question.question_raw),
                )
            )
        except ChoiceError as error:
            raise QuestionFileError(f"{where}: {error}") from None
    return questions


def _checked_images(path: Path, text: str, notes: list[str]) -> tuple[str, dict[str, bytes]]:
    """Every local image the quiz refers to, read through the checked door before text2qti
    sees the file; one that is refused is taken out of the text (its alternative text
    stays) and said in ``notes``."""
    images: dict[str, bytes] = {}

    def check(match: re.Match[str]) -> str:
        reference = match[2]
        if reference.startswith(("http://", "https://")) or reference in images:
            return match[0]
        try:
            images[reference] = read_image(path.parent, reference)
        except UntrustedFileError as error:
            notes.append(f"{path}: image {error}; the question comes without it")
            return match[1]
        return match[0]

    return IMAGE_MARKUP.sub(check, text), images


def _images(images: dict[str, bytes], markdown: str) -> tuple[QuestionImage, ...]:
    """The local images the text shows, as read through the checked door."""
    return tuple(
        QuestionImage(ref, images[ref])
        for ref in dict.fromkeys(IMAGE.findall(markdown))
        if ref in images
    )


def _metadata_above(lines: list[str], first_line: int) -> dict[str, tuple[str, ...]]:
    """``% key: value`` comment lines directly above line ``first_line`` (from 1)."""
    found: dict[str, tuple[str, ...]] = {}
    index = first_line - 2
    while index >= 0 and (match := METADATA.match(lines[index].strip())):
        name = "licence" if match[1].lower() == "license" else match[1].lower()
        values = [v.strip() for v in match[2].split(",")] if name == "tags" else [match[2]]
        found[name] = tuple(v for v in values if v)
        index -= 1
    return found


def _one(metadata: dict[str, tuple[str, ...]], name: str) -> str | None:
    values = metadata.get(name)
    return values[0] if values else None


def write_text2qti(questions: list[PreparedQuestion], title: str) -> str:
    """The questions as a text2qti quiz (choices lettered, ``*`` on the key)."""
    out = [f"Quiz title: {title}", ""]
    for number, question in enumerate(questions, start=1):
        if question.tags:
            out.append(f"% tags: {', '.join(question.tags)}")
        if question.source:
            out.append(f"% source: {question.source}")
        if question.licence:
            out.append(f"% licence: {question.licence}")
        out.append(f"{number}.  " + question.text.replace("\n", "\n    "))
        several = len(question.correct or "") > 1
        keys = question.correct or ""
        for letter, choice in zip(ANSWER_LETTERS, question.choice_words, strict=False):
            right = letter in keys
            if several:
                out.append(f"{'[*]' if right else '[ ]'} {choice}")
            else:
                out.append(f"{'*' if right else ''}{letter.lower()}) {choice}")
        out.append("")
    return "\n".join(out)
