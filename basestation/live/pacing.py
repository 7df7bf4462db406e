"""The open poll's clock, turn by turn: the countdown's warning and its end, and, when
the lecturer asks for it (off by default), a short closing countdown that starts by
itself once nearly every expected voter has voted, so the room is not kept waiting for
the last few (Peer Instruction's pacing)."""

from __future__ import annotations

from dataclasses import dataclass, field

from basestation.live.poll_timer import PollTimer

CLOSING_SHARE = 0.9
"""Of the expected voters (the roster, else the last round's voters)."""
CLOSING_S = 15.0


@dataclass(frozen=True)
class Turn:
    said: list[str] = field(default_factory=list)
    close: bool = False
    """The countdown ran out: close the poll now."""
    deadline_moved: bool = False


class Pacing:
    """``closing_s``: the closing countdown's length (None: it never starts by itself)."""

    def __init__(self, timer: PollTimer, closing_s: float | None = None) -> None:
        self.timer = timer
        self.closing_s = closing_s
        self._closing_started_for: int | None = None

    def turn(self, poll_id: int, voters: int, expected: int | None) -> Turn:
        timer, said, moved = self.timer, [], False
        if (
            self.closing_s is not None
            and self._closing_started_for != poll_id
            and timer.remaining() is None
            and expected
            and voters >= CLOSING_SHARE * expected
        ):
            self._closing_started_for = poll_id
            timer.adjust(self.closing_s)
            said.append(
                f"nearly everyone has voted: closing in {self.closing_s:.0f} s (+ adds time)"
            )
            moved = True
        if timer.take_warning():
            said.append(f"{timer.remaining() or 0:.0f} seconds left")
        return Turn(said, timer.expired(), moved)
