"""``run`` and ``demo`` on a real pseudo-terminal: quit through the prompt, then what they
print, and the demo's temporary folder."""

from __future__ import annotations

import fcntl
import os
import re
import struct
import subprocess
import termios
import time
from pathlib import Path

from tests.conftest import cli_command, cli_env


def on_a_terminal(
    *args: str, env: dict[str, str], press: bytes = b"", then: bytes = b""
) -> tuple[int, str]:
    """Run the CLI on a 100x30 pty, wait for the dashboard, type ``press`` and wait for
    ``then`` on the screen, press q then y; its output."""
    main, child = os.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    process = subprocess.Popen(
        cli_command(*args), stdin=child, stdout=child, stderr=child, env=env, start_new_session=True
    )
    os.close(child)
    output = b""

    def read_until(pattern: bytes, seconds: float) -> bool:
        nonlocal output
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                chunk = os.read(main, 65536)
            except OSError:
                return False
            output += chunk
            if pattern in output:
                return True
        return False

    assert read_until(b"Quit", 60), output[-2000:]
    time.sleep(0.5)
    if press:
        os.write(main, press)
        assert read_until(then, 20), output[-2000:]
    os.write(main, b"q")
    assert read_until(b"Yes", 10), output[-2000:]
    os.write(main, b"y")
    read_until(b"\x00never", 5)  # drain until it exits
    code = process.wait(timeout=20)
    os.close(main)
    text = re.sub(
        r"\x1b\[[0-9;?]*[a-zA-Z]|\x1b[()][AB0-9]|\x1b[=>]|\r", "", output.decode("utf-8", "replace")
    )
    return code, text


def test_demo_explains_itself_and_removes_its_temporary_folder(tmp_path: Path) -> None:
    env = cli_env() | {"TMPDIR": str(tmp_path)}
    code, text = on_a_terminal("demo", "--speed", "50", env=env)
    assert code == 0, text[-2000:]
    assert "demo session 1" in text and "temporary database was removed" in text
    assert "demo: simulated handsets are voting" in text and "press x" in text
    assert "key hidden" in text and "Demo question 1" in text  # set, and k reveals it
    assert not list(tmp_path.glob("basestation-demo-*"))


def test_run_prints_the_session_the_database_and_the_next_command(tmp_path: Path) -> None:
    db = tmp_path / "class.db"
    code, text = on_a_terminal(
        "run", "--receiver", "sim://30?seed=2&speed=50", "--db", str(db), env=cli_env()
    )
    assert code == 0, text[-2000:]
    assert f"session 1: 0 question(s) saved in {db}" in text
    assert f"next: basestation analyze --session 1 --db {db}" in text


def test_run_steps_through_a_text2qti_file_given_on_the_command_line(tmp_path: Path) -> None:
    questions = tmp_path / "lecture.md"
    questions.write_text(
        "Quiz title: Forces\n\n1.  Which force is larger?\na)  the truck's\n"
        "*b) they are equal\nc)  the fly's\n"
    )
    db = tmp_path / "class.db"
    code, text = on_a_terminal(
        "run",
        "--receiver",
        "sim://30?seed=2&speed=50&end=0",
        "--db",
        str(db),
        "--questions",
        str(questions),
        env=cli_env(),
        press=b"s",
        then=b"they are equal",
    )
    assert code == 0, text[-2000:]
    assert "Which force is larger?" in text and "key hidden" in text
    assert f"session 1: 1 question(s) saved in {db}" in text
