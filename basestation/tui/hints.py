"""The one next step the dashboard suggests, following the state of the poll."""

from __future__ import annotations

from basestation.peer_instruction import DEFAULT_BAND, DiscussionBand, discussion_hint, room_advice
from basestation.poll_source import LiveState


def next_step(
    state: LiveState,
    hidden: bool,
    percent_correct: float | None,
    band: DiscussionBand = DEFAULT_BAND,
) -> str:
    """``percent_correct`` of the question's vote 1 (None: no key). While the results are
    hidden only :func:`~basestation.peer_instruction.room_advice` may follow from it."""
    if state.learning_remote:
        return "press any button on the instructor remote (no poll is open)"
    if state.ended:
        return "the receiver has no more data: q quits"
    if state.question is None:
        prepared = f" ({state.prepared_left} prepared)" if state.prepared_left else ""
        return f"next: s starts a poll{prepared}, t types the question, ? help"
    if state.poll_open:
        revote = "" if (state.round or 1) > 1 else ", then r for the revote"
        more = "; +/- 10 s" if state.remaining_s is not None else ""
        return f"next: press x to close the poll{revote}{more}"
    if state.rounds_of_question >= 2:
        return "next: v compares vote 1 and the revote, n opens the next question"
    if state.rounds_of_question == 1:
        groups = "g groups, " if state.seated else ""
        if hidden:  # the room reads this: a step to take, never a figure or a letter
            advice = room_advice(percent_correct, band)
            if advice:
                return f"{advice}. next: {groups}r revote"
            return f"next: {groups}r revote, n next question"
        advice = "" if percent_correct is None else f"{discussion_hint(percent_correct, band)}. "
        return f"{advice}next: {groups}r revote after discussion, v vote 1, n next question"
    return "next: s starts the poll"
