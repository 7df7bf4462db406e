"""Times as people read them: ISO 8601 with the local offset, and the wall clock."""

from __future__ import annotations

import datetime as dt


def iso_time(epoch: float | None) -> str | None:
    """``2026-12-01T09:10:05.123+01:00``: local time with its offset (exports, listings)."""
    if epoch is None:
        return None
    return dt.datetime.fromtimestamp(epoch).astimezone().isoformat(timespec="milliseconds")


def local_clock(epoch: float | None) -> str:
    """``09:10:05`` in local time (screens)."""
    if epoch is None:
        return ""
    return dt.datetime.fromtimestamp(epoch).astimezone().strftime("%H:%M:%S")


def local_datetime(epoch: float | None) -> str:
    """``2026-12-01 09:10`` in local time (two sessions of one day told apart)."""
    if epoch is None:
        return ""
    return dt.datetime.fromtimestamp(epoch).astimezone().strftime("%Y-%m-%d %H:%M")


def local_date(epoch: float | None) -> str:
    """``2026-12-01`` in local time."""
    if epoch is None:
        return ""
    return dt.datetime.fromtimestamp(epoch).astimezone().strftime("%Y-%m-%d")
