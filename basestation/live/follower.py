"""Follow a poll from the database, read-only: the TA's view in a second terminal.

The recorder commits every accepted vote within 0.1 s; the follower reads only
the votes added since its last look, so a refresh costs little however long
the session is. It never writes, so it can watch the projector's session while
the projector hides the results. It is a :class:`~basestation.poll_source.PollSource`.
"""

from __future__ import annotations

import time
from pathlib import Path

from basestation.db import Reader
from basestation.domain import DEFAULT_ANSWERS, choices_of
from basestation.poll_source import LiveState


class DatabaseFollower:
    """Builds a :class:`LiveState` of the newest poll in a database."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self._reader = Reader(db_path)
        self._poll: int | None = None
        self._last_vote_id = 0
        self._latest: dict[str, str] = {}
        self._votes = 0
        self._seen: set[str] = set()
        self._roster: tuple[int | None, int | None] = (None, None)

    @property
    def label(self) -> str:
        return f"following {self.db_path} (read-only)"

    def close(self) -> None:
        self._reader.close()

    def state(self) -> LiveState:
        poll = self._reader.newest_poll()
        if poll is None:
            return _empty(self.db_path)
        if poll["id"] != self._poll:
            self._poll, self._last_vote_id, self._latest, self._votes = poll["id"], 0, {}, 0
            # the dashboard's rule: handsets seen are those that voted in this session
            self._seen = self._reader.handsets_of_other_polls(poll["session_id"], poll["id"])
        for vote in self._reader.votes_after(poll["id"], self._last_vote_id):
            self._latest[vote["handset"]] = vote["answer"]
            self._votes += 1
            self._last_vote_id = vote["id"]
        answers = choices_of(poll["choices"])
        counts = dict.fromkeys(answers, 0)
        for answer in self._latest.values():
            counts[answer] = counts.get(answer, 0) + 1
        is_open = poll["closed_at"] is None
        now = time.time()
        end = now if is_open else poll["closed_at"]
        closes_at = poll.get("closes_at")
        remaining = max(0.0, closes_at - now) if is_open and closes_at is not None else None
        if self._roster[0] != poll["session_id"]:
            self._roster = (poll["session_id"], self._reader.roster_size(poll["session_id"]))
        return LiveState(
            session_id=poll["session_id"],
            question=poll["number"],
            question_text=poll["text"],
            round=poll["round"],
            correct=poll["correct"],
            poll_open=is_open,
            rounds_of_question=poll["closed_rounds"],
            counts=counts,
            voters=len(self._latest),
            handsets_seen=len(self._seen | self._latest.keys()),
            votes=self._votes,
            duplicates=poll["duplicates"],
            invalid=poll["invalid"],
            late=poll["late"],
            elapsed_s=max(0.0, end - poll["opened_at"]),
            remaining_s=remaining,
            receiver_state="following",
            receiver_name=str(self.db_path),
            packets_per_s=0.0,
            store_error=None,
            ended=False,
            answers=answers,
            roster_size=self._roster[1],
        )


def _empty(db_path: Path) -> LiveState:
    return LiveState(
        None,
        None,
        None,
        None,
        None,
        False,
        0,
        dict.fromkeys(DEFAULT_ANSWERS, 0),
        0,
        0,
        0,
        0,
        0,
        0,
        0.0,
        None,
        "following",
        str(db_path),
        0.0,
        None,
        False,
    )
