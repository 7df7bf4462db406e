"""``basestation report`` of a 10-question Peer Instruction session (each question with
its revote, 300 handsets), timed as a user runs it: a fresh process, start to the page
written. Beside it, in the same run, ``basestation --help``. Median of N runs.

Prints one JSON object. Run: ``uv run python benchmarks/report.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from basestation.assembly import live_session, open_station
from drivers.registry import receiver_for_url
from simulators.sim_receiver import SimReceiver, play_steps

TARGET_S = 1.5
QUESTIONS = 10


def make_session(db: Path) -> None:
    receiver = receiver_for_url(f"sim://300?seed=5&speed=2000&questions={QUESTIONS}"
                                "&revote=1&end=0")
    assert isinstance(receiver, SimReceiver)
    with open_station(receiver, db) as station:
        station.polls.start_session(course="Bench")
        live = live_session(station)
        for number in range(QUESTIONS):
            play_steps(live, receiver, ([live.next_question] if number else []) + [
                live.start_poll, live.stop_poll, lambda: live.set_correct("B"),
                live.revote, live.stop_poll])
        live.stop()


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "session.db"
        make_session(db)
        cli = [sys.executable, "-m", "basestation"]
        report = statistics.median(
            timed([*cli, "report", "--db", str(db), "--session", "1", "-o",
                   str(Path(folder) / f"r{i}.html"), "--force"]) for i in range(args.runs))
        help_s = statistics.median(timed([*cli, "--help"]) for _ in range(args.runs))
    print(json.dumps({"benchmark": "report", "questions": QUESTIONS, "runs": args.runs,
                      "report_s": round(report, 3), "help_s": round(help_s, 3),
                      "ratio_to_help": round(report / help_s, 1), "target_s": TARGET_S,
                      "meets_target": report <= TARGET_S}))


if __name__ == "__main__":
    main()
