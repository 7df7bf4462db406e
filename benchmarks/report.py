"""``basestation report`` of a 10-question Peer Instruction session (each question with
its revote, 300 handsets), timed as a user runs it: a fresh process, start to the page
written. Beside it, in the same run, ``basestation --help``. Median of N runs.

Prints one JSON object. Run: ``uv run python benchmarks/report.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from commands import median_seconds

from basestation.assembly import live_session, open_station
from drivers.registry import receiver_for_url
from simulators.sim_receiver import SimReceiver, play_steps

TARGET_S = 1.5
QUESTIONS = 10


def make_session(db: Path) -> None:
    receiver = receiver_for_url(f"sim://300?seed=5&speed=2000&questions={QUESTIONS}&revote=1&end=0")
    assert isinstance(receiver, SimReceiver)
    with open_station(receiver, db) as station:
        station.polls.start_session(course="Bench")
        live = live_session(station)
        for number in range(QUESTIONS):
            play_steps(
                live,
                receiver,
                ([live.next_question] if number else [])
                + [
                    live.start_poll,
                    live.stop_poll,
                    lambda: live.set_correct("B"),
                    live.revote,
                    live.stop_poll,
                ],
            )
        live.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "session.db"
        make_session(db)
        cli = [sys.executable, "-m", "basestation"]
        report = median_seconds(
            [
                *cli,
                "report",
                "--db",
                str(db),
                "--session",
                "1",
                "-o",
                str(Path(folder) / "report.html"),
                "--force",
            ],
            args.runs,
        )
        help_s = median_seconds([*cli, "--help"], args.runs)
    print(
        json.dumps(
            {
                "benchmark": "report",
                "questions": QUESTIONS,
                "runs": args.runs,
                "report_s": round(report, 3),
                "help_s": round(help_s, 3),
                "ratio_to_help": round(report / help_s, 1),
                "target_s": TARGET_S,
                "meets_target": report <= TARGET_S,
            }
        )
    )


if __name__ == "__main__":
    main()
