"""Run a benchmark twice in one run: on the pure-Python hot path and on the compiled
one (``basestation hot-path build``), each in a fresh process.

Imported before the project's modules: in a process started with ``BENCH_PURE=1`` it
hides the compiled modules (Python would otherwise import them instead of their
sources), so both paths can be measured from one checkout.
"""

from __future__ import annotations

import importlib.machinery as machinery
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PURE = "BENCH_PURE"
CHILD = "BENCH_CHILD"


def _hide_compiled() -> None:
    pure_finder = machinery.FileFinder.path_hook(
        (machinery.SourceFileLoader, machinery.SOURCE_SUFFIXES),
        (machinery.SourcelessFileLoader, machinery.BYTECODE_SUFFIXES),
    )

    def hook(entry: str) -> machinery.FileFinder:
        path = Path(entry or ".").resolve()
        if not path.is_relative_to(ROOT) or path.is_relative_to(ROOT / ".venv"):
            raise ImportError  # not the project's: the usual finders
        return pure_finder(entry)

    sys.path_hooks.insert(0, hook)
    sys.path_importer_cache.clear()


if os.environ.get(PURE) == "1":
    _hide_compiled()


def is_child() -> bool:
    return os.environ.get(CHILD) == "1"


def compiled_built() -> bool:
    suffix = machinery.EXTENSION_SUFFIXES[0]
    return (ROOT / "basestation" / "live" / f"votes{suffix}").exists()


def measure(script: str, args: list[str], *, pure: bool) -> dict[str, object]:
    """One fresh process of ``script`` (which prints one JSON object as a child)."""
    env = {**os.environ, CHILD: "1", PURE: "1" if pure else "0"}
    done = subprocess.run(
        [sys.executable, script, *args], env=env, capture_output=True, text=True, check=True
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def loaded_compiled(cls: type) -> bool:
    """Whether ``cls`` comes from a compiled module."""
    module = sys.modules[cls.__module__]
    return str(module.__file__).endswith(tuple(machinery.EXTENSION_SUFFIXES))
