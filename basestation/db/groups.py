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
