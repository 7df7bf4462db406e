"""Run in a subprocess by test_store_faults.py: a real file-size limit (RLIMIT_FSIZE) makes
every write to the database fail the way a full disk does, in this process only."""

from __future__ import annotations

import json
import resource
import signal
import sys
import time
from pathlib import Path

from basestation.db import Store
from basestation.live.votes import Vote

LIMIT_BYTES = 4096


def wait(condition, seconds: float = 10) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def main(db: Path, scenario: str, votes: int) -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG
    store = Store(db, flush_interval_s=0.02)
    poll = store.call(
        lambda d: (
            d.table("polls")
            .insert(
                {
                    "question_id": d.table("questions")
                    .insert(
                        {
                            "session_id": d.table("sessions").insert({"started_at": 1.0}).last_pk,
                            "number": 1,
                        }
                    )
                    .last_pk,
                    "round": 1,
                    "opened_at": 1.0,
                }
            )
            .last_pk
        )
    )
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT_BYTES, hard))
    for index in range(votes):
        store.add_vote(poll, Vote(f"{index:08X}", "B", "r", float(index)))
    failed = wait(lambda: store.error is not None)
    report = {"failed": failed, "error": store.error, "pending": store.pending_votes}
    if scenario == "recover":
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        report["recovered"] = wait(lambda: store.pending_votes == 0 and store.error is None)
    store.close()
    report["final_error"] = store.error
    print(json.dumps(report))


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]))
