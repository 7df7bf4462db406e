"""Timing a command in a fresh process, for the start-up benchmarks.

They measure the program as installed: an install (pip, ``uv sync --compile-bytecode``)
leaves every module compiled, so the libraries and the project's own packages are
compiled first here too (this checkout is an editable install, which nobody compiles).
Each also prints the same command with no compiled bytecode to read
(``PYTHONPYCACHEPREFIX`` pointing at an empty folder), as a machine with
``PYTHONDONTWRITEBYTECODE`` and nothing compiled would start it.
"""

from __future__ import annotations

import compileall
import os
import statistics
import subprocess
import sysconfig
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("basestation", "drivers", "firmware_protocol", "simulators")


def compile_project() -> None:
    """The project and the libraries of its environment, compiled where they are not."""
    for package in PACKAGES:
        compileall.compile_dir(ROOT / package, quiet=1)
    compileall.compile_dir(sysconfig.get_paths()["purelib"], quiet=1)


@contextmanager
def without_bytecode() -> Iterator[dict[str, str]]:
    """An environment in which no compiled module is found (and none is written)."""
    with tempfile.TemporaryDirectory() as empty:
        yield {**os.environ, "PYTHONPYCACHEPREFIX": empty, "PYTHONDONTWRITEBYTECODE": "1"}


def median_seconds(command: list[str], runs: int, env: dict[str, str] | None = None) -> float:
    """The median wall time of ``runs`` runs of ``command`` (its output discarded)."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - started)
    return statistics.median(times)
