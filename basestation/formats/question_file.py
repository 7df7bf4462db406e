"""``run --questions FILE``: a prepared set of questions.

The file is a text2qti quiz (numbered questions, lettered choices, ``*`` on the key:
:mod:`basestation.formats.quiz_text2qti`), a Moodle GIFT file (``.gift``:
:mod:`basestation.formats.quiz_gift`), a question bank's folder
(:mod:`basestation.formats.bank`), or plain text with one question a line (five
choices, no key). Blank lines and ``#`` lines of plain text are skipped.
"""

from __future__ import annotations

from pathlib import Path

from basestation.domain import PreparedQuestion
from basestation.formats.question_errors import QuestionFileError
from basestation.formats.quiz_gift import looks_like_gift, read_gift
from basestation.formats.quiz_text2qti import looks_like_text2qti, read_text2qti
from basestation.formats.roster import RosterError
from basestation.formats.roster_file import read_roster_text

__all__ = ["QuestionFileError", "read_questions"]
MAX_TEXT = 2000


def read_questions(path: Path, notes: list[str] | None = None) -> list[PreparedQuestion]:
    """Every question of the file, checked; what was left out (a refused image, a kind
    of question that cannot be polled) is said in ``notes``."""
    if path.is_dir():
        from basestation.formats.bank import read_bank

        questions = [entry.question for entry in read_bank(path, notes)]
    else:
        text = read_question_text(path)
        if looks_like_gift(path):
            questions = read_gift(path, text, notes)
        elif looks_like_text2qti(text):
            questions = read_text2qti(path, text, notes)
        else:
            questions = _plain_lines(path, text)
    if not questions and notes:
        raise QuestionFileError(f"{path}: no question in the file can be polled")
    if not questions:
        raise QuestionFileError(f"{path}: no question in the file (one question per line)")
    return questions


MAX_SHOWN_TEXT = 20_000
"""More than a projector or a terminal can show of one question."""


def check_prepared(path: Path, questions: list[PreparedQuestion]) -> None:
    """Refuse, before class, a question that could not be shown: too long to read, or
    text that is not valid Unicode. Its number in the file is named."""
    for number, question in enumerate(questions, start=1):
        for text in (question.text, *question.choice_texts):
            if len(text) > MAX_SHOWN_TEXT:
                raise QuestionFileError(
                    f"{path}: question {number} has a text of {len(text)} characters; "
                    f"at most {MAX_SHOWN_TEXT} can be shown"
                )
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                raise QuestionFileError(
                    f"{path}: question {number} has text that is not valid Unicode"
                ) from None


def read_question_text(path: Path) -> str:
    try:
        return read_roster_text(path)  # the same encodings as a roster saved by Excel
    except RosterError as error:
        raise QuestionFileError("; ".join(error.problems)) from None


def _plain_lines(path: Path, text: str) -> list[PreparedQuestion]:
    questions = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if len(line) > MAX_TEXT:
            raise QuestionFileError(
                f"{path}:{number}: a question of more than {MAX_TEXT} characters"
            )
        questions.append(PreparedQuestion(line))
    return questions
