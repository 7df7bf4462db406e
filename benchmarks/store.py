"""Votes committed per second by the store's batching writer, and commit latency.

Two runs in one process: a burst (how fast the writer drains a large queue) and
a paced stream at a classroom rate (how long an accepted vote waits to be
committed). Prints one JSON object.
Run: ``uv run python benchmarks/store.py [--votes N] [--rate VOTES_PER_S]``.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from basestation.db import Store
from basestation.db import commands as sql
from basestation.domain import QuestionSpec
from basestation.live.votes import Vote

USB_BASE_CEILING_VOTES_PER_S = 2_000
TARGET_VOTES_PER_S = 200_000
TARGET_COMMIT_MS = 50


def make_poll(store: Store) -> int:
    session = store.call(sql.insert_session, time.time(), None, "bench", False)
    question = store.call(sql.insert_question, session, None, None, QuestionSpec())
    poll_id, _ = store.call(sql.insert_poll, question.id, time.time(), "bench")
    return poll_id


def burst(path: Path, votes: int) -> float:
    """Votes handed to the store and committed per second. The votes are made before the
    clock starts: making them is the pipeline's work (``benchmarks/pipeline.py``), and a
    loop making them here took as long as the store's own work."""
    offered = [
        Vote(f"{index % 100_000:08X}", "ABCDE"[index % 5], "bench", float(index), index)
        for index in range(votes)
    ]
    with Store(path) as store:
        poll = make_poll(store)
        add_vote = store.add_vote
        started = time.perf_counter()
        for vote in offered:
            add_vote(poll, vote)
        store.flush()
        elapsed = time.perf_counter() - started
    with sqlite3.connect(path) as connection:
        stored = connection.execute("SELECT COUNT(*) FROM votes").fetchone()[0]
    assert stored == votes, f"{stored} of {votes} votes stored"
    return votes / elapsed


def paced(path: Path, rate: float, seconds: float) -> tuple[list[float], list[float]]:
    """Offer votes at ``rate`` per second; return every vote's wait until its commit, and
    each batch's oldest vote's wait, in ms."""
    offered: list[float] = []
    waits: list[float] = []
    counted = [0]

    def committed(total: int) -> None:
        now = time.monotonic()
        waits.extend((now - offered[i]) * 1000 for i in range(counted[0], total))
        counted[0] = total

    with Store(path) as store:
        poll = make_poll(store)
        store.on_commit = committed
        started = time.monotonic()
        sent = 0
        while (now := time.monotonic()) - started < seconds:
            due = int((now - started) * rate)
            for index in range(sent, due):
                offered.append(time.monotonic())
                store.add_vote(
                    poll, Vote(f"{index:08X}", "A", "bench", time.time(), None, None, index + 1)
                )
            sent = due
            time.sleep(0.001)
        store.flush()
        return waits, [latency * 1000 for latency in store.commit_latencies]


def executemany_alone(path: Path, votes: int) -> float:
    """The floor of a burst: the same rows into the same schema by one ``executemany``
    and one commit on a plain connection, with no writer thread and no queue."""
    with Store(path) as store:
        poll = make_poll(store)
    rows = [
        (poll, f"{index % 100_000:08X}", "ABCDE"[index % 5], "bench", index, float(index))
        for index in range(votes)
    ]
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA synchronous = FULL")
    started = time.perf_counter()
    connection.executemany(
        "INSERT INTO votes (poll_id, handset, answer, receiver, "
        "t_receiver_us, t_host) VALUES (?, ?, ?, ?, ?, ?)",
        rows,
    )
    connection.commit()
    elapsed = time.perf_counter() - started
    connection.close()
    return votes / elapsed


def one_row_commit_ms(path: Path, commits: int = 300) -> float:
    """The floor: one row, one WAL commit with synchronous=FULL, on this disk (median)."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = FULL")
    connection.execute("CREATE TABLE t (a TEXT, b TEXT, c REAL)")
    times = []
    for index in range(commits):
        started = time.perf_counter()
        connection.execute("BEGIN")
        connection.execute("INSERT INTO t VALUES (?, ?, ?)", (f"{index:08X}", "A", 1.0))
        connection.execute("COMMIT")
        times.append((time.perf_counter() - started) * 1000)
    connection.close()
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--votes", type=int, default=300_000)
    parser.add_argument("--rate", type=float, default=750.0)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        votes_per_s = burst(Path(folder) / "burst.db", args.votes)
        floor_per_s = executemany_alone(Path(folder) / "executemany.db", args.votes)
        per_vote, per_batch = paced(Path(folder) / "paced.db", args.rate, args.seconds)
        floor_ms = one_row_commit_ms(Path(folder) / "floor.db")
    latencies, per_vote = sorted(per_batch), sorted(per_vote)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    p99_vote = per_vote[min(len(per_vote) - 1, int(len(per_vote) * 0.99))]
    print(
        json.dumps(
            {
                "benchmark": "store",
                "votes": args.votes,
                "votes_per_s": round(votes_per_s),
                "ratio_to_usb_base_ceiling": round(votes_per_s / USB_BASE_CEILING_VOTES_PER_S, 1),
                "executemany_alone_votes_per_s": round(floor_per_s),
                "ratio_to_executemany_alone": round(votes_per_s / floor_per_s, 2),
                "paced_rate_votes_per_s": args.rate,
                "commits": len(latencies),
                "commit_latency_ms_p50": round(statistics.median(latencies), 1),
                "commit_latency_ms_p99": round(p99, 1),
                "commit_latency_ms_max": round(latencies[-1], 1),
                "commit_ms_p50_per_vote": round(statistics.median(per_vote), 2),
                "commit_ms_p99_per_vote": round(p99_vote, 2),
                "commit_ms_max_per_vote": round(per_vote[-1], 2),
                "one_row_wal_commit_ms": round(floor_ms, 2),
                "ratio_p99_to_one_wal_commit": round(p99_vote / floor_ms, 1),
                "target_commit_ms_p99_per_vote": TARGET_COMMIT_MS,
                "meets_target": votes_per_s >= TARGET_VOTES_PER_S and p99_vote <= TARGET_COMMIT_MS,
            }
        )
    )


if __name__ == "__main__":
    main()
