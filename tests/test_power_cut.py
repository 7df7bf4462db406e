"""Power cuts, not only kills: a VFS (tests/powercut/powercut_vfs.c, built here) becomes
the default VFS of the very SQLite library that Python's sqlite3 module uses, so the
store's own writer runs through it. It keeps each file's content as of its last sync,
cuts the power at a chosen write, truncate or sync, and the test puts every file back
as the disk would hold it when the power comes back. After each cut the database must
open, pass ``PRAGMA integrity_check``, and hold every vote the store had reported
committed (durable), in order."""

from __future__ import annotations

import ctypes
import os
import random
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from basestation.db import Store, StoreError
from basestation.live.polls import PollController, PollStateError
from basestation.live.votes import VoteBuffer
from tests.helpers import offer_and_store

SOURCE = Path(__file__).parent / "powercut" / "powercut_vfs.c"
CUTS = 100
VOTES = 120
BATCH = 12
SEED = 20261205


@pytest.fixture(scope="module")
def power(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ctypes.CDLL]:
    library = tmp_path_factory.mktemp("vfs") / "powercut.so"
    built = shutil.which("gcc") and Path("/usr/include/sqlite3.h").exists()
    if not built:
        message = "needs gcc and sqlite3.h (libsqlite3-dev) to build the power-cut VFS"
        if os.environ.get("CI"):
            pytest.fail(message + " (.ci/run installs them)")
        pytest.skip(message)
    subprocess.run(
        ["gcc", "-shared", "-fPIC", "-O1", "-o", str(library), str(SOURCE), "-lsqlite3"],
        check=True,
    )
    vfs = ctypes.CDLL(str(library))
    vfs.powercut_default_vfs.restype = ctypes.c_char_p
    vfs.powercut_operations.restype = ctypes.c_long
    vfs.powercut_arm.argtypes = [ctypes.c_long]
    assert vfs.powercut_register() == 0
    try:
        with sqlite3.connect(":memory:") as probe:  # the library Python's sqlite3 uses
            name = probe.execute("SELECT 1").fetchone() and vfs.powercut_default_vfs()
        assert name == b"powercut"
        yield vfs
    finally:
        vfs.powercut_unregister()


def votes() -> list[tuple[str, str]]:
    return [(f"{i:08X}", "ABCDE"[i % 5]) for i in range(VOTES)]


def record_class(folder: Path, power: ctypes.CDLL) -> int:
    """The store records a class: a session, a question, a poll, votes in bursts, each
    burst committed. Returns the votes the store reported committed; stops at the cut."""
    reported = [0]
    try:
        store = Store(folder / "class.db", flush_interval_s=0.01)
    except StoreError:
        return 0
    store.on_commit = lambda committed: reported.__setitem__(0, committed)
    try:
        polls = PollController(store, VoteBuffer(keep_votes=True))
        polls.start_session(course="Power")
        polls.add_question("Cut?")
        polls.open_poll()
        for start in range(0, VOTES, BATCH):
            for handset, answer in votes()[start : start + BATCH]:
                offer_and_store(polls, handset, answer, float(start))
            if power.powercut_is_off() or not store.flush(timeout=0.05):
                break
        polls.close_poll()
        store.flush(timeout=0.05)
    except (StoreError, PollStateError):
        pass
    finally:
        store.close(timeout=0.05)
    return reported[0]


def power_comes_back(folder: Path) -> None:
    """Each file as it was at its last sync; never synced, never there; no shared memory."""
    database = folder / "class.db"
    for path in (database, Path(f"{database}-wal"), Path(f"{database}-journal")):
        durable = Path(f"{path}.durable")
        if durable.exists():
            os.replace(durable, path)
        else:
            path.unlink(missing_ok=True)
    Path(f"{database}-shm").unlink(missing_ok=True)
    for leftover in folder.glob("*.durable*"):
        leftover.unlink()


def check(folder: Path, reported: int) -> int:
    with sqlite3.connect(folder / "class.db") as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        try:
            kept = connection.execute("SELECT handset, answer FROM votes ORDER BY id").fetchall()
        except sqlite3.OperationalError:  # the power went before the schema was synced
            kept = []
    assert kept[:reported] == votes()[:reported], "a vote reported committed was lost"
    return len(kept)


def test_a_hundred_power_cuts_lose_no_committed_vote(power: ctypes.CDLL, tmp_path: Path) -> None:
    power.powercut_arm(-1)
    whole = record_class(tmp_path / "whole", power)  # the same class with the power on throughout
    operations = power.powercut_operations()
    assert whole == VOTES and operations > 50
    rng = random.Random(SEED)
    checked = lost = 0
    for cut in range(CUTS):
        folder = tmp_path / f"cut{cut}"
        folder.mkdir()
        power.powercut_arm(rng.randrange(1, operations))
        reported = record_class(folder, power)
        assert power.powercut_is_off(), "the cut came after the work: aim earlier"
        power.powercut_arm(-1)
        power_comes_back(folder)
        kept = check(folder, reported)
        checked += reported
        lost += max(0, reported - kept)
        shutil.rmtree(folder)
    assert lost == 0 and checked > 0
    print(f"power cuts: {CUTS}, votes reported committed and checked: {checked}, lost: {lost}")
