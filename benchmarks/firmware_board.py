"""The emulated receiver board: how many simulated seconds it runs per wall second.

The unchanged firmware on simavr with the RFM69 model, run as fast as the machine can
(``--fast``). Busy: a class of ``--students`` handsets votes in one round of about
``--seconds`` simulated seconds, every packet forwarded to this host and
acknowledged; timed from the round's start to its end. Baseline in the same run: the
same board idle for as long (no poll open, the chip asleep between its timer ticks).
Prints one JSON object. Run: ``uv run python benchmarks/firmware_board.py``.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any

import serial

from firmware_protocol.link import FrameType, LinkDecoder, encode_frame
from simulators.avr_board import AvrBoard
from simulators.scenario import ClassScenario


def busy_round(folder: Path, students: int, seconds: float) -> dict[str, Any]:
    rounds = ClassScenario(students=students, seed=5).rounds()
    speed = max(t.time for t in rounds[0].transmissions) / seconds
    with AvrBoard(rounds, folder, speed=speed, fast=True) as board:
        port = serial.serial_for_url(board.path, baudrate=115200, timeout=0.05)
        decoder, forwarded, asked = LinkDecoder(), 0, False
        try:
            while not any(e["event"] == "round-end" for e in board.events()):
                for frame in decoder.feed(port.read(65536)):
                    if frame.type == FrameType.HELLO and not asked:
                        port.write(encode_frame(FrameType.OPEN_POLL, 1))
                        asked = True
                    forwarded += frame.type == FrameType.RADIO_PACKET
        finally:
            port.close()
        events = board.events()
    (start,) = [e for e in events if e["event"] == "round-start"]
    (end,) = [e for e in events if e["event"] == "round-end"]
    acks = [e for e in events if e["event"] == "ack"]
    return {
        "simulated_s": round(end["t"] - start["t"], 3),
        "wall_s": round(end["wall"] - start["wall"], 3),
        "simulated_s_per_wall_s": round((end["t"] - start["t"]) / (end["wall"] - start["wall"]), 1),
        "acknowledgements": len(acks),
        "packets_forwarded_so_far": forwarded,
    }


def idle(folder: Path, seconds: float) -> dict[str, Any]:
    rounds = ClassScenario(students=1, seed=5).rounds()
    with AvrBoard(rounds, folder, fast=True, seconds=seconds) as board:
        board.wait()
        (last_words,) = [e for e in board.events() if e["event"] == "exit"]
    return {
        "simulated_s": last_words["simulated_s"],
        "wall_s": last_words["wall_s"],
        "simulated_s_per_wall_s": round(last_words["simulated_s"] / last_words["wall_s"], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        busy = busy_round(Path(folder) / "busy", args.students, args.seconds)
        baseline = idle(Path(folder) / "idle", busy["simulated_s"])
    print(
        json.dumps(
            {
                "benchmark": "firmware_board",
                "students": args.students,
                "busy": busy,
                "idle_baseline": baseline,
                "busy_vs_idle": round(
                    busy["simulated_s_per_wall_s"] / baseline["simulated_s_per_wall_s"], 3
                ),
                "faster_than_real_time": busy["simulated_s_per_wall_s"] >= 1.0,
            }
        )
    )


if __name__ == "__main__":
    main()
