"""How long the command line takes to start: ``basestation --help`` against a bare
interpreter, measured in the same run (median of N runs each); compiled as installed,
and beside it with nothing compiled (see ``commands.py``).
Run: ``uv run python benchmarks/startup.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import json
import sys

from commands import compile_project, median_seconds, without_bytecode

TARGET_HELP_S = 0.15


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    compile_project()
    command = [sys.executable, "-m", "basestation", "--help"]
    bare = median_seconds([sys.executable, "-c", "pass"], args.runs)
    help_s = median_seconds(command, args.runs)
    with without_bytecode() as env:
        uncompiled = median_seconds(command, args.runs, env)
    print(
        json.dumps(
            {
                "benchmark": "startup",
                "runs": args.runs,
                "help_s": round(help_s, 3),
                "help_s_nothing_compiled": round(uncompiled, 3),
                "bare_interpreter_s": round(bare, 3),
                "ratio_to_bare_interpreter": round(help_s / bare, 1),
                "target_help_s": TARGET_HELP_S,
                "meets_target": help_s <= TARGET_HELP_S,
            }
        )
    )


if __name__ == "__main__":
    main()
