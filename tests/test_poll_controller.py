"""The Peer Instruction state machine on a real store: what each step allows, and what
it leaves in the database (read back with plain SQL, not through the program)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from basestation.db import Store
from basestation.domain import QuestionSpec
from basestation.live.polls import PollController, PollStateError
from basestation.live.votes import VoteBuffer
from tests.helpers import offer_and_store


@pytest.fixture
def polls(db_path: Path) -> Iterator[PollController]:
    with Store(db_path) as store:
        buffer = VoteBuffer(keep_votes=True)
        yield PollController(store, buffer)


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as connection:
        return connection.execute(sql).fetchall()


def test_nothing_opens_before_a_session_and_a_question(polls: PollController) -> None:
    with pytest.raises(PollStateError, match="no session"):
        polls.add_question("Which force?")
    polls.start_session(course="PHYS 101")
    with pytest.raises(PollStateError, match="no question yet"):
        polls.open_poll()
    with pytest.raises(PollStateError, match="no question yet"):
        polls.revote()
    with pytest.raises(PollStateError, match="no poll is open"):
        polls.close_poll()


def test_a_question_its_vote_and_its_revote_are_stored_as_rounds(
    polls: PollController, db_path: Path
) -> None:
    session = polls.start_session(course="PHYS 101")
    question = polls.add_question("Which force is larger?", correct="B")
    with pytest.raises(PollStateError, match="has been polled once"):
        polls.revote()
    first = polls.open_poll()
    assert first.round == 1 and polls.buffer.is_open
    with pytest.raises(PollStateError, match="while poll"):
        polls.add_question("too early")
    with pytest.raises(PollStateError, match="while poll"):
        polls.open_poll()
    offer_and_store(polls, "A1B2C3D4", "A", 1.0)
    offer_and_store(polls, "A1B2C3D4", "B", 2.0)  # a change of mind: a second vote
    offer_and_store(polls, "0A0B0C0D", "C", 3.0)
    snapshot = polls.close_poll()
    assert snapshot.votes == 3 and snapshot.voters == 2
    assert not polls.buffer.is_open
    second = polls.revote()
    assert second.round == 2 and second.question.id == question.id
    offer_and_store(polls, "0A0B0C0D", "B", 4.0)
    polls.finish()
    polls.store.flush()
    assert rows(db_path, "SELECT id, course FROM sessions") == [(session, "PHYS 101")]
    assert rows(db_path, "SELECT number, text, correct FROM questions") == [
        (1, "Which force is larger?", "B")
    ]
    assert rows(db_path, "SELECT round, votes, closed_at IS NOT NULL FROM polls ORDER BY id") == [
        (1, 3, 1),
        (2, 1, 1),
    ]
    assert rows(db_path, "SELECT poll_id, handset, answer FROM votes ORDER BY id") == [
        (first.id, "A1B2C3D4", "A"),
        (first.id, "A1B2C3D4", "B"),
        (first.id, "0A0B0C0D", "C"),
        (second.id, "0A0B0C0D", "B"),
    ]


def test_a_key_must_be_among_the_questions_choices(polls: PollController, db_path: Path) -> None:
    polls.start_session()
    with pytest.raises(PollStateError, match="not one of"):
        polls.add_question("three choices", correct="D", spec=QuestionSpec(choices=3))
    polls.add_question("three choices", spec=QuestionSpec(choices=3))
    with pytest.raises(PollStateError, match="not one of"):
        polls.set_correct("E")
    polls.set_correct("AC")  # several correct answers
    polls.open_poll()
    assert polls.buffer.answers == ("A", "B", "C")
    offer_and_store(polls, "A1B2C3D4", "D", 1.0)  # not a choice of this question
    assert polls.close_poll().invalid == 1
    polls.store.flush()
    assert rows(db_path, "SELECT correct, choices FROM questions") == [("AC", 3)]
    assert rows(db_path, "SELECT COUNT(*) FROM votes") == [(0,)]


def test_text_typed_while_polled_reaches_the_open_poll(polls: PollController) -> None:
    polls.start_session()
    polls.add_question()
    polls.open_poll()
    polls.set_text("Typed during the poll")
    assert polls.poll is not None and polls.poll.question.text == "Typed during the poll"


def test_resuming_a_session_continues_its_latest_question_and_closes_what_was_left_open(
    db_path: Path,
) -> None:
    with Store(db_path) as store:
        first = PollController(store, VoteBuffer(keep_votes=True))
        session = first.start_session()
        first.add_question("Q1")
        first.add_question("Q2")
        first.open_poll()  # the process is killed here: the poll is never closed
        store.flush()
    with Store(db_path) as store:
        later = PollController(store, VoteBuffer(keep_votes=True))
        later.resume_session(session)
        assert later.question is not None and later.question.text == "Q2"
        assert later.revote().round == 2  # polled before the interruption
        later.finish()
        store.flush()
    assert rows(db_path, "SELECT round, closed_at IS NOT NULL FROM polls ORDER BY id") == [
        (1, 1),
        (2, 1),
    ]


def test_resuming_a_session_that_does_not_exist_is_a_state_error(polls: PollController) -> None:
    with pytest.raises(PollStateError):
        polls.resume_session(999)


def test_late_packets_count_against_the_poll_that_closed(
    polls: PollController, db_path: Path
) -> None:
    polls.start_session()
    polls.add_question()
    polls.open_poll()
    polls.close_poll()
    polls.buffer.offer("A1B2C3D4", "A", "r", 9.0)
    polls.buffer.offer("0A0B0C0D", "B", "r", 9.5)
    polls.finish()
    polls.store.flush()
    assert rows(db_path, "SELECT late FROM polls") == [(2,)]
    assert rows(db_path, "SELECT COUNT(*) FROM votes") == [(0,)]
