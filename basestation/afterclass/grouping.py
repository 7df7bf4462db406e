"""Discussion groups after vote 1: neighbours in groups of two or three, chosen so that
as many groups as possible hold different answers (and, with a key, a right one).

It starts from plain neighbour groups (along each row, in seat order: the baseline a
"turn to your neighbour" gives) and swaps students between nearby groups only when
that mixes more groups (or, at equal mixing, puts a right answer in more) while every
group stays a set of neighbours. So it never does worse than the baseline.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from basestation.seats import Seat, neighbours, rows_of

MAX_PASSES = 30

Group = list[Seat]


@dataclass(frozen=True)
class Grouping:
    groups: list[Group]
    baseline: list[Group]

    def mixed_share(self, answers: Mapping[Seat, str]) -> float:
        return mixed_share(self.groups, answers)

    def baseline_share(self, answers: Mapping[Seat, str]) -> float:
        return mixed_share(self.baseline, answers)


def is_mixed(group: Sequence[Seat], answers: Mapping[Seat, str]) -> bool:
    return len({answers[seat] for seat in group}) > 1


def mixed_share(groups: Sequence[Sequence[Seat]], answers: Mapping[Seat, str]) -> float:
    counted = [group for group in groups if len(group) > 1]
    return sum(is_mixed(g, answers) for g in counted) / len(counted) if counted else 0.0


def row_groups(seats: Sequence[Seat], size: int) -> list[Group]:
    """The baseline: along each row in seat order, ``size`` at a time; a row's last
    few (fewer than ``size``) join the group before them in that row."""
    groups: list[Group] = []
    for row, numbers in rows_of(seats).items():
        in_row = [Seat(row, n) for n in numbers]
        chunks = [in_row[i : i + size] for i in range(0, len(in_row), size)]
        if len(chunks) > 1 and len(chunks[-1]) < size:
            last = chunks.pop()
            chunks[-1] += last
        groups += chunks
    return groups


def _connected(group: Sequence[Seat], near: Mapping[Seat, set[Seat]]) -> bool:
    seen, todo = {group[0]}, [group[0]]
    members = set(group)
    while todo:
        for other in near[todo.pop()] & members:
            if other not in seen:
                seen.add(other)
                todo.append(other)
    return len(seen) == len(members)


def _score(group: Sequence[Seat], answers: Mapping[Seat, str], keys: str) -> tuple[int, int]:
    right = any(answers[seat] in keys for seat in group) if keys else False
    return (int(is_mixed(group, answers)), int(right))


def form_groups(answers: Mapping[Seat, str], size: int = 2, keys: str = "") -> Grouping:
    """Groups of the seated voters (``answers``: seat -> vote 1 answer; ``keys``: the
    correct answers, if set)."""
    seats = sorted(answers)
    near = neighbours(seats)
    baseline = row_groups(seats, size)
    groups = [list(group) for group in baseline]
    where = {seat: index for index, group in enumerate(groups) for seat in group}
    for _ in range(MAX_PASSES):
        improved = False
        for index in range(len(groups)):
            for seat in list(groups[index]):
                for other in sorted(near[seat]):
                    other_index = where[other]
                    if other_index == index or where[seat] != index:
                        continue
                    if _swap_helps(groups, index, other_index, seat, other, near, answers, keys):
                        _swap(groups, index, other_index, seat, other, where)
                        improved = True
        if not improved:
            break
    return Grouping(groups, [list(group) for group in baseline])


def _swap_helps(
    groups: list[Group],
    a: int,
    b: int,
    seat: Seat,
    other: Seat,
    near: Mapping[Seat, set[Seat]],
    answers: Mapping[Seat, str],
    keys: str,
) -> bool:
    first = [other if s == seat else s for s in groups[a]]
    second = [seat if s == other else s for s in groups[b]]
    old_a, old_b = _score(groups[a], answers, keys), _score(groups[b], answers, keys)
    new_a, new_b = _score(first, answers, keys), _score(second, answers, keys)
    before = (old_a[0] + old_b[0], old_a[1] + old_b[1])
    after = (new_a[0] + new_b[0], new_a[1] + new_b[1])
    return after > before and _connected(first, near) and _connected(second, near)


def _swap(
    groups: list[Group], a: int, b: int, seat: Seat, other: Seat, where: dict[Seat, int]
) -> None:
    groups[a] = [other if s == seat else s for s in groups[a]]
    groups[b] = [seat if s == other else s for s in groups[b]]
    where[seat], where[other] = b, a
