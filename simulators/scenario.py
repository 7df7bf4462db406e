"""A class script with its radio: the rounds a receiver emulator plays and their ground truth."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from simulators.classroom import LETTERS, ClassroomModel
from simulators.link_receiver import ScheduledRound
from simulators.radio import RadioModel, heard_final_answers


@dataclass(frozen=True)
class ClassScenario:
    """``students`` handsets, ``questions`` questions (each with a revote if asked)."""

    students: int = 300
    seed: int = 0
    questions: int = 1
    revote: bool = False
    loss: float = 0.0
    corrupt: float = 0.0
    max_copies: int = 3
    median_reaction_s: float = 15.0
    rogue: float = 0.0
    radio: str = "iclicker"
    """``iclicker`` or ``turningpoint`` (ResponseCards: six-digit IDs, keys 1-5)."""
    choices: int = 5
    """Answers A to the Nth letter (more than 5 on ResponseCards only)."""

    def handsets(self) -> list[str]:
        """The class's handset IDs, as its handsets send them."""
        return self._classroom().handsets

    def _classroom(self) -> ClassroomModel:
        return ClassroomModel(
            self.students,
            seed=self.seed,
            median_reaction_s=self.median_reaction_s,
            radio=self.radio,
            choices=self.choices,
        )

    def rounds(self) -> list[ScheduledRound]:
        classroom = self._classroom()
        radio = RadioModel(
            loss=self.loss,
            corrupt=self.corrupt,
            max_copies=self.max_copies,
            rogue=self.rogue,
            radio=self.radio,
        )
        scheduled = []
        for index, script in enumerate(classroom.script(self.questions, self.revote)):
            heard = radio.transmit(script.presses, seed=self.seed * 1_000 + index)
            scheduled.append(ScheduledRound(script.question, script.round, script.correct, heard))
        return scheduled

    def truth(self) -> list[dict[str, Any]]:
        """Per round: the latest answer heard from each handset and the tallies it gives."""
        return [round_truth(scheduled) for scheduled in self.rounds()]


def round_truth(scheduled: ScheduledRound) -> dict[str, Any]:
    final = heard_final_answers(scheduled.transmissions)
    tally = Counter(final.values())
    return {
        "question": scheduled.question,
        "round": scheduled.round,
        "correct": scheduled.correct,
        "voters": len(final),
        "counts": {answer: tally.get(answer, 0) for answer in LETTERS[: max(5, _letters(final))]},
        "latest": final,
        "copies_heard": len(scheduled.transmissions),
        "copies_corrupted": sum(not t.intact for t in scheduled.transmissions),
    }


def _letters(final: dict[str, str]) -> int:
    """How many letters the answers heard reach (A-E at least, as a poll shows them)."""
    return max((LETTERS.index(a) + 1 for a in final.values() if a in LETTERS), default=0)
