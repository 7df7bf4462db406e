"""A one-hour lecture compressed: memory stays flat, no vote is lost, counters add up.

Marked slow: run with ``uv run pytest -m slow``.
"""

from __future__ import annotations

import gc
import tracemalloc
from pathlib import Path

import pytest

from basestation.assembly import open_station
from drivers.registry import receiver_for_url
from simulators.sim_receiver import SimReceiver
from tests.helpers import query

QUESTIONS = 15  # with revotes: 30 polls, about an hour of class time


@pytest.mark.slow
def test_one_hour_lecture_compressed(tmp_path: Path) -> None:
    receiver = receiver_for_url(
        f"sim://300?seed=8&speed=300&questions={QUESTIONS}&revote=1&loss=0.05&corrupt=0.02&end=0"
    )
    assert isinstance(receiver, SimReceiver)
    truths = receiver.scenario.truth()
    db = tmp_path / "hour.db"
    samples: list[int] = []
    tracemalloc.start()
    try:
        with open_station(receiver, db) as station:
            station.polls.start_session()
            for index, truth in enumerate(truths):
                if truth["round"] == 1:
                    station.polls.add_question()
                    station.open_poll()
                else:
                    station.revote()
                while not receiver.round_finished:
                    station.pump(0.01)
                station.pump(0.01)
                assert station.buffer.latest() == truth["latest"], f"poll {index + 1}"
                station.close_poll()
                station.store.flush()
                gc.collect()
                samples.append(tracemalloc.get_traced_memory()[0])
    finally:
        tracemalloc.stop()
    settled = samples[4]
    assert max(samples[4:]) - settled < 3 * 1024 * 1024, f"memory grew: {samples}"
    rows = query(
        db,
        "SELECT heard, votes, duplicates, invalid, late, "
        "(SELECT COUNT(*) FROM votes v WHERE v.poll_id = p.id) FROM polls p",
    )
    assert len(rows) == 2 * QUESTIONS
    for heard, votes, duplicates, invalid, late, stored in rows:
        assert heard == votes + duplicates + invalid + late
        assert stored == votes
    heard_total = sum(row[0] for row in rows)
    assert heard_total == sum(t["copies_heard"] for t in truths)
    print(
        f"30 polls, {heard_total} packets, memory {settled / 1e6:.1f} MB -> "
        f"{samples[-1] / 1e6:.1f} MB"
    )
