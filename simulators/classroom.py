"""A seeded classroom: who answers what, when, and how Peer Instruction changes minds.

Times are in class seconds from the moment the poll opens; players scale them.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from firmware_protocol.handset_id import handset_id_from_bytes
from firmware_protocol.iclicker_air import ANSWERS

LETTERS = "ABCDEFGHIJ"
"""The answers of ten keys (a ResponseCard's 1/A .. 0/J); iClicker handsets have five."""


@dataclass(frozen=True, slots=True)
class Press:
    """One button press: the student's current choice at ``time``."""

    time: float
    handset: str
    answer: str


@dataclass(frozen=True, slots=True)
class RoundScript:
    """The presses of one poll: round 1 is the first vote, round 2 the revote."""

    question: int
    round: int
    correct: str
    presses: tuple[Press, ...]


@dataclass
class ClassroomModel:
    """``students`` handsets answering questions with a first vote and a revote.

    Each question has a correct answer, a difficulty and one attractive wrong
    answer. Reaction times are log-normal; some students change their mind; in
    the revote, discussion moves many wrong answers to the right one.
    """

    students: int
    seed: int = 0
    participation: float = 0.95
    change_of_mind: float = 0.1
    median_reaction_s: float = 15.0
    round_length_s: float = 60.0
    radio: str = "iclicker"
    """``turningpoint``: ResponseCards, whose IDs have six hex digits."""
    choices: int = len(ANSWERS)
    """Answers A to the Nth letter: 2-5 on iClicker handsets, up to 10 on ResponseCards."""
    handsets: list[str] = field(init=False)

    def __post_init__(self) -> None:
        if self.students < 0:
            raise ValueError("students must be zero or more")
        most = len(LETTERS) if self.radio == "turningpoint" else len(ANSWERS)
        if not 2 <= self.choices <= most:
            raise ValueError(
                f"{self.radio} handsets answer 2 to {most} choices, not {self.choices}"
            )
        self._rng = random.Random(self.seed)
        self.handsets = make_handset_ids(self.students, self._rng)
        if self.radio == "turningpoint":
            self.handsets = [handset[:6] for handset in self.handsets]  # three random bytes
        self._ability = [self._rng.gauss(0.0, 1.0) for _ in self.handsets]

    def script(self, questions: int, revote: bool = True) -> list[RoundScript]:
        """Every round of ``questions`` questions, in the order a class plays them."""
        rounds: list[RoundScript] = []
        for number in range(1, questions + 1):
            first, second = self.question(number)
            rounds.append(first)
            if revote:
                rounds.append(second)
        return rounds

    def question(self, number: int) -> tuple[RoundScript, RoundScript]:
        """The first vote and the revote of one question."""
        rng = self._rng
        answers = LETTERS[: self.choices]
        correct = rng.choice(answers)
        wrong = [a for a in answers if a != correct]
        lure = rng.choice(wrong)
        difficulty = rng.uniform(-1.0, 1.2)
        first_choice: dict[str, str] = {}
        presses_1: list[Press] = []
        presses_2: list[Press] = []
        for handset, ability in zip(self.handsets, self._ability, strict=True):
            p_right = 1.0 / (1.0 + math.exp(-(ability - difficulty)))
            if rng.random() < self.participation:
                answer = correct if rng.random() < p_right else _wrong_choice(rng, wrong, lure)
                first_choice[handset] = answer
                presses_1 += self._presses(rng, handset, answer, correct, wrong, 1.0)
            if rng.random() < self.participation:
                before = first_choice.get(handset)
                if before is None:
                    answer = correct if rng.random() < p_right else _wrong_choice(rng, wrong, lure)
                elif before == correct:
                    answer = correct if rng.random() < 0.95 else _wrong_choice(rng, wrong, lure)
                else:
                    roll = rng.random()
                    kept = before if roll < 0.9 else rng.choice(wrong)
                    answer = correct if roll < 0.55 else kept
                presses_2 += self._presses(rng, handset, answer, correct, wrong, 0.6)
        return (
            RoundScript(number, 1, correct, tuple(sorted(presses_1, key=_by_time))),
            RoundScript(number, 2, correct, tuple(sorted(presses_2, key=_by_time))),
        )

    def _presses(
        self,
        rng: random.Random,
        handset: str,
        answer: str,
        correct: str,
        wrong: list[str],
        speedup: float,
    ) -> list[Press]:
        limit = self.round_length_s
        median = self.median_reaction_s * speedup
        first = min(rng.lognormvariate(math.log(median), 0.6), limit * 0.8)
        presses = [Press(first, handset, answer)]
        if rng.random() < self.change_of_mind:
            later = min(first + rng.expovariate(1 / 6.0) + 0.5, limit * 0.95)
            others = [a for a in (*wrong, correct) if a != answer]
            other = correct if answer != correct and rng.random() < 0.5 else rng.choice(others)
            presses.append(Press(later, handset, other))
        return presses


def _by_time(press: Press) -> float:
    return press.time


def _wrong_choice(rng: random.Random, wrong: list[str], lure: str) -> str:
    return lure if rng.random() < 0.5 else rng.choice(wrong)


def make_handset_ids(count: int, rng: random.Random) -> list[str]:
    """``count`` distinct valid handset IDs."""
    seen: set[str] = set()
    ids: list[str] = []
    while len(ids) < count:
        handset = handset_id_from_bytes(rng.randrange(256), rng.randrange(256), rng.randrange(256))
        if handset not in seen:
            seen.add(handset)
            ids.append(handset)
    return ids
