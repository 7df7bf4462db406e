"""Expected figures computed the plain way, straight from the definitions in the README
and DESIGN.md, with no project code: tests compare the project's answers with these."""

from __future__ import annotations

from collections.abc import Mapping


def switching_matrix(
    first: Mapping[str, str], second: Mapping[str, str], answers: str = "ABCDE"
) -> dict[str, dict[str, int]]:
    """Count of handsets that answered ``a`` in vote 1 and ``b`` in vote 2."""
    matrix = {a: {b: 0 for b in answers} for a in answers}
    for handset, before in first.items():
        if handset in second:
            matrix[before][second[handset]] += 1
    return matrix


def switch_classes(
    first: Mapping[str, str], second: Mapping[str, str], correct: str
) -> dict[str, int]:
    """RR, RW, WR, and WW split into the same wrong answer and a different wrong one."""
    classes = {"RR": 0, "RW": 0, "WR": 0, "WW_same": 0, "WW_diff": 0}
    for handset, before in first.items():
        if handset not in second:
            continue
        after = second[handset]
        if before == correct and after == correct:
            classes["RR"] += 1
        elif before == correct:
            classes["RW"] += 1
        elif after == correct:
            classes["WR"] += 1
        elif before == after:
            classes["WW_same"] += 1
        else:
            classes["WW_diff"] += 1
    return classes


def hake_gain(first: Mapping[str, str], second: Mapping[str, str], correct: str) -> float | None:
    """(p2 - p1) / (1 - p1) over the handsets that voted in both rounds."""
    both = [h for h in first if h in second]
    if not both:
        return None
    p1 = sum(first[h] == correct for h in both) / len(both)
    p2 = sum(second[h] == correct for h in both) / len(both)
    return None if p1 == 1 else (p2 - p1) / (1 - p1)
