"""A ``record`` with a web receiver on 127.0.0.1 (a free port), as a lecturer starts
it: the address and round code are read from what it prints."""

from __future__ import annotations

import re
import signal
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.helpers import start_record

ENDS_WITHIN_S = 45
"""Ctrl-C to the end of the summary; a busy CI machine takes a few seconds."""
JOIN = re.compile(r"phones vote at (https?://\S+/) .*round code (\w{4})")


@dataclass
class PhoneRecording:
    process: subprocess.Popen[str]
    address: str
    code: str
    said: list[str] = field(default_factory=list)
    out: str = ""
    err: str = ""


@contextmanager
def recording_with_phones(db: Path, web: str, *more: str) -> Iterator[PhoneRecording]:
    """``web``: the receiver's query (``open=1&code=ACDE``); ``more``: other options.
    Ctrl-C (SIGINT) ends the poll at the end of the block; ``out`` and ``err`` then
    hold what it printed."""
    process = start_record("--db", str(db), "--receiver", f"web://127.0.0.1:0?{web}", *more)
    assert process.stderr is not None
    said = []
    for line in process.stderr:
        said.append(line)
        found = JOIN.search(line)
        if found:
            break
    else:
        raise AssertionError("record never said where phones vote: " + "".join(said))
    recording = PhoneRecording(process, found.group(1), found.group(2), said)
    stream = process.stderr
    drain = threading.Thread(target=lambda: said.extend(stream), daemon=True)
    drain.start()  # a full pipe would stop the recorder as it logs
    try:
        yield recording
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=ENDS_WITHIN_S)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGABRT)  # faulthandler prints every thread's stack
            process.wait(timeout=10)
            drain.join(timeout=10)
            raise AssertionError(
                "record did not end on Ctrl-C:\n" + "".join(said)[-6000:]
            ) from None
        assert process.stdout is not None
        recording.out = process.stdout.read()
        drain.join(timeout=30)
        recording.err = "".join(said)
