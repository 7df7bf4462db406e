"""``basestation run --capture``: the dashboard, run by a person at a terminal, records
what the receiver sent; replaying that capture gives the tallies that were stored."""

from __future__ import annotations

import fcntl
import gzip
import json
import os
import pty
import struct
import subprocess
import termios
import threading
import time
from pathlib import Path

from tests.conftest import cli_command, cli_env
from tests.helpers import one_json, query, run_cli, wait_for

URL = "sim://60?seed=4&speed=50&end=0"


class Terminal:
    """The dashboard in a real pseudo-terminal, its screen drained in the background."""

    def __init__(self, *args: str) -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        self.screen = bytearray()
        env = cli_env() | {"TERM": "xterm-256color", "COLUMNS": "100", "LINES": "30"}
        self.process = subprocess.Popen(
            cli_command(*args), stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True
        )
        os.close(slave)
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        try:
            while chunk := os.read(self.master, 65536):
                self.screen += chunk
        except OSError:
            return

    def press(self, key: str) -> None:
        os.write(self.master, key.encode())

    def close(self) -> int:
        try:
            code = self.process.wait(timeout=20)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            os.close(self.master)
            self._reader.join(timeout=5)
        return code


def test_run_writes_a_capture_that_replays_to_the_stored_tallies(tmp_path: Path) -> None:
    db, capture = tmp_path / "class.db", tmp_path / "lecture.cap.gz"
    terminal = Terminal("run", "--receiver", URL, "--db", str(db), "--capture", str(capture))
    try:
        wait_for(lambda: query_or_empty(db, "SELECT id FROM sessions"), what="the session")
        terminal.press("s")
        wait_for(
            lambda: query_or_empty(db, "SELECT COUNT(DISTINCT handset) >= 40 FROM votes") == [(1,)],
            timeout=30,
            what="most handsets' votes",
        )
        terminal.press("x")
        wait_for(
            lambda: query_or_empty(db, "SELECT closed_at FROM polls WHERE closed_at IS NOT NULL"),
            what="the poll closed",
        )
        time.sleep(0.5)  # the screen learns of the close at its next refresh
        terminal.press("q")
        time.sleep(0.5)  # the prompt: quit? (No is focused)
        terminal.press("y")
    finally:
        code = terminal.close()
    assert code == 0, bytes(terminal.screen[-3000:]).decode(errors="replace")
    stored = dict(
        query(
            db,
            "SELECT answer, COUNT(*) FROM (SELECT handset, answer FROM votes "
            "v WHERE id = (SELECT MAX(id) FROM votes w WHERE w.handset = "
            "v.handset)) GROUP BY answer",
        )
    )
    assert capture.stat().st_mode & 0o777 == 0o600  # it holds every handset's ID
    with gzip.open(capture, "rt", encoding="utf-8") as handle:
        lines = [json.loads(line) for line in handle]
    assert lines[0]["capture"] == "basestation"
    events = [line["event"] for line in lines if "event" in line]
    assert events == ["poll-open", "poll-close"]
    assert sum(1 for line in lines if "kind" in line) >= 60
    replayed = run_cli(
        "record",
        "--receiver",
        f"replay://{capture}?speed=max",
        "--db",
        str(tmp_path / "replay.db"),
        "--json",
    )
    assert replayed.returncode == 0, replayed.stderr
    summary = one_json(replayed.stdout)
    assert {a: n for a, n in summary["counts"].items() if n} == stored
    assert summary["voters"] == query(db, "SELECT COUNT(DISTINCT handset) FROM votes")[0][0]


def query_or_empty(db: Path, sql: str) -> list[tuple[object, ...]]:
    try:
        return query(db, sql)
    except Exception:  # the database is still being created
        return []
