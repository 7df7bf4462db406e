"""The dashboard under load: 1,000 handsets voting at 750 votes/s (the vendor's rating).

The real app, station, store and link decoder run headless, fed in two patterns
side by side: ``port``, a receiver on a real serial port (a pseudo-terminal read by
the serial driver through pyserial) whose other end, a process of its own, writes one
frame per write as a USB receiver does, so the driver wakes once per packet; and
``easy``, a receiver that hands over all the frames due since its last read. Then
``idle``: the port with no votes at all.

For each, one JSON object: redraws per second; the process's CPU share of one core;
vote to screen (p50, p99: on the port from when the feeder wrote the packet, which it
stamps in the frame; on the easy pattern from when the station accepted it); vote to
disk (p99 of the oldest vote of each commit, from when it was queued); and each
part's share of a core, from each thread's own CPU clock: ``share_screen`` (the app's
thread: Textual, the widgets), ``share_ingest`` (the station's worker: reading,
decoding, the buffer, the snapshots) and ``share_commits`` (the store's writer).
Beside them, in the same run, ``commits_floor_share``: as many rows in as many
durable WAL commits by a plain connection doing nothing else.
Run: ``uv run python benchmarks/dashboard.py [--seconds S] [--rate R] [--pattern P]``.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import contextlib
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import tty
from collections.abc import Iterator
from pathlib import Path

from port_feeder import frames
from rich.text import Text
from store import make_poll

from basestation.assembly import dashboard_app, open_station
from basestation.db import Store
from basestation.live.votes import Vote
from basestation.poll_source import LiveState
from basestation.tui.app import DashboardApp
from drivers.base import Receiver
from drivers.link_session import LinkSession
from drivers.packets import RawPacket
from drivers.serial_receiver import SerialReceiver
from drivers.url import parse_receiver_url

TARGET_REDRAWS_PER_S = 10
TARGET_CPU_SHARE = 0.05
TARGET_P99_MS = 100
TARGET_DURABLE_MS = 50
TARGET_IDLE_CPU_SHARE = 0.01


class PacedReceiver(Receiver):
    """Link v1 frames of ``handsets`` handsets changing their minds at ``rate`` per second."""

    scheme = "paced"

    def __init__(self, handsets: int, rate: float, seed: int = 1) -> None:
        super().__init__(parse_receiver_url(f"paced://{handsets}"))
        self._frames = frames(handsets, seed)
        self.rate = rate
        self.session = LinkSession("paced")
        self._started = 0.0
        self._sent = 0

    def _open(self) -> None:
        self._started = time.monotonic()

    def _close(self) -> None:
        return None

    def _read(self, wait: float) -> list[RawPacket]:
        time.sleep(wait)
        due = int((time.monotonic() - self._started) * self.rate)
        data = b"".join(self._frames[i % len(self._frames)] for i in range(self._sent, due))
        self._sent = due
        return self.session.on_bytes(data, time.time())


EPOCH = time.monotonic()
"""The port's feeder stamps each frame with when it wrote it, in microseconds since this."""


@contextlib.contextmanager
def receiver_for(pattern: str, handsets: int, rate: float) -> Iterator[Receiver]:
    """The receiver of ``pattern``; for ``port``, the feeding process runs until exit."""
    if pattern == "easy":
        yield PacedReceiver(handsets, rate)
        return
    master, slave = os.openpty()
    tty.setraw(slave)
    feeder = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).with_name("port_feeder.py")),
            "--fd",
            str(master),
            "--rate",
            str(rate),
            "--handsets",
            str(handsets),
            "--epoch",
            repr(EPOCH),
        ],
        pass_fds=(master,),
    )
    try:
        yield SerialReceiver(parse_receiver_url(f"serial://{os.ttyname(slave)}"))
    finally:
        feeder.kill()
        feeder.wait()
        os.close(master)
        os.close(slave)


class MeasuredApp(DashboardApp):
    """Records when each redraw finished and how many votes it showed."""

    shown: list[tuple[float, int]]

    def paint(self, state: LiveState, receiver: Text, hint_prefix: str | None = None) -> None:
        super().paint(state, receiver, hint_prefix)
        self.shown.append((time.monotonic(), state.votes))


def thread_cpu() -> dict[str, float]:
    """CPU seconds used so far by each thread of this process, by name."""
    used: dict[str, float] = {}
    for thread in threading.enumerate():
        if thread.ident is not None:
            clock = time.pthread_getcpuclockid(thread.ident)
            used[thread.name] = used.get(thread.name, 0.0) + time.clock_gettime(clock)
    return used


def delays_ms(sent: list[float], first: int, marks: list[tuple[float, int]]) -> list[float]:
    """For votes ``first``, ``first + 1``, … sent at ``sent``: how long until the first
    mark (time, votes so far: a redraw, a commit) that includes each."""
    times = [t for t, _ in marks]
    counts = [count for _, count in marks]
    delays = []
    for index, at in enumerate(sent, start=first + 1):
        mark = bisect.bisect_left(counts, index)
        if mark < len(times) and times[mark] >= at:
            delays.append((times[mark] - at) * 1000)
    return delays


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


