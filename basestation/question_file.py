"""``run --questions FILE``: a prepared list of questions, one per line.

Blank lines and lines starting with ``#`` are skipped. Each question takes five
choices (A-E) and no key; the key is set in class (``c``).
"""

from __future__ import annotations

from pathlib import Path

from basestation.domain import PreparedQuestion
from basestation.roster import RosterError
from basestation.roster_file import read_roster_text

MAX_TEXT = 2000


class QuestionFileError(ValueError):
    """A question file that cannot be used (its message names the file and line)."""


def read_questions(path: Path) -> list[PreparedQuestion]:
    try:
        text = read_roster_text(path)  # the same encodings as a roster saved by Excel
    except RosterError as error:
        raise QuestionFileError("; ".join(error.problems)) from None
    questions = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if len(line) > MAX_TEXT:
            raise QuestionFileError(f"{path}:{number}: a question of more than {MAX_TEXT} "
                                    "characters")
        questions.append(PreparedQuestion(line))
    if not questions:
        raise QuestionFileError(f"{path}: no question in the file (one question per line)")
    return questions
