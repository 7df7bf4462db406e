"""Shared fixtures: a fresh database path, and a check that no test leaves threads behind."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def no_leaked_threads() -> Iterator[None]:
    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + 2.0
    while True:
        leaked = [t for t in threading.enumerate() if t not in before and t.is_alive()
                  and not t.name.startswith(("asyncio", "ThreadPoolExecutor"))]
        if not leaked or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    assert not leaked, f"test left threads running: {[t.name for t in leaked]}"


@pytest.fixture(autouse=True)
def no_leftover_recorders() -> Iterator[None]:
    yield
    from tests.helpers import kill_leftover_recorders

    kill_leftover_recorders()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "class.db"


def cli_command(*args: str) -> list[str]:
    """The installed CLI, run as a module of this interpreter."""
    return [sys.executable, "-m", "basestation", *args]


def cli_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO)
    return env
