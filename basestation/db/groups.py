"""Discussion groups stored with the poll whose vote 1 formed them."""

from __future__ import annotations

from collections.abc import Sequence

import sqlite_utils


def store_groups(
    db: sqlite_utils.Database, poll_id: int, groups: Sequence[Sequence[tuple[str, str]]]
) -> None:
    """``groups``: each a list of (handset, seat); replaces what the poll had."""
    with db.atomic():
        db.execute("DELETE FROM poll_groups WHERE poll_id = ?", [poll_id])
        db.table("poll_groups").insert_all(
            {"poll_id": poll_id, "handset": handset, "group_no": number, "seat": seat}
            for number, group in enumerate(groups, 1)
            for handset, seat in group
        )


def store_question_groups(
    db: sqlite_utils.Database,
    session_id: int,
    number: int,
    groups: Sequence[Sequence[tuple[str, str]]],
) -> None:
    """The groups formed after vote 1 of the session's question ``number``."""
    rows = list(
        db.query(
            "SELECT p.id FROM polls p JOIN questions q ON q.id = p.question_id "
            "WHERE q.session_id = ? AND q.number = ? AND p.round = 1",
            [session_id, number],
        )
    )
    if rows:
        store_groups(db, rows[0]["id"], groups)