async def measure(pattern: str, seconds: float, rate: float, handsets: int) -> dict[str, object]:
    accepted_at: list[float] = []

    def on_accept(poll: int, vote: Vote) -> None:
        if pattern == "port" and vote.receiver_time_us is not None:  # when it was sent
            accepted_at.append(EPOCH + vote.receiver_time_us / 1e6)
        else:
            accepted_at.append(time.monotonic())

    committed: list[tuple[float, int]] = []
    with (
        receiver_for(pattern, handsets, rate) as receiver,
        tempfile.TemporaryDirectory() as folder,
        open_station(receiver, Path(folder) / "bench.db", listeners=[on_accept]) as station,
    ):
        station.store.on_commit = lambda votes: committed.append((time.monotonic(), votes))
        station.polls.start_session()
        app = dashboard_app(station, start_poll=True, app_class=MeasuredApp)
        assert isinstance(app, MeasuredApp)
        app.shown = []
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause(0.5)
            wall0, cpu0, redraws0 = time.monotonic(), time.process_time(), app.redraws
            votes0, commits0 = len(accepted_at), len(station.store.commit_latencies)
            threads0 = thread_cpu()
            await pilot.pause(seconds)
            wall, cpu = time.monotonic() - wall0, time.process_time() - cpu0
            threads = {name: used - threads0.get(name, 0.0) for name, used in thread_cpu().items()}
            redraws = app.redraws - redraws0
            votes = len(accepted_at) - votes0
            commits = len(station.store.commit_latencies) - commits0
    measured = accepted_at[votes0 : votes0 + votes]
    latencies = delays_ms(measured, votes0, app.shown)
    durable = delays_ms(measured, votes0, committed)
    result: dict[str, object] = {
        "benchmark": "dashboard",
        "pattern": pattern,
        "handsets": handsets,
        "offered_packets_per_s": rate,
        "accepted_votes_per_s": round(votes / wall, 1),
        "seconds": round(wall, 2),
        "redraws_per_s": round(redraws / wall, 1),
        "cpu_share": round(cpu / wall, 3),
        "share_screen": round(threads.pop(threading.main_thread().name, 0.0) / wall, 3),
        "share_ingest": round(threads.pop("live-session", 0.0) / wall, 3),
        "share_commits": round(threads.pop("store-writer", 0.0) / wall, 3),
        "share_other_threads": round(sum(threads.values()) / wall, 3),
    }
    if rate == 0:
        result["meets_target"] = cpu / wall <= TARGET_IDLE_CPU_SHARE
        return result
    if not latencies or not durable:
        raise SystemExit("no vote reached the screen or the disk: is --rate above 0?")
    p99 = percentile(latencies, 0.99)
    durable_p99 = percentile(durable, 0.99)
    result |= {
        "vote_to_screen_ms_p50": round(percentile(latencies, 0.5), 1),
        "vote_to_screen_ms_p99": round(p99, 1),
        "vote_to_disk_ms_p99": round(durable_p99, 1),
        "commits_per_s": round(commits / wall, 1),
        "meets_target": redraws / wall >= TARGET_REDRAWS_PER_S
        and cpu / wall <= TARGET_CPU_SHARE
        and p99 <= TARGET_P99_MS
        and durable_p99 <= TARGET_DURABLE_MS,
    }
    return result


def commits_alone_cpu_share(seconds: float, votes_per_s: float, commits_per_s: float) -> float:
    """``votes_per_s`` vote rows in ``commits_per_s`` commits (WAL, synchronous=FULL, the
    project's schema), by a plain sqlite3 connection in this thread and nothing else."""
    rows = max(1, round(votes_per_s / commits_per_s))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "commits.db"
        with Store(path) as store:
            poll = make_poll(store)
        connection = sqlite3.connect(path, isolation_level=None)
        connection.execute("PRAGMA synchronous = FULL")
        insert = (
            "INSERT INTO votes (poll_id, handset, answer, receiver, t_receiver_us, "
            "t_host, seq) VALUES " + ", ".join(["(?, ?, ?, ?, ?, ?, ?)"] * rows)
        )
        wall0, cpu0, made = time.monotonic(), time.process_time(), 0
        while (elapsed := time.monotonic() - wall0) < seconds:
            params: list[object] = []
            for _ in range(rows):
                made += 1
                params += [poll, f"{made % 1000:08X}", "A", "bench", made, time.time(), made]
            connection.execute("BEGIN")
            connection.execute(insert, params)
            connection.execute("COMMIT")
            time.sleep(max(0.0, made / rows / commits_per_s - elapsed))
        share = (time.process_time() - cpu0) / (time.monotonic() - wall0)
        connection.close()
    return share


def run_pattern(pattern: str, seconds: float, rate: float, handsets: int) -> dict[str, object]:
    """The dashboard, then its commits alone."""
    result = asyncio.run(measure(pattern, seconds, rate, handsets))
    if rate == 0:
        return result
    floor = commits_alone_cpu_share(
        seconds,
        float(result["accepted_votes_per_s"]),  # type: ignore[arg-type]
        float(result["commits_per_s"]),  # type: ignore[arg-type]
    )
    result["commits_floor_share"] = round(floor, 3)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=750.0)
    parser.add_argument("--handsets", type=int, default=1_000)
    parser.add_argument(
        "--pattern",
        choices=("port", "easy", "idle", "all"),
        default="all",
        help="idle: the port with no votes at all",
    )
    args = parser.parse_args()
    patterns = ["port", "easy", "idle"] if args.pattern == "all" else [args.pattern]
    for pattern in patterns:
        if pattern == "idle":
            result = run_pattern("port", args.seconds, 0.0, args.handsets)
            result["pattern"] = "idle"
        else:
            result = run_pattern(pattern, args.seconds, args.rate, args.handsets)
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
