"""Follow a poll from the database, read-only: the TA's view in a second terminal.

The recorder commits every accepted vote within 0.1 s; the follower reads only
the votes added since its last look, so a refresh costs little however long
the session is. It never writes, so it can watch the projector's session while
the projector hides the results.
"""

from __future__ import annotations

import time
from pathlib import Path

from basestation.export import open_existing
from basestation.live_session import LiveState
from firmware_protocol.iclicker_air import ANSWERS


class DatabaseFollower:
    """Builds a :class:`LiveState` of the newest poll in a database."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self._db = open_existing(db_path)
        self._poll: int | None = None
        self._last_vote_id = 0
        self._latest: dict[str, str] = {}
        self._votes = 0
        self._seen: set[str] = set()

    def close(self) -> None:
        self._db.close()

    def state(self) -> LiveState:
        db = self._db
        polls = list(db.query("""
            SELECT p.*, q.number, q.text, q.correct, q.session_id,
                   (SELECT COUNT(*) FROM polls o WHERE o.question_id = p.question_id
                      AND o.closed_at IS NOT NULL) AS closed_rounds
            FROM polls p JOIN questions q ON q.id = p.question_id
            ORDER BY p.id DESC LIMIT 1"""))
        if not polls:
            return _empty(self.db_path)
        poll = polls[0]
        if poll["id"] != self._poll:
            self._poll, self._last_vote_id, self._latest, self._votes = poll["id"], 0, {}, 0
        for vote in db.query("SELECT id, handset, answer FROM votes WHERE poll_id = ? AND id > ? "
                             "ORDER BY id", [poll["id"], self._last_vote_id]):
            self._latest[vote["handset"]] = vote["answer"]
            self._seen.add(vote["handset"])
            self._votes += 1
            self._last_vote_id = vote["id"]
        counts = dict.fromkeys(ANSWERS, 0)
        for answer in self._latest.values():
            counts[answer] = counts.get(answer, 0) + 1
        is_open = poll["closed_at"] is None
        end = time.time() if is_open else poll["closed_at"]
        return LiveState(
            session_id=poll["session_id"], question=poll["number"], question_text=poll["text"],
            round=poll["round"], correct=poll["correct"], poll_open=is_open,
            rounds_of_question=poll["closed_rounds"], counts=counts, voters=len(self._latest),
            handsets_seen=len(self._seen), votes=self._votes, duplicates=poll["duplicates"],
            invalid=poll["invalid"], late=poll["late"],
            elapsed_s=max(0.0, end - poll["opened_at"]), remaining_s=None,
            receiver_state="following", receiver_name=str(self.db_path), packets_per_s=0.0,
            store_error=None, ended=False)


def _empty(db_path: Path) -> LiveState:
    return LiveState(None, None, None, None, None, False, 0, dict.fromkeys(ANSWERS, 0), 0, 0,
                     0, 0, 0, 0, 0.0, None, "following", str(db_path), 0.0, None, False)
