"""The VoteBuffer: dedup, latest vote per handset, O(1) tallies, late votes."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from basestation.domain import DEFAULT_ANSWERS as ANSWERS
from basestation.live.votes import Outcome, Vote, VoteBuffer

H1, H2 = "A24653B7", "428071B3"


def opened(window: float = 2.0) -> VoteBuffer:
    buffer = VoteBuffer(window, keep_votes=True)
    buffer.open(11)
    return buffer


def test_retransmissions_are_duplicates_and_changes_are_votes() -> None:
    buffer = opened()
    assert buffer.offer(H1, "A", "r1", 0.0) is Outcome.ACCEPTED
    assert buffer.offer(H1, "A", "r1", 0.1) is Outcome.DUPLICATE
    assert buffer.offer(H1, "A", "r2", 0.15) is Outcome.DUPLICATE  # heard by a second receiver
    assert buffer.offer(H1, "C", "r1", 1.0) is Outcome.ACCEPTED
    assert buffer.offer(H2, "C", "r1", 1.0) is Outcome.ACCEPTED
    snapshot = buffer.snapshot()
    assert snapshot.counts == {"A": 0, "B": 0, "C": 2, "D": 0, "E": 0}
    assert (snapshot.voters, snapshot.votes, snapshot.duplicates) == (2, 3, 2)
    assert [(vote.handset, vote.answer, vote.seq) for vote in buffer.take_votes()] == [
        (H1, "A", 1),
        (H1, "C", 2),
        (H2, "C", 3),
    ]
    assert buffer.take_votes() == []  # each vote is taken once


def test_same_answer_after_the_window_is_a_second_press_not_a_new_tally() -> None:
    buffer = opened(window=2.0)
    buffer.offer(H1, "B", "r", 0.0)
    assert buffer.offer(H1, "B", "r", 1.9) is Outcome.DUPLICATE
    assert buffer.offer(H1, "B", "r", 3.5) is Outcome.DUPLICATE  # the window slides with copies
    assert buffer.offer(H1, "B", "r", 9.0) is Outcome.ACCEPTED
    assert buffer.snapshot().counts["B"] == 1
    assert len(buffer.take_votes()) == 2


def test_votes_after_close_are_late_and_not_stored() -> None:
    buffer = opened()
    buffer.offer(H1, "A", "r", 0.0)
    closed = buffer.close()
    assert buffer.offer(H2, "B", "r", 1.0) is Outcome.LATE
    buffer.count_invalid()
    assert closed.counts["A"] == 1 and buffer.snapshot().late == 2
    assert len(buffer.take_votes()) == 1


def test_opening_a_poll_starts_from_zero() -> None:
    buffer = opened()
    buffer.offer(H1, "A", "r", 0.0)
    with pytest.raises(RuntimeError, match="poll 11 has 1 accepted votes not taken"):
        buffer.open(12)  # the kept vote would be lost
    assert [vote.handset for vote in buffer.take_votes()] == [H1]
    buffer.open(12)
    assert buffer.snapshot().voters == 0 and buffer.poll_id == 12
    assert buffer.offer(H1, "A", "r", 0.1) is Outcome.ACCEPTED


def test_unknown_answer_is_invalid() -> None:
    buffer = opened()
    assert buffer.offer(H1, "ping", "r", 0.0) is Outcome.INVALID
    assert buffer.snapshot().invalid == 1 and not buffer.take_votes()


def test_a_buffer_that_keeps_no_votes_hands_none_on() -> None:
    buffer = VoteBuffer()
    buffer.open(1)
    assert buffer.offer(H1, "A", "r", 0.0) is Outcome.ACCEPTED
    assert buffer.take_votes() == []
    buffer.open(2)  # nothing kept, nothing to lose


events = st.lists(
    st.tuples(
        st.sampled_from(["H0", "H1", "H2", "H3"]),
        st.sampled_from([*ANSWERS, "Z"]),
        st.floats(0, 3),
        st.booleans(),
    ),
    max_size=80,
)


@settings(max_examples=300)
@given(events, st.floats(0.05, 5))
def test_invariants_hold_for_any_traffic(
    traffic: list[tuple[str, str, float, bool]], window: float
) -> None:
    buffer = opened(window)
    now = 0.0
    closed = False
    for handset, answer, gap, close_now in traffic:
        now += gap
        if close_now and not closed and now > 10:
            buffer.close()
            closed = True
        buffer.offer(handset, answer, "r", now)
    snapshot, stored = buffer.snapshot(), buffer.take_votes()
    # the tallies are the latest accepted answer of each handset
    latest: dict[str, str] = {}
    for vote in stored:
        latest[vote.handset] = vote.answer
    assert snapshot.counts == {a: Counter(latest.values()).get(a, 0) for a in ANSWERS}
    assert buffer.latest() == latest
    assert sum(snapshot.counts.values()) == snapshot.voters
    # every packet is accounted for exactly once
    assert snapshot.heard == len(traffic) == snapshot.accounted
    assert snapshot.votes == len(stored)
    # consecutive stored votes of a handset differ in answer or are a window apart
    last: dict[str, Vote] = {}
    for vote in stored:
        before = last.get(vote.handset)
        assert (
            before is None
            or before.answer != vote.answer
            or vote.host_time - before.host_time > window
        )
        last[vote.handset] = vote


def counting_rules_model(
    traffic: list[tuple[str, str, float, int | None, bool]], window: float, answers: str
) -> tuple[list[str], dict[str, str]]:
    """The README's counting rules, written out plainly: each packet's fate, and the
    answer that counts per handset."""
    fates, latest, last_copy, records = [], {}, {}, set()
    for handset, answer, at, seq, is_open in traffic:
        if not is_open:
            fates.append("late")
        elif answer not in answers:
            fates.append("invalid")
        elif seq is not None and (handset, answer, seq) in records:
            fates.append("duplicate")  # a base's record sent again
            last_copy[handset] = at
        else:
            if seq is not None:
                records.add((handset, answer, seq))
            if latest.get(handset) == answer and at - last_copy[handset] <= window:
                fates.append("duplicate")
            else:
                fates.append("vote")
                latest[handset] = answer
            last_copy[handset] = at
    return fates, latest


FATES = {
    Outcome.ACCEPTED: "vote",
    Outcome.DUPLICATE: "duplicate",
    Outcome.LATE: "late",
    Outcome.INVALID: "invalid",
    Outcome.OUT_OF_RANGE: "invalid",  # invalid, and counted apart too
}
packets = st.lists(
    st.tuples(
        st.sampled_from(["H0", "H1", "H2"]),
        st.sampled_from("ABCDEFGHIJZ"),
        st.floats(0, 3),
        st.one_of(st.none(), st.integers(0, 3)),
    ),
    max_size=60,
)


@settings(max_examples=400)
@given(packets, st.floats(0.05, 5), st.integers(2, 10), st.integers(0, 60))
def test_the_buffer_follows_the_counting_rules(
    traffic: list[tuple[str, str, float, int | None]], window: float, choices: int, close_at: int
) -> None:
    answers = "ABCDEFGHIJ"[:choices]
    buffer = VoteBuffer(window, keep_votes=True)
    buffer.open(1, tuple(answers))
    now, timed = 0.0, []
    fates = []
    for index, (handset, answer, gap, seq) in enumerate(traffic):
        now += gap
        if index == close_at:
            buffer.close()
        timed.append((handset, answer, now, seq, buffer.is_open))
        fates.append(FATES[buffer.offer(handset, answer, "r", now, None, seq)])
    expected_fates, expected_latest = counting_rules_model(timed, window, answers)
    assert fates == expected_fates
    assert buffer.latest() == expected_latest
    assert buffer.snapshot().counts == {a: list(expected_latest.values()).count(a) for a in answers}
    beyond = [
        fate == "invalid" and answer in "ABCDEFGHIJ" and answer not in answers
        for (_, answer, _, _, _), fate in zip(timed, fates, strict=True)
    ]
    assert buffer.snapshot().out_of_range == sum(beyond)  # a letter past the choices
    assert [vote.base_seq for vote in buffer.take_votes()] == [
        seq for (_, _, _, seq, _), fate in zip(timed, fates, strict=True) if fate == "vote"
    ]
