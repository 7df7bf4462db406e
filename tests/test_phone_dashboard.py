"""The dashboard with a web receiver beside a simulated class: the join line (address,
round code, phones in) on the live view and the projector, and ``j``'s QR code, which
holds the address (read back module by module from the characters drawn)."""

from __future__ import annotations

import os
from pathlib import Path

import segno

from basestation.assembly import dashboard_app, open_station
from basestation.tui.screens.join import JoinScreen
from basestation.tui.widgets.qr import BOTH, LOWER, QUIET, UPPER, qr_rows
from drivers.registry import receiver_for_urls
from simulators.phones import Phone
from tests.pilot import painted, until

SHOTS = os.environ.get("BASESTATION_SCREENSHOTS")


def modules_of(rows: list[str]) -> list[list[bool]]:
    """The dark modules the characters draw, two to a row."""
    grid: list[list[bool]] = []
    for row in rows:
        grid.append([c in (UPPER, BOTH) for c in row])
        grid.append([c in (LOWER, BOTH) for c in row])
    return grid


def test_the_qr_code_draws_every_module_of_the_address() -> None:
    address = "http://192.168.100.200:8765/"
    expected = [[bool(m) for m in row] for row in segno.make(address, error="l").matrix]
    drawn = modules_of(qr_rows(address))
    size = len(expected)
    inner = [row[QUIET : QUIET + size] for row in drawn[QUIET : QUIET + size]]
    assert inner == expected
    assert not any(any(row) for row in drawn[:QUIET])  # the quiet zone is light


async def test_the_projector_shows_how_to_join_and_the_qr_code(db_path: Path) -> None:
    receiver = receiver_for_urls(["web://127.0.0.1:0?code=ACDE&open=1", "sim://20?seed=2&end=0"])
    with open_station(receiver, db_path) as station:
        station.polls.start_session(course="Physics")
        app = dashboard_app(station, hide_results=True, start_poll=True)
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: app.state.poll_open and bool(app.state.round_code))
            address = app.state.join_address
            assert address.startswith("http://127.0.0.1:")
            phone = Phone(address)
            phone.sign_in()
            phone.vote("C", "ACDE")
            phone.close()
            await until(pilot, lambda: app.state.phones == 1)
            text = await painted(pilot)
            line = next(row for row in text.splitlines() if "Phones:" in row)
            assert address in line and "round code ACDE" in line and "1 in" in line
            await pilot.press("j")
            await until(pilot, lambda: isinstance(app.screen, JoinScreen))
            shown = await painted(pilot)
            for row in qr_rows(address)[1:-1]:
                assert row.strip() in shown
            assert "round code   ACDE" in shown and address in shown and "1 phone in" in shown
            if SHOTS:
                app.save_screenshot("projector-phones-80x24.svg", path=SHOTS)
            await pilot.press("escape")
            await until(pilot, lambda: not isinstance(app.screen, JoinScreen))
