"""500 phones on loopback against the dashboard's web receiver: each signs in (an open
session's browser) and votes three times in one poll.

The dashboard runs headless in this process (app, station, store, the web receiver's
server thread); the phones are ``basestation simulate --phones`` in another process,
over real HTTP on 127.0.0.1, as a class would be. Prints one JSON object: votes counted
(must equal the phones), request-to-confirmation p50/p99 (from the phones' side), this
process's CPU share of one core while the phones vote and the dashboard's redraws per
second while votes come in (from the redraws between the first accepted vote and the
last: the screen paints only when something changed); beside them, measured in the
same run, the same dashboard's CPU share and redraws with no phone at all (the
baseline), and a plain page load's p50 (the server's floor). The receiver's rate
limit is off (``rate=0``): on loopback every phone has the same address, which on a
real network each has its own.
Run: ``uv run python benchmarks/web_phones.py [--phones N] [--votes K]``.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.text import Text

from basestation.assembly import dashboard_app, open_station
from basestation.live.votes import Vote
from basestation.poll_source import LiveState
from basestation.tui.app import DashboardApp
from drivers.registry import receiver_for_url

TARGET_P99_MS = 250
TARGET_REDRAWS_PER_S = 10


def page_loads(address: str, count: int = 50) -> float:
    host, port = address.removeprefix("http://").rstrip("/").split(":")
    connection = http.client.HTTPConnection(host, int(port))
    times = []
    for _ in range(count):
        started = time.perf_counter()
        connection.request("GET", "/")
        connection.getresponse().read()
        times.append(time.perf_counter() - started)
    connection.close()
    return sorted(times)[len(times) // 2]


class TimedApp(DashboardApp):
    """Notes when each redraw happened."""

    painted_at: list[float]

    def paint(self, state: LiveState, receiver: Text, hint_prefix: str | None = None) -> None:
        super().paint(state, receiver, hint_prefix)
        self.painted_at.append(time.monotonic())


async def measure(phones: int, votes: int, idle_s: float) -> dict[str, object]:
    accepted_at: list[float] = []

    def on_accept(poll: int, vote: Vote) -> None:
        accepted_at.append(time.monotonic())

    with tempfile.TemporaryDirectory() as folder:
        receiver = receiver_for_url("web://127.0.0.1:0?open=1&code=ACDE&rate=0&phones=2000")
        with open_station(receiver, Path(folder) / "phones.db", listeners=[on_accept]) as station:
            station.polls.start_session(course="bench")
            app = dashboard_app(station, start_poll=True, app_class=TimedApp)
            assert isinstance(app, TimedApp)
            app.painted_at = []
            async with app.run_test(size=(120, 40)) as pilot:
                while not app.state.join_address:
                    await pilot.pause(0.05)
                address = app.state.join_address
                floor = page_loads(address)
                redraws, cpu, wall = app.redraws, time.process_time(), time.perf_counter()
                await pilot.pause(idle_s)
                idle = (time.process_time() - cpu) / (time.perf_counter() - wall)
                idle_redraws = (app.redraws - redraws) / (time.perf_counter() - wall)

                command = [sys.executable, "-m", "basestation", "simulate", "--phones"]
                command += [str(phones), "--url", address, "--code", "ACDE"]
                command += ["--votes", str(votes), "--key", "B"]
                redraws, cpu, wall = app.redraws, time.process_time(), time.perf_counter()
                process = await asyncio.create_subprocess_exec(
                    *command, stdout=subprocess.PIPE, stderr=subprocess.PIPE
                )
                out, err = await process.communicate()
                if process.returncode != 0:
                    raise SystemExit(err.decode())
                while app.state.votes < 1 or app.live.station.store.pending_votes:
                    await pilot.pause(0.05)
                await pilot.pause(0.3)  # the screen catches up
                seconds = time.perf_counter() - wall
                share = (time.process_time() - cpu) / seconds
                first, last = accepted_at[0], accepted_at[-1]
                during = [t for t in app.painted_at if first <= t <= last + 0.1]
                rate = (len(during) - 1) / (during[-1] - during[0]) if len(during) > 1 else 0.0
                played = json.loads(out)
                counted = app.state.voters
    return {
        "phones": phones,
        "votes_each": votes,
        "counted": counted,
        "p50_ms": played["p50_ms"],
        "p99_ms": played["p99_ms"],
        "target_p99_ms": TARGET_P99_MS,
        "seconds": round(seconds, 2),
        "cpu_share": round(share, 3),
        "redraws_per_s": round(rate, 1),
        "target_redraws_per_s": TARGET_REDRAWS_PER_S,
        "baseline_idle_cpu_share": round(idle, 3),
        "baseline_idle_redraws_per_s": round(idle_redraws, 1),
        "baseline_page_load_p50_ms": round(1000 * floor, 2),
        "ok": counted == phones
        and played["p99_ms"] <= TARGET_P99_MS
        and rate >= TARGET_REDRAWS_PER_S,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--phones", type=int, default=500)
    parser.add_argument("--votes", type=int, default=3)
    parser.add_argument("--idle", type=float, default=2.0, help="Seconds of the baseline.")
    arguments = parser.parse_args()
    print(json.dumps(asyncio.run(measure(arguments.phones, arguments.votes, arguments.idle))))


if __name__ == "__main__":
    main()
