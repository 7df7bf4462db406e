"""The command line: decode, record on sim://, sessions and export, and its error messages."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from basestation.cli import main
from firmware_protocol.iclicker_air import encode_air_payload
from firmware_protocol.link import FrameType, encode_frame
from firmware_protocol.link_messages import RadioPacket, Reply
from tests.helpers import run_cli


def run(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), input=stdin)
    return result.exit_code, result.output


def json_lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_decode_radio_payloads() -> None:
    code, out = run(
        "decode", "--as", "radio", stdin="14 8C 29 75 3E\n# comment\n\n148c29753f\nzz\n"
    )
    assert code == 0
    assert json_lines(out) == [
        {"handset": "A24653B7", "answer": "B"},
        {"error": "payload checksum mismatch", "payload": "148c29753f"},
        {"error": "not hex bytes: 'zz'"},
    ]


def test_decode_link_frames(tmp_path: Path) -> None:
    payload = encode_air_payload("428071B3", "A")
    radio = encode_frame(FrameType.RADIO_PACKET, 5, RadioPacket(99, -70, payload).encode())
    reply = encode_frame(FrameType.REPLY, 6, Reply(3, 0, "ok").encode())
    broken = bytearray(radio)
    broken[3] ^= 0xFF
    source = tmp_path / "frames.hex"
    source.write_text(f"{radio.hex()}\n{reply.hex(' ')}\n{bytes(broken).hex()}\n")
    code, out = run("decode", "--as", "link", str(source))
    assert code == 0
    first, second, third = json_lines(out)
    assert first == {
        "type": "RADIO_PACKET",
        "seq": 5,
        "clock_us": 99,
        "rssi": -70,
        "payload": payload.hex(),
        "handset": "428071B3",
        "answer": "A",
    }
    assert second == {"type": "REPLY", "seq": 6, "answered_seq": 3, "result": 0, "text": "ok"}
    assert "error" in third


def test_record_sessions_and_export(db_path: Path) -> None:
    url = "sim://60?seed=1&speed=100&loss=0.1"
    code, out = run(
        "record", "--receiver", url, "--db", str(db_path), "--json", "--question", "Which force?"
    )
    assert code == 0, out
    summary = json.loads(out)
    assert set(summary) >= {
        "session",
        "poll",
        "voters",
        "counts",
        "votes",
        "duplicates",
        "invalid",
        "late",
    }
    assert sum(summary["counts"].values()) == summary["voters"] > 40
    assert list(summary["counts"]) == ["A", "B", "C", "D", "E"]

    code, out = run("sessions", "--db", str(db_path), "--json")
    assert json.loads(out) == [
        {
            "session": summary["session"],
            "started_at": json.loads(out)[0]["started_at"],
            "course": None,
            "title": None,
            "questions": 1,
            "votes": summary["votes"],
        }
    ]

    code, out = run(
        "export", "--db", str(db_path), "--session", str(summary["session"]), "--format", "json"
    )
    exported = json.loads(out)
    (poll,) = exported["polls"]
    assert (exported["session"], poll["poll"], poll["question"], poll["round"]) == (
        summary["session"],
        summary["poll"],
        1,
        1,
    )
    assert poll["opened_at"] < poll["closed_at"]
    assert len(poll["votes"]) == summary["votes"]
    assert set(poll["votes"][0]) >= {"handset", "answer", "t_host"}

    code, out = run(
        "export", "--db", str(db_path), "--session", str(summary["session"]), "--format", "csv"
    )
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == summary["votes"] and rows[0]["question"] == "1"


def test_errors_are_plain_sentences(tmp_path: Path) -> None:
    code, out = run("sessions", "--db", str(tmp_path / "none.db"))
    assert code == 1 and "no database at" in out
    code, out = run(
        "record", "--receiver", "serial:///dev/ttyNope0", "--db", str(tmp_path / "x.db")
    )
    assert code == 1 and "is the receiver plugged in" in out
    assert not (tmp_path / "x.db").exists()
    code, out = run("record", "--receiver", "sim://5", "--revote")
    assert code == 2 and "--revote needs --session" in out
    (tmp_path / "x.db").write_text("hello")
    code, out = run("export", "--db", str(tmp_path / "x.db"), "--session", "1")
    assert code == 1 and "not a base station database" in out


def test_help_loads_no_database_or_screen_library() -> None:
    """``basestation --help`` must start fast: it imports neither sqlite-utils (and the
    numpy behind it) nor Textual nor the charts (benchmarks/startup.py times it)."""
    import subprocess
    import sys

    from tests.conftest import cli_env

    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "basestation", "--help"],
        capture_output=True,
        text=True,
        env=cli_env(),
        check=True,
    )
    loaded = {
        line.split("|")[-1].strip().split(".")[0]
        for line in done.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert "Commands:" in done.stdout
    assert not loaded & {"sqlite_utils", "numpy", "textual", "pygal", "usb", "serial"}


def test_a_recorder_loads_no_array_library_and_a_report_still_can(tmp_path: Path) -> None:
    """sqlite-utils would import numpy (15 MB, 0.1 s) for types the database never sees;
    ``record`` runs without it where it is installed, and a report still draws."""
    import subprocess
    import sys

    from tests.conftest import cli_env

    db = tmp_path / "r.db"
    done = subprocess.run(
        [
            sys.executable,
            "-X",
            "importtime",
            "-m",
            "basestation",
            "record",
            "--receiver",
            "sim://20?seed=2&speed=200",
            "--db",
            str(db),
            "--json",
        ],
        capture_output=True,
        text=True,
        env=cli_env(),
        check=True,
    )
    loaded = {
        line.split("|")[-1].strip().split(".")[0]
        for line in done.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert "sqlite_utils" in loaded and not loaded & {"numpy", "pandas"}
    page = tmp_path / "r.html"
    report = subprocess.run(
        [
            sys.executable,
            "-m",
            "basestation",
            "report",
            "--db",
            str(db),
            "--session",
            "1",
            "-o",
            str(page),
        ],
        capture_output=True,
        text=True,
        env=cli_env(),
    )
    assert report.returncode == 0, report.stderr
    assert "<svg" in page.read_text()


@pytest.mark.parametrize(
    ("command", "url", "guess"),
    [
        ("record", "sim://300?sped=4", "did you mean speed?"),
        ("run", "sim://300?sedd=3", "did you mean seed?"),
        ("record", "loop://?protcol=link", "did you mean protocol?"),
        ("record", "serial:///dev/ttyUSB9?protcol=link", "did you mean protocol?"),
        ("record", "replay://class.cap?sped=2", "did you mean speed?"),
        ("record", "sim://300?speed=fast", "is not a float"),
    ],
)
def test_a_typo_in_a_receiver_url_is_one_line_and_writes_nothing(
    tmp_path: Path, command: str, url: str, guess: str
) -> None:
    db = tmp_path / "class.db"
    result = run_cli(command, "--receiver", url, "--db", str(db))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and guess in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []  # no database, no session


@pytest.mark.parametrize("ignored", [False, True])
@pytest.mark.parametrize("moment_s", [0.1, 0.5])
def test_ctrl_c_at_any_moment_of_record_ends_the_poll_with_its_summary(
    tmp_path: Path, moment_s: float, ignored: bool
) -> None:
    """SIGINT as a terminal's Ctrl-C sends it, from the first moment: never a traceback
    or a bare "Aborted!", always the closed poll's summary (also when started from a
    script that runs it with SIGINT ignored: the program takes SIGINT over itself)."""
    import signal
    import subprocess
    import time

    from tests.conftest import cli_command, cli_env

    process = subprocess.Popen(
        cli_command(
            "record",
            "--receiver",
            "sim://50?speed=20&end=0",
            "--db",
            str(tmp_path / "c.db"),
            "--json",
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli_env(),
        preexec_fn=(lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if ignored else None,
    )
    time.sleep(moment_s)  # the moment of the keypress is the scenario, not a wait for it
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "Traceback" not in err and "Aborted" not in err
    summary = json.loads(out)
    assert summary["stopped_by"] == "stopped" and summary["poll"] == 1
