"""The application's vocabulary: answers, questions, votes and handset IDs.

Every codec maps its vendor's codes onto these words (iClicker buttons A-E,
TurningPoint keys 1/A..0/J), so nothing above ``firmware_protocol/`` needs a
vendor codec's constants. A question declares its kind and how many choices it
has; the vote buffer, tallies, screens and exports follow the question.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

ANSWER_LETTERS = "ABCDEFGHIJ"
"""Every answer any handset can give, in order: choice 1 is A, choice 10 is J."""
MIN_CHOICES = 2
MAX_CHOICES = len(ANSWER_LETTERS)
DEFAULT_CHOICES = 5
"""An iClicker handset has five answer buttons; a question that does not say has A-E."""

Handset = str
"""A handset ID as the application sees it: upper-case hex (8 digits for iClicker,
6 for TurningPoint), or a pseudonym in an anonymous session."""


class QuestionKind(StrEnum):
    MULTIPLE_CHOICE = "multiple-choice"


class ChoiceError(ValueError):
    """An answer or a number of choices that a question cannot have."""


def choices_of(count: int) -> tuple[str, ...]:
    """The answers of a question with ``count`` choices: A, B, … (2 to 10 of them)."""
    if not MIN_CHOICES <= count <= MAX_CHOICES:
        raise ChoiceError(f"a question has {MIN_CHOICES} to {MAX_CHOICES} choices, not {count}")
    return tuple(ANSWER_LETTERS[:count])


DEFAULT_ANSWERS = choices_of(DEFAULT_CHOICES)


@dataclass(frozen=True, slots=True)
class QuestionSpec:
    """What a question accepts as an answer."""

    kind: QuestionKind = QuestionKind.MULTIPLE_CHOICE
    choices: int = DEFAULT_CHOICES

    def __post_init__(self) -> None:
        choices_of(self.choices)  # refuses an impossible number of choices

    @property
    def answers(self) -> tuple[str, ...]:
        return choices_of(self.choices)

    def check_key(self, correct: str | None) -> None:
        """A key is none, or one or more of the question's answers (``B``, ``AC``);
        ChoiceError for anything else."""
        if correct is not None and (not correct or any(c not in self.answers for c in correct)):
            raise ChoiceError(f"correct answer {correct!r} is not one of {', '.join(self.answers)}")


def correct_answers(text: str | None) -> tuple[str, ...]:
    """A stored key (``B``, or several: ``AC``) as a tuple of answers."""
    return tuple(letter for letter in (text or "") if letter in ANSWER_LETTERS)


def key_text(text: str | None) -> str:
    """A key as people read it: ``B``, ``A or C``, ``A, B or D``; ``-`` for none."""
    keys = correct_answers(text)
    if not keys:
        return "-"
    return keys[0] if len(keys) == 1 else f"{', '.join(keys[:-1])} or {keys[-1]}"


SEVERAL_KEYS_RULE = "with several correct answers, a vote for any one of them is correct"


class Vote(NamedTuple):
    """One accepted vote: who, what, heard by which receiver, when.

    ``receiver_time_us`` is the receiver's own clock in microseconds (None when the
    receiver has none); ``base_seq`` is a USB base's record sequence number (None
    for receivers that do not number their records). ``seq`` numbers the poll's
    accepted votes 1, 2, 3 …: it, not the wall clock, says which came last.
    """

    handset: Handset
    answer: str
    receiver: str
    host_time: float
    receiver_time_us: int | None = None
    base_seq: int | None = None
    seq: int = 0


@dataclass(frozen=True, slots=True)
class QuestionImage:
    """An image a question's text refers to: its path as written there, and its bytes."""

    path: str
    data: bytes


@dataclass(frozen=True, slots=True)
class PreparedQuestion:
    """A question written before class: its text, what it accepts, and its key; from a
    question set or a bank also the choices' own words, tags, source, licence and the
    images it refers to (paths relative to its file)."""

    text: str
    spec: QuestionSpec = QuestionSpec()
    correct: str | None = None
    choice_texts: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    source: str | None = None
    licence: str | None = None
    images: tuple[QuestionImage, ...] = ()

    def __post_init__(self) -> None:
        self.spec.check_key(self.correct)
        if self.choice_texts and len(self.choice_texts) != self.spec.choices:
            raise ChoiceError(
                f"{len(self.choice_texts)} choice texts for {self.spec.choices} choices"
            )

    @property
    def choice_words(self) -> tuple[str, ...]:
        """What each choice says: its own words, or its letter when it has none."""
        return self.choice_texts or self.spec.answers

    @property
    def bank_id(self) -> str:
        """The question's identity in every bank: its words and its choices' words."""
        digest = hashlib.sha256("\x1f".join((self.text, *self.choice_texts)).encode())
        return digest.hexdigest()[:16]
