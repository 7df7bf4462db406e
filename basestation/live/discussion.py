"""Discussion groups formed during the lecture, after a question's vote 1: from the
seating (the roster's seats, ``--seats``, and what phones were told), kept with the
poll for ``analyze``, and each handset's partners told to the phones."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from basestation.afterclass.grouping import form_groups
from basestation.db.groups import store_question_groups
from basestation.live.station import Station
from basestation.poll_source import DiscussionGroups, RoundAnswers
from basestation.seats import Seat, SeatError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DiscussionSettings:
    """The lecturer's settings for the step between the votes."""

    seats: Mapping[str, Seat] = field(default_factory=dict)
    """Handset -> seat (the roster's seats and ``--seats``)."""
    group_size: int = 2
    closing_s: float | None = None
    """A closing countdown that starts by itself at 90 % of the expected voters (None:
    off, the default)."""


@dataclass(frozen=True)
class FormedGroups:
    shown: DiscussionGroups
    kept: list[list[tuple[str, str]]]
    """(handset, seat) of each group, as the database keeps them."""
    partners: dict[str, tuple[str, ...]]
    """Handset -> the seats of the others in its group."""
    mixed_share: float
    """Of the groups, those whose vote-1 answers differ."""


def seating_with_told(seats: Mapping[str, Seat], told: Mapping[str, str]) -> dict[str, Seat]:
    """The seating, with the seats phones typed for handsets it does not place."""
    seat_of = dict(seats)
    for handset, text in told.items():
        if handset not in seat_of:
            try:
                seat_of[handset] = Seat.parse(text)
            except SeatError:
                log.info("a phone's seat %r is not a seat; left out", text[:20])
    return seat_of


def discussion_groups(
    question: int, first: Mapping[str, str], seat_of: Mapping[str, Seat], size: int, keys: str
) -> FormedGroups | None:
    """``first``: handset -> vote 1 answer. Two voters told the same seat: the first keeps
    it, the other counts as unseated."""
    holder: dict[Seat, str] = {}
    for handset in sorted(first):
        seat = seat_of.get(handset)
        if seat is not None and seat not in holder:
            holder[seat] = handset
    if not holder:
        return None
    answers = {seat: first[h] for seat, h in holder.items()}
    grouping = form_groups(answers, size, keys)
    groups = [sorted(group) for group in grouping.groups]
    kept = [[(holder[seat], str(seat)) for seat in group] for group in groups]
    partners = {
        holder[seat]: tuple(str(other) for other in group if other != seat)
        for group in groups
        for seat in group
    }
    shown = DiscussionGroups(
        question,
        tuple(tuple(group) for group in groups),
        frozenset(seat_of.values()),
        len(first) - len(holder),
    )
    return FormedGroups(shown, kept, partners, grouping.mixed_share(answers))


def groups_for_station(
    station: Station,
    settings: DiscussionSettings,
    rounds: RoundAnswers | None,
    submit: Callable[[Callable[[], None]], None],
) -> DiscussionGroups | None:
    """Groups from vote 1 of ``rounds`` (seats: the settings', then what phones told);
    ``submit`` queues keeping them with the poll and telling the phones to the worker.
    None: no vote 1 (``rounds`` is None), or no one seated."""
    if rounds is None:
        return None
    told = station.receiver.seats_told()
    seat_of = seating_with_told(settings.seats, told) if told else settings.seats
    formed = discussion_groups(
        rounds.question, rounds.first, seat_of, settings.group_size, rounds.correct or ""
    )
    session_id = station.polls.session_id
    if formed is None or session_id is None:
        return None
    kept = [[(station.stored_handset(h), seat) for h, seat in g] for g in formed.kept]
    question = rounds.question
    submit(lambda: station.store.call(store_question_groups, session_id, question, kept))
    submit(lambda: station.receiver.groups_formed(formed.partners))
    return formed.shown
