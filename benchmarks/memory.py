"""Memory of one poll of a large hall: ``basestation record`` on 10,000 simulated
handsets (every one votes, some change their minds, retransmissions), in a child
process whose peak RSS is read from the kernel; beside it, in the same run, the peak
RSS of a bare interpreter and of ``basestation --help``.

Prints one JSON object. Run: ``uv run python benchmarks/memory.py [--handsets N]``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

TARGET_MB = 50.0


def peak_rss_mb(command: list[str]) -> tuple[float, str]:
    """Run ``command`` in a fresh child (via a small launcher, so that each figure is
    that child's own peak) and return its peak RSS in MB and its output."""
    launcher = (
        "import resource, subprocess, sys; "
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
        "sys.stdout.write(done.stdout); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    done = subprocess.run(
        [sys.executable, "-c", launcher, *command], capture_output=True, text=True, check=True
    )
    *output, peak_kb = done.stdout.strip().splitlines()
    return int(peak_kb) / 1024, "\n".join(output)


def run(handsets: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "hall.db"
        url = f"sim://{handsets}?seed=3&speed=40&loss=0.02"
        record_mb, output = peak_rss_mb(
            [
                sys.executable,
                "-m",
                "basestation",
                "record",
                "--receiver",
                url,
                "--db",
                str(db),
                "--json",
            ]
        )
        summary = json.loads(output.splitlines()[-1])
    bare_mb, _ = peak_rss_mb([sys.executable, "-c", "pass"])
    help_mb, _ = peak_rss_mb([sys.executable, "-m", "basestation", "--help"])
    return {
        "benchmark": "memory",
        "handsets": handsets,
        "voters": summary["voters"],
        "votes": summary["votes"],
        "record_peak_rss_mb": round(record_mb, 1),
        "bare_interpreter_peak_rss_mb": round(bare_mb, 1),
        "help_peak_rss_mb": round(help_mb, 1),
        "ratio_to_bare_interpreter": round(record_mb / bare_mb, 1),
        "target_mb": TARGET_MB,
        "meets_target": record_mb < TARGET_MB,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--handsets", type=int, default=10_000)
    args = parser.parse_args()
    print(json.dumps(run(args.handsets)))


if __name__ == "__main__":
    main()
