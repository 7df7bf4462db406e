"""Peer Instruction figures: tallies, percent correct, the switching matrix, normalized gain.

Every figure follows the question: ``answers`` are its choices (A-E unless it says
otherwise), and a key may name several correct answers (``AC``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from basestation.domain import DEFAULT_ANSWERS, correct_answers


@dataclass(frozen=True)
class DiscussionBand:
    """The share right on vote 1 where peer discussion pays off (Mazur; Crouch and Mazur
    2001): below it the concept needs explaining first, above it a brief word will do."""

    low: float = 0.30
    high: float = 0.70

    @classmethod
    def parse(cls, text: str) -> DiscussionBand:
        """``30-70`` (percent) into a band; ValueError with the reason otherwise."""
        low_text, dash, high_text = text.replace("%", "").strip().partition("-")
        try:
            low, high = float(low_text) / 100, float(high_text) / 100
        except ValueError:
            raise ValueError(f"{text!r} is not a band like 30-70") from None
        if not dash or not 0 <= low < high <= 1:
            raise ValueError(f"{text!r} is not a band like 30-70 (0 <= low < high <= 100)")
        return cls(low, high)

    def __str__(self) -> str:
        """``30-70``: percents, as ``--band`` takes them."""
        return f"{self.low * 100:g}-{self.high * 100:g}"

    def place(self, share: float) -> str:
        """``below``, ``inside`` or ``above`` the band."""
        if share < self.low:
            return "below"
        return "above" if share > self.high else "inside"


DEFAULT_BAND = DiscussionBand()


def expected_voters(roster_size: int | None, handsets_seen: int) -> int:
    """The one denominator of a response rate, on the dashboard, the TA view, ``analyze``
    and the report: the course's roster when it has one, else every handset heard in
    the session."""
    return roster_size or handsets_seen


def expected_text(roster_size: int | None, handsets_seen: int) -> str:
    """What a response rate is counted against, in words (:func:`expected_voters`)."""
    if roster_size:
        return f"the {roster_size} students on the course's roster"
    return f"the {handsets_seen} handsets heard in the session"


@dataclass(frozen=True)
class RoundFigures:
    counts: dict[str, int]
    voters: int
    percent_correct: float | None


@dataclass(frozen=True)
class Comparison:
    """Vote 1 against vote 2 of one question, over handsets that voted in both."""

    first: RoundFigures
    second: RoundFigures
    paired: int
    matrix: dict[str, dict[str, int]]
    switches: dict[str, int] | None
    paired_correct_first: float | None
    paired_correct_second: float | None
    gain: float | None

    @property
    def changed(self) -> int:
        return self.paired - sum(self.matrix[a][a] for a in self.matrix)


def round_figures(
    latest: Mapping[str, str], correct: str | None, answers: Sequence[str] = DEFAULT_ANSWERS
) -> RoundFigures:
    counts = Counter(latest.values())
    voters = len(latest)
    keys = correct_answers(correct)
    right = None if not keys or not voters else sum(counts.get(k, 0) for k in keys) / voters
    return RoundFigures({a: counts.get(a, 0) for a in answers}, voters, right)


def normalized_gain(p1: float, p2: float) -> float | None:
    """Hake's (p2 - p1) / (1 - p1); undefined (None) when everybody was right at first."""
    return None if p1 >= 1.0 else (p2 - p1) / (1.0 - p1)


def room_advice(percent_correct: float | None, band: DiscussionBand = DEFAULT_BAND) -> str:
    """What the projector may say after vote 1: the next step for the room, with no
    number and no letter (the band decides it; the figure stays with the lecturer)."""
    if percent_correct is None or band.place(percent_correct) == "above":
        return ""
    if band.place(percent_correct) == "below":
        return "Let's work through it together"
    return "Convince your neighbours, then we vote again"


def discussion_hint(percent_correct: float | None, band: DiscussionBand = DEFAULT_BAND) -> str:
    """Mazur's rule of thumb on whether to run peer discussion after vote 1."""
    if percent_correct is None:
        return "set the correct answer to get advice"
    place = band.place(percent_correct)
    if place == "below":
        return f"under {band.low * 100:g} % right: revisit the concept before discussion"
    if place == "above":
        return f"over {band.high * 100:g} % right: explain briefly and move on"
    return f"{band} % right: peer discussion pays off, run a revote"


def revote_hint(
    first_correct: float | None,
    second_correct: float | None,
    band: DiscussionBand = DEFAULT_BAND,
) -> str:
    """The advice once the revote is in: what discussion did."""
    if first_correct is None or second_correct is None:
        return "set the correct answer to get advice"
    if band.place(second_correct) == "above":
        return f"{second_correct:.0%} right after discussion: explain briefly and move on"
    if band.place(second_correct) == "below":
        return f"{second_correct:.0%} right after discussion: revisit the concept"
    if second_correct <= first_correct:
        return "no better after discussion: explain the concept again"
    return f"{second_correct:.0%} right after discussion: clear up what is left, then move on"


GAIN_MEANING = (
    "normalized gain (Hake): of what the class could still gain after vote 1, the share "
    "it gained on the revote"
)
CHANGE_MEANING = (
    "normalized change (Marx and Cummings): each student's own gain or loss, averaged; "
    "students right or wrong both times do not count"
)


