"""The cyclic garbage collector, paused while a term's grades are worked out.

Grading a term makes hundreds of thousands of small objects (rows, per-handset
dictionaries, each student's result per question) that hold no reference cycles and
live until the command has written its file. Python's cyclic collector walks them
again and again as they pile up: a fifth of a course's gradebook on a department's
database. Reference counting frees them all the same, so the collector rests meanwhile.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic collector for the block, then put it back as it was, also when
    the block fails."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
