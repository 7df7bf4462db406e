"""How long ``basestation run`` takes from its start to the dashboard's first frame on
a real pseudo-terminal (100x30), on the simulated receiver; beside it, in the same
run, a bare interpreter's start. Median of N runs, on the database of the term (it
exists: every class after the first) and on a new one (the first class); compiled as
installed, and the new database with nothing compiled (see ``commands.py``).

Prints one JSON object. Run: ``uv run python benchmarks/first_frame.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

from commands import compile_project, median_seconds, without_bytecode

TARGET_S = 0.5
FIRST_FRAME_MARK = b"No question yet"


def first_frame_s(db: Path, env: dict[str, str] | None = None) -> float:
    main, child = os.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    started = time.perf_counter()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "basestation",
            "run",
            "--receiver",
            "sim://300?end=0",
            "--db",
            str(db),
        ],
        stdin=child,
        stdout=child,
        stderr=child,
        start_new_session=True,
        env=env,
    )
    os.close(child)
    seen = b""
    try:
        while FIRST_FRAME_MARK not in seen:
            seen += os.read(main, 65536)
        return time.perf_counter() - started
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
        os.close(main)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    compile_project()
    with tempfile.TemporaryDirectory() as folder:
        first_frame_s(Path(folder) / "term.db")  # the term's database, made once
        frames = [first_frame_s(Path(folder) / "term.db") for _ in range(args.runs)]
        new = [first_frame_s(Path(folder) / f"new{i}.db") for i in range(args.runs)]
        with without_bytecode() as env:
            uncompiled = [first_frame_s(Path(folder) / f"raw{i}.db", env) for i in range(args.runs)]
    bare = median_seconds([sys.executable, "-c", "pass"], args.runs)
    median = statistics.median(frames)
    print(
        json.dumps(
            {
                "benchmark": "first_frame",
                "runs": args.runs,
                "first_frame_s": round(median, 3),
                "first_frame_new_database_s": round(statistics.median(new), 3),
                "first_frame_new_database_nothing_compiled_s": round(
                    statistics.median(uncompiled), 3
                ),
                "bare_interpreter_s": round(bare, 3),
                "ratio_to_bare_interpreter": round(median / bare, 1),
                "target_s": TARGET_S,
                "meets_target": median <= TARGET_S,
            }
        )
    )


if __name__ == "__main__":
    main()