def normalized_change(switches: Mapping[str, int] | None) -> float | None:
    """Marx and Cummings' per-student normalized change, averaged, on one question: a
    student wrong then right changes by +1, right then wrong by -1; one right both
    times or wrong both times is left out (their score cannot move). None when
    nobody switched between right and wrong."""
    if not switches or not switches["WR"] + switches["RW"]:
        return None
    return (switches["WR"] - switches["RW"]) / (switches["WR"] + switches["RW"])


def gain_text(gain: float | None, paired: int) -> str:
    """The normalized gain as it is shown everywhere: a percent with its n."""
    if not paired:
        return "- (nobody voted in both rounds)"
    if gain is None:
        return f"undefined: all right in vote 1 (n = {paired})"
    return f"{gain:.0%} (n = {paired})"


def compare_rounds(
    first: Mapping[str, str],
    second: Mapping[str, str],
    correct: str | None,
    answers: Sequence[str] = DEFAULT_ANSWERS,
) -> Comparison:
    """The k x k switching matrix (vote 1 answer -> vote 2 answer) and its summary."""
    both = first.keys() & second.keys()
    # each (vote 1, vote 2) pair of answers, counted over the handsets that voted twice
    pairs = Counter(zip(map(first.__getitem__, both), map(second.__getitem__, both), strict=True))
    matrix = {a: dict.fromkeys(answers, 0) for a in answers}
    for (before, after), count in pairs.items():
        if before in matrix and after in matrix:
            matrix[before][after] += count
    paired = sum(sum(row.values()) for row in matrix.values())
    switches = None
    p1 = p2 = gain = None
    keys = correct_answers(correct)
    if keys:
        switches = {"RR": 0, "RW": 0, "WR": 0, "WW_same": 0, "WW_diff": 0}
        for before, row in matrix.items():
            for after, count in row.items():
                if before in keys:
                    switches["RR" if after in keys else "RW"] += count
                elif after in keys:
                    switches["WR"] += count
                else:
                    switches["WW_same" if before == after else "WW_diff"] += count
        if paired:
            p1 = (switches["RR"] + switches["RW"]) / paired
            p2 = (switches["RR"] + switches["WR"]) / paired
            gain = normalized_gain(p1, p2)
    return Comparison(
        round_figures(first, correct, answers),
        round_figures(second, correct, answers),
        paired,
        matrix,
        switches,
        p1,
        p2,
        gain,
    )


@dataclass(frozen=True)
class PollRound:
    """One stored poll as analysis needs it: who answered what, and when."""

    poll: int
    round: int
    opened_at: float
    latest: dict[str, str]
    first_vote_at: dict[str, float]


def response_times(poll: PollRound) -> dict[str, float | None]:
    """Seconds from opening to each handset's first vote: median and 90th percentile."""
    return time_spread([at - poll.opened_at for at in poll.first_vote_at.values()])


def time_spread(seconds: list[float]) -> dict[str, float | None]:
    """The median and the 90th percentile of response times (None: nobody answered)."""
    times = sorted(seconds)
    if not times:
        return {"median_s": None, "p90_s": None}
    return {
        "median_s": round(times[len(times) // 2], 2),
        "p90_s": round(times[min(len(times) - 1, int(len(times) * 0.9))], 2),
    }


def round_report(
    poll: PollRound,
    correct: str | None,
    expected: int,
    answers: Sequence[str] = DEFAULT_ANSWERS,
) -> dict[str, object]:
    """``expected``: the denominator of the response rate (:func:`expected_voters`)."""
    figures = round_figures(poll.latest, correct, answers)
    return {
        "poll": poll.poll,
        "round": poll.round,
        "counts": figures.counts,
        "percent": {
            a: (round(100 * c / figures.voters, 1) if figures.voters else 0.0)
            for a, c in figures.counts.items()
        },
        "voters": figures.voters,
        "response_rate": round(figures.voters / expected, 3) if expected else None,
        "percent_correct": None
        if figures.percent_correct is None
        else round(100 * figures.percent_correct, 1),
        "response_times": response_times(poll),
    }


def question_report(
    number: int,
    correct: str | None,
    rounds: list[PollRound],
    expected: int,
    answers: Sequence[str] = DEFAULT_ANSWERS,
    band: DiscussionBand = DEFAULT_BAND,
) -> dict[str, object]:
    """The figures of one question: every round, and vote 1 against the last revote."""
    report: dict[str, object] = {
        "question": number,
        "correct": correct,
        "answers": list(answers),
        "rounds": [round_report(poll, correct, expected, answers) for poll in rounds],
    }
    if rounds:
        report["hint"] = discussion_hint(
            round_figures(rounds[0].latest, correct, answers).percent_correct, band
        )
    if len(rounds) >= 2:
        report["hint"] = revote_hint(
            round_figures(rounds[0].latest, correct, answers).percent_correct,
            round_figures(rounds[-1].latest, correct, answers).percent_correct,
            band,
        )
    if len(rounds) >= 2:
        comparison = compare_rounds(rounds[0].latest, rounds[-1].latest, correct, answers)
        report |= {
            "paired": comparison.paired,
            "matrix": comparison.matrix,
            "switches": comparison.switches,
            "paired_percent_correct": None
            if comparison.paired_correct_first is None
            else [
                round(100 * comparison.paired_correct_first, 1),
                round(100 * (comparison.paired_correct_second or 0.0), 1),
            ],
            "gain": None if comparison.gain is None else round(comparison.gain, 3),
            "normalized_change": None
            if (change := normalized_change(comparison.switches)) is None
            else round(change, 3),
        }
    return report
