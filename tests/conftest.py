"""Shared fixtures: a fresh database path, and checks that no test leaves threads,
recorders or receiver registrations behind."""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

# What the program remembers between runs (which files it wrote) goes to a folder of
# this test run, never into the home directory; subprocesses inherit it.
os.environ["XDG_STATE_HOME"] = tempfile.mkdtemp(prefix="basestation-tests-state-")


@pytest.fixture(autouse=True)
def no_leaked_threads() -> Iterator[None]:
    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + 2.0
    while True:
        leaked = [
            t
            for t in threading.enumerate()
            if t not in before
            and t.is_alive()
            and not t.name.startswith(("asyncio", "ThreadPoolExecutor"))
        ]
        if not leaked or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    assert not leaked, f"test left threads running: {[t.name for t in leaked]}"


@pytest.fixture(autouse=True)
def no_leaked_receiver_registrations() -> Iterator[None]:
    """A test that registers a receiver scheme must take it back (python-can's lesson:
    a global registry without a leak check lets one test change the next)."""
    from drivers.registry import registered_in_process

    before = registered_in_process()
    yield
    assert registered_in_process() == before, "a test left a receiver scheme registered"


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
    env["PYTHONFAULTHANDLER"] = "1"  # a hung command told to abort shows every thread
    return env
