"""Run in a subprocess by test_front_of_room_faults.py: the dashboard at 80x24 while a real
file-size limit (RLIMIT_FSIZE) makes the database's writes fail as a full disk does; then
``x``. Prints one JSON object: what the screen showed and how long closing took."""

from __future__ import annotations

import asyncio
import json
import resource
import signal
import sys
import time
from pathlib import Path

from basestation.assembly import dashboard_app, open_station
from tests.pilot import screen_lines, toasts

HEADROOM_BYTES = 8 * 1024
URL = "sim://300?seed=5&speed=6&end=0"


async def run(db: Path) -> dict[str, object]:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG
    with open_station(URL, db) as station:
        station.polls.start_session()
        app = dashboard_app(station, start_poll=True)
        async with app.run_test(size=(80, 24)) as pilot:
            deadline = time.monotonic() + 60
            while station.store.committed_votes < 20 and time.monotonic() < deadline:
                await pilot.pause(0.02)
            # the disk fills up mid-poll: no file of the process may grow any further
            limit = max(p.stat().st_size for p in db.parent.glob(db.name + "*"))
            resource.setrlimit(
                resource.RLIMIT_FSIZE, (limit + HEADROOM_BYTES, resource.RLIM_INFINITY)
            )
            while not any("STORE FAILING" in line for line in screen_lines(app)):
                if time.monotonic() > deadline:
                    return {"banner": False, "lines": screen_lines(app)}
                await pilot.pause(0.05)
            banner = screen_lines(app)
            waiting_before = app.state.pending_votes
            await pilot.press("x")
            pressed = time.monotonic()
            while "OPEN" in screen_lines(app)[0]:
                await pilot.pause(0.01)
            closed_s = time.monotonic() - pressed
            closed_title = screen_lines(app)[0]
            shown = toasts(app)
    return {
        "banner": True,
        "lines": banner,
        "closed_s": closed_s,
        "closed_title": closed_title,
        "waiting": waiting_before,
        "toasts": shown,
        "limit": limit,
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(run(Path(sys.argv[1])))))
