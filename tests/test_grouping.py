"""Discussion groups, checked against the rules themselves on random classes: every
seated voter in exactly one group, every group a set of neighbours, sizes as asked, and
more mixed groups than plain neighbour pairs give (never fewer)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from basestation.afterclass.grouping import form_groups, mixed_share, row_groups
from basestation.seats import Seat, SeatError, neighbours

seat_sets = st.sets(st.builds(Seat, st.integers(0, 6), st.integers(1, 14)), min_size=2, max_size=70)


def classes(draw_seats: set[Seat], data: st.DataObject) -> dict[Seat, str]:
    seats = sorted(draw_seats)
    letters = data.draw(st.lists(st.sampled_from("ABCD"), min_size=len(seats), max_size=len(seats)))
    return dict(zip(seats, letters, strict=True))


def connected(group: list[Seat], near: dict[Seat, set[Seat]]) -> bool:
    reached, todo = {group[0]}, [group[0]]
    while todo:
        for other in near[todo.pop()]:
            if other in group and other not in reached:
                reached.add(other)
                todo.append(other)
    return reached == set(group)


@given(seat_sets, st.sampled_from([2, 3]), st.data())
@settings(max_examples=150, deadline=None)
def test_groups_keep_the_rules(seats: set[Seat], size: int, data: st.DataObject) -> None:
    answers = classes(seats, data)
    grouping = form_groups(answers, size, keys="B")
    placed = [seat for group in grouping.groups for seat in group]
    assert sorted(placed) == sorted(seats)  # each seated voter in exactly one group
    near = neighbours(seats)
    by_row: dict[int, int] = {}
    for seat in seats:
        by_row[seat.row_index] = by_row.get(seat.row_index, 0) + 1
    for group in grouping.groups:
        assert connected(group, near)
    for group in grouping.baseline:  # size at a time, a row's last few with the group before
        row_is_short = by_row[group[0].row_index] < size
        assert size <= len(group) < 2 * size or (
            row_is_short and len(group) == by_row[group[0].row_index]
        )
    # swaps keep the sizes: as many groups of each size as the plain pairs have
    assert sorted(map(len, grouping.groups)) == sorted(map(len, grouping.baseline))
    assert grouping.mixed_share(answers) >= grouping.baseline_share(answers)


def test_neighbours_skip_empty_seats_and_reach_the_rows_around() -> None:
    seats = [Seat.parse(text) for text in ("C11", "C13", "B12", "D2", "D20")]
    near = neighbours(seats)
    c11, c13, b12, d2, d20 = seats
    assert near[c11] == {c13, b12, d2, d20}  # C13 is next (C12 empty); D2, D20 both 9 away
    assert b12 in near[c13] and d20 in near[c13]
    assert str(Seat.parse(" aa 7 ")) == "AA7" and Seat.parse("C12") < Seat.parse("D1")
    with pytest.raises(SeatError):
        Seat.parse("12C")


def test_on_average_mixing_beats_plain_neighbour_pairs() -> None:
    rng = random.Random(4)
    ours, plain = [], []
    for _ in range(60):
        seats = {Seat(rng.randrange(8), rng.randrange(1, 20)) for _ in range(90)}
        # a realistic room: friends who agree sit together, in runs along the rows
        answers, letter = {}, "A"
        for seat in sorted(seats):
            if rng.random() < 0.3:
                letter = rng.choice("ABCD")
            answers[seat] = letter
        grouping = form_groups(answers, 2)
        ours.append(grouping.mixed_share(answers))
        plain.append(mixed_share(row_groups(sorted(seats), 2), answers))
    assert all(o >= p for o, p in zip(ours, plain, strict=True))
    assert sum(ours) / len(ours) > sum(plain) / len(plain) + 0.1


def test_groups_through_the_cli_against_the_stored_votes(tmp_path: Path) -> None:
    from simulators.classroom import ClassroomModel
    from tests.helpers import query, run_cli

    db = tmp_path / "groups.db"
    recorded = run_cli("record", "--db", str(db), "--receiver", "sim://40?seed=3&speed=50")
    assert recorded.returncode == 0, recorded.stderr
    handsets = ClassroomModel(40, seed=3).handsets
    seats = tmp_path / "seats.csv"
    seats.write_text(
        "Handset,Seat\n"
        + "".join(f"{h},{'ABCDEF'[i // 6]}{i % 6 + 1}\n" for i, h in enumerate(handsets[:36]))
    )
    result = run_cli("groups", "--db", str(db), "--session", "1", "--seats", str(seats), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    latest = dict(
        query(
            db,
            "SELECT handset, answer FROM votes "
            "WHERE id IN (SELECT MAX(id) FROM votes GROUP BY handset)",
        )
    )
    seat_of = {f"{'ABCDEF'[i // 6]}{i % 6 + 1}": h for i, h in enumerate(handsets[:36])}
    listed = [seat for group in report["groups"] for seat in group["seats"]]
    assert sorted(listed) == sorted(s for s, h in seat_of.items() if h in latest)
    for group in report["groups"]:
        assert group["answers"] == [latest[seat_of[seat]] for seat in group["seats"]]
        assert group["mixed"] == (len(set(group["answers"])) > 1)
    assert sorted(report["without_seat"]) == sorted(h for h in latest if h not in handsets[:36])
    assert report["mixed_share"] >= report["neighbour_pairs_mixed_share"]
    bad = tmp_path / "bad.csv"
    bad.write_text("Handset,Seat\nAABBCCDD,12C\n")
    refused = run_cli("groups", "--db", str(db), "--session", "1", "--seats", str(bad))
    assert refused.returncode == 1 and "is not a seat like C12" in refused.stderr


def test_analyze_compares_the_revote_of_mixed_and_same_answer_groups(tmp_path: Path) -> None:
    from simulators.classroom import ClassroomModel
    from tests.helpers import query, rounds_of_question, run_cli

    db = tmp_path / "kinds.db"
    url = "sim://40?seed=5&speed=50&revote=1"
    assert run_cli("record", "--db", str(db), "--receiver", url, "--course", "P").returncode == 0
    revote = run_cli("record", "--db", str(db), "--receiver", url, "--session", "1", "--revote")
    assert revote.returncode == 0, revote.stderr
    assert run_cli("key", "--db", str(db), "--session", "1", "--question", "1", "B").returncode == 0
    handsets = ClassroomModel(40, seed=5).handsets
    seats = tmp_path / "seats.csv"
    seats.write_text(
        "Handset,Seat\n"
        + "".join(f"{h},{'ABCDE'[i // 8]}{i % 8 + 1}\n" for i, h in enumerate(handsets))
    )
    stored = run_cli("groups", "--db", str(db), "--session", "1", "--seats", str(seats), "--store")
    assert stored.returncode == 0, stored.stderr
    report = json.loads(run_cli("analyze", "--db", str(db), "--session", "1", "--json").stdout)
    by_group = report["questions"][0]["by_group"]

    first, second = rounds_of_question(db, 1, 1)
    group_of = dict(query(db, "SELECT handset, group_no FROM poll_groups"))
    members: dict[int, list[str]] = {}
    for handset, number in group_of.items():
        members.setdefault(number, []).append(handset)
    expected_cells = []
    for kind in ("mixed", "same"):
        chosen = [
            hs for hs in members.values() if (len({first[h] for h in hs}) > 1) == (kind == "mixed")
        ]
        paired = [h for hs in chosen for h in hs if h in first and h in second]
        assert by_group[kind]["groups"] == len(chosen)
        assert by_group[kind]["paired"] == len(paired)
        if paired:
            before = 100 * sum(first[h] == "B" for h in paired) / len(paired)
            after = 100 * sum(second[h] == "B" for h in paired) / len(paired)
            assert by_group[kind]["percent_correct"] == [round(before, 1), round(after, 1)]
            expected_cells.append(f"{before:.0f}% → {after:.0f}%, gain")
    text = run_cli("analyze", "--db", str(db), "--session", "1").stdout
    assert "after discussion in mixed groups:" in text
    page = tmp_path / "report.html"
    assert run_cli("report", "--db", str(db), "--session", "1", "-o", str(page)).returncode == 0
    assert "After discussion in mixed groups" in page.read_text()
    term = tmp_path / "term.html"
    assert run_cli("report", "--db", str(db), "--course", "P", "-o", str(term)).returncode == 0
    shown = term.read_text()
    assert expected_cells and all(cell in shown for cell in expected_cells)
    assert "normalized change" in shown and "Marx" in shown


def test_a_roster_with_seats_seats_the_course_for_groups(tmp_path: Path) -> None:
    """A roster's Seat column, kept per course, is the seating when no --seats is given."""
    from simulators.classroom import ClassroomModel
    from tests.helpers import run_cli

    db = tmp_path / "roster-seats.db"
    handsets = ClassroomModel(30, seed=4).handsets
    seat_of = {h: f"{'ABCDE'[i // 6]}{i % 6 + 1}" for i, h in enumerate(handsets)}
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "Student ID,Name,Clicker ID,Seat\n"
        + "".join(f"S{i:03d},Student {i},{h},{seat_of[h]}\n" for i, h in enumerate(handsets))
    )
    imported = run_cli("roster", "import", str(roster), "--db", str(db), "--course", "PHYS")
    assert imported.returncode == 0, imported.stderr
    shown = run_cli("roster", "show", "--db", str(db), "--course", "PHYS", "--json")
    seats = {s["student_id"]: s["seat"] for s in json.loads(shown.stdout)["students"]}
    assert seats["S000"] == seat_of[handsets[0]] and len(seats) == 30
    recorded = run_cli(
        "record", "--db", str(db), "--course", "PHYS", "--receiver", "sim://30?seed=4&speed=50"
    )
    assert recorded.returncode == 0, recorded.stderr
    result = run_cli("groups", "--db", str(db), "--session", "1", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    for group in report["groups"]:
        for seat, student in zip(group["seats"], group["students"], strict=True):
            assert seat == seat_of[handsets[int(student[1:])]]
    bad = tmp_path / "bad-roster.csv"
    bad.write_text("Student ID,Clicker ID,Seat\nS1,11111111,front row\n")
    refused = run_cli("roster", "import", str(bad), "--db", str(db), "--course", "PHYS")
    assert refused.returncode == 1 and "line 2" in refused.stderr and "seat" in refused.stderr
