"""The poll timer on a clock the test moves: elapsed time, the countdown, stretching it,
and its one warning."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from basestation.live.poll_timer import MIN_LEFT_S, WARNING_S, PollTimer


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_elapsed_runs_while_open_and_stays_once_closed() -> None:
    clock = Clock()
    timer = PollTimer(clock, None)
    assert not timer.running and timer.elapsed() == 0.0
    timer.start()
    clock.now += 12.5
    assert timer.running and timer.elapsed() == 12.5
    assert timer.remaining() is None and not timer.expired()  # closed by hand only
    timer.stop()
    clock.now += 100
    assert not timer.running and timer.elapsed() == 12.5
    timer.reset()
    assert timer.elapsed() == 0.0


def test_a_countdown_expires_and_warns_once_at_ten_seconds() -> None:
    clock = Clock()
    timer = PollTimer(clock, 30.0)
    timer.start()
    clock.now += 19.0
    assert timer.remaining() == 11.0 and not timer.take_warning()
    clock.now += 1.0
    assert timer.take_warning() and not timer.take_warning()
    clock.now += 10.0
    assert timer.remaining() == 0.0 and timer.expired()
    clock.now += 5.0
    assert timer.remaining() == 0.0  # never negative


def test_a_short_countdown_does_not_warn_at_its_start() -> None:
    clock = Clock()
    timer = PollTimer(clock, 8.0)
    timer.start()
    assert not timer.take_warning()


def test_more_time_gives_a_countdown_to_a_poll_without_one_and_warns_again() -> None:
    clock = Clock()
    timer = PollTimer(clock, None)
    timer.start()
    clock.now += 5.0
    assert timer.adjust(10.0) == 10.0  # none ran: the new countdown is the 10 s given
    assert timer.remaining() == 10.0
    assert timer.take_warning()
    assert timer.adjust(20.0) == 30.0  # past the warning again: it may warn again
    clock.now += 21.0
    assert timer.take_warning()


def test_taking_time_off_never_closes_the_poll_at_once() -> None:
    clock = Clock()
    timer = PollTimer(clock, 30.0)
    timer.start()
    clock.now += 25.0
    assert timer.adjust(-60.0) == MIN_LEFT_S
    assert not timer.expired()
    clock.now += MIN_LEFT_S
    assert timer.expired()


def test_adjusting_a_closed_poll_is_refused() -> None:
    timer = PollTimer(Clock(), 30.0)
    with pytest.raises(ValueError, match="no poll is open"):
        timer.adjust(10.0)


@given(
    countdown=st.one_of(st.none(), st.floats(1, 600)),
    steps=st.lists(
        st.tuples(st.floats(0, 60), st.one_of(st.none(), st.floats(-120, 120))), max_size=30
    ),
)
def test_time_left_never_grows_by_itself_and_warns_at_most_once_per_stretch(
    countdown: float | None, steps: list[tuple[float, float | None]]
) -> None:
    clock = Clock()
    timer = PollTimer(clock, countdown)
    timer.start()
    left = timer.remaining()
    warnings = 0
    for wait, delta in steps:
        clock.now += wait
        now_left = timer.remaining()
        if left is not None and now_left is not None:
            assert now_left <= left + 1e-9
            assert now_left == pytest.approx(max(0.0, left - wait))
        if delta is not None:
            now_left = timer.adjust(delta)
            assert now_left >= MIN_LEFT_S
            warnings = 0 if now_left > WARNING_S else warnings
        warned = timer.take_warning()
        warnings += warned
        assert warnings <= 1
        if warned:
            assert now_left is not None and now_left <= WARNING_S
        left = timer.remaining()
