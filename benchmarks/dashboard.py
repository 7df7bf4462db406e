"""The dashboard under load: 1,000 handsets voting at 750 votes/s (the vendor's rating).

The real app, station, store and link decoder run headless; a paced receiver
produces link v1 frames at the given rate. Prints one JSON object with
redraws per second, the process's CPU share of one core, and how long an
accepted vote takes to reach the screen's widgets; beside them, in the same run,
the CPU share of the same load with no screen (the receiver, the station, the
store and its commits), so the screen's own share is their difference, and the CPU
share of the same commits alone (as many rows per second, in as many durable WAL
commits, by a plain connection: the floor of any store that commits within 20 ms).
Run: ``uv run python benchmarks/dashboard.py [--seconds S] [--rate R]``.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import json
import random
import sqlite3
import tempfile
import time
from pathlib import Path

from store import make_poll

from basestation.assembly import dashboard_app, live_session, open_station
from basestation.db import Store
from basestation.live.votes import Vote
from basestation.tui.app import DashboardApp
from drivers.base import Receiver
from drivers.link_session import LinkSession
from drivers.packets import RawPacket
from drivers.url import parse_receiver_url
from firmware_protocol.handset_id import handset_id_from_bytes
from firmware_protocol.iclicker_air import ANSWERS, encode_air_payload
from firmware_protocol.link import FrameType, encode_frame
from firmware_protocol.link_messages import RadioPacket

TARGET_REDRAWS_PER_S = 10
TARGET_CPU_SHARE = 0.05
TARGET_P99_MS = 100


class PacedReceiver(Receiver):
    """Link v1 frames of ``handsets`` handsets changing their minds at ``rate`` per second."""

    scheme = "paced"

    def __init__(self, handsets: int, rate: float, seed: int = 1) -> None:
        super().__init__(parse_receiver_url(f"paced://{handsets}"))
        rng = random.Random(seed)
        ids = [
            handset_id_from_bytes(rng.randrange(256), rng.randrange(256), i % 256)
            for i in range(handsets)
        ]
        self._frames = [
            encode_frame(
                FrameType.RADIO_PACKET,
                i & 0xFF,
                RadioPacket(
                    i, -50, encode_air_payload(rng.choice(ids), rng.choice(ANSWERS))
                ).encode(),
            )
            for i in range(20_000)
        ]
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


class MeasuredApp(DashboardApp):
    """Records when each redraw finished and how many votes it showed."""

    shown: list[tuple[float, int]]

    def refresh_view(self) -> None:
        super().refresh_view()
        self.shown.append((time.monotonic(), self.state.votes))


async def measure(seconds: float, rate: float, handsets: int) -> dict[str, object]:
    receiver = PacedReceiver(handsets, rate)
    accepted_at: list[float] = []

    def on_accept(poll: int, vote: Vote) -> None:
        accepted_at.append(time.monotonic())

    with (
        tempfile.TemporaryDirectory() as folder,
        open_station(receiver, Path(folder) / "bench.db", listeners=[on_accept]) as station,
    ):
        station.polls.start_session()
        app = dashboard_app(station, start_poll=True, app_class=MeasuredApp)
        assert isinstance(app, MeasuredApp)
        app.shown = []
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause(0.5)
            wall0, cpu0, redraws0 = time.monotonic(), time.process_time(), app.redraws
            await pilot.pause(seconds)
            wall, cpu = time.monotonic() - wall0, time.process_time() - cpu0
            redraws = app.redraws - redraws0
    shown_times = [t for t, _ in app.shown]
    shown_votes = [v for _, v in app.shown]
    latencies = []
    for index, accepted in enumerate(accepted_at):
        first = bisect.bisect_left(shown_votes, index + 1)
        if first < len(shown_times) and shown_times[first] >= accepted:
            latencies.append((shown_times[first] - accepted) * 1000)
    latencies.sort()
    if not latencies:
        raise SystemExit("no vote reached the screen: is --rate above 0?")
    p50 = latencies[len(latencies) // 2]
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return {
        "benchmark": "dashboard",
        "handsets": handsets,
        "offered_packets_per_s": rate,
        "accepted_votes": len(accepted_at),
        "seconds": round(wall, 2),
        "redraws_per_s": round(redraws / wall, 1),
        "cpu_share": round(cpu / wall, 3),
        "vote_to_screen_ms_p50": round(p50, 1),
        "vote_to_screen_ms_p99": round(p99, 1),
        "meets_target": redraws / wall >= TARGET_REDRAWS_PER_S
        and cpu / wall < TARGET_CPU_SHARE
        and p99 < TARGET_P99_MS,
    }


def headless_cpu_share(seconds: float, rate: float, handsets: int) -> tuple[float, float]:
    """The same receiver, station, store and worker thread, with no screen: what the
    dashboard's process costs before it draws anything; and the store's commits per s."""
    receiver = PacedReceiver(handsets, rate)
    with (
        tempfile.TemporaryDirectory() as folder,
        open_station(receiver, Path(folder) / "headless.db") as station,
    ):
        station.polls.start_session()
        live = live_session(station)
        live.start_poll()
        live.start()
        time.sleep(0.5)
        commits0 = len(station.store.commit_latencies)
        wall0, cpu0 = time.monotonic(), time.process_time()
        time.sleep(seconds)
        wall = time.monotonic() - wall0
        share = (time.process_time() - cpu0) / wall
        commits = (len(station.store.commit_latencies) - commits0) / wall
        live.stop()
    return share, commits


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=750.0)
    parser.add_argument("--handsets", type=int, default=1_000)
    args = parser.parse_args()
    result = asyncio.run(measure(args.seconds, args.rate, args.handsets))
    headless, commits_per_s = headless_cpu_share(args.seconds, args.rate, args.handsets)
    result["headless_cpu_share"] = round(headless, 3)
    result["store_commits_per_s"] = round(commits_per_s, 1)
    result["commits_alone_cpu_share"] = round(
        commits_alone_cpu_share(
            args.seconds,
            float(result["accepted_votes"]) / float(result["seconds"]),  # type: ignore[arg-type]
            commits_per_s,
        ),
        3,
    )
    result["screen_cpu_share"] = round(float(result["cpu_share"]) - headless, 3)  # type: ignore[arg-type]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
