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
from importlib.abc import PathEntryFinder
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PURE = "BENCH_PURE"
CHILD = "BENCH_CHILD"


def _hide_compiled() -> None:
    pure_finder = machinery.FileFinder.path_hook(
        (machinery.SourceFileLoader, machinery.SOURCE_SUFFIXES),
        (machinery.SourcelessFileLoader, machinery.BYTECODE_SUFFIXES),
    )

    def hook(entry: str) -> PathEntryFinder:
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
    """Every module of the hot path has its compiled form (``basestation hot-path``)."""
    from basestation.cli.hot_path import HOT_MODULES, this_python_compiled

    return all(this_python_compiled(source) for source in HOT_MODULES)


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


def pure_and_compiled(
    script: str, figure: str, target: float, *, higher_is_better: bool, also: tuple[str, ...] = ()
) -> dict[str, object]:
    """The pure run's result, and beside it the compiled run's ``figure`` (with its
    ``also`` figures) against ``target``, when the compiled hot path is built."""
    result = measure(script, sys.argv[1:], pure=True)
    compiled: dict[str, object] = {f"compiled_{figure}": None, f"compiled_target_{figure}": target}
    if compiled_built():
        other = measure(script, sys.argv[1:], pure=False)
        value, pure = float(other[figure]), float(result[figure])  # type: ignore[arg-type]
        compiled |= {
            f"compiled_{figure}": other[figure],
            "compiled_vs_pure": round(value / pure if higher_is_better else pure / value, 2),
            "compiled_hot_path": other["hot_path"],
            **{f"compiled_{name}": other[name] for name in also},
            "compiled_meets_target": value >= target if higher_is_better else value <= target,
        }
    return result | compiled
