"""The wall clock stepping back mid-poll changes nothing stored: the poll's own numbering
of votes decides which vote of a handset came last, as the live tallies did."""

from __future__ import annotations

import json
from pathlib import Path

from basestation.assembly import open_station
from drivers.base import Receiver
from drivers.packets import PacketKind, RawPacket
from drivers.url import parse_receiver_url
from firmware_protocol.iclicker_air import encode_air_payload
from tests.helpers import run_cli

H1, H2 = "A24653B7", "428071B3"


class SteppingClock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


class ScriptedReceiver(Receiver):
    """Hands on a fixed list of (wall time, handset, answer) presses, one per read."""

    scheme = "scripted"

    def __init__(self, clock: SteppingClock, presses: list[tuple[float, str, str]]) -> None:
        super().__init__(parse_receiver_url("scripted://"))
        self.clock, self.presses = clock, list(presses)

    def _open(self) -> None: ...

    def _close(self) -> None: ...

    def _read(self, wait: float) -> list[RawPacket]:
        if not self.presses:
            return []
        at, handset, answer = self.presses.pop(0)
        self.clock.now = at  # the host stamps each packet with its wall clock
        return [RawPacket(PacketKind.ICLICKER_AIR, encode_air_payload(handset, answer), "r", at)]


def test_a_clock_stepping_back_mid_poll_keeps_the_last_vote_last(tmp_path: Path) -> None:
    clock = SteppingClock()
    start = clock.now
    presses = [
        (start + 1, H1, "A"),
        (start + 2, H2, "C"),
        (start - 30, H1, "B"),  # the clock steps back 32 s: B is still H1's last vote
        (start - 29, H2, "D"),
    ]
    db = tmp_path / "class.db"
    receiver = ScriptedReceiver(clock, presses)
    with open_station(receiver, db, wall_clock=clock) as station:
        station.polls.start_session()
        station.polls.add_question()
        station.open_poll()
        for _ in presses:
            station.pump(0.01)
        live = station.buffer.latest()
        notices = station.take_notices()
        station.close_poll()
    assert live == {H1: "B", H2: "D"}
    assert any("stepped back by 32" in notice for notice in notices)
    result = run_cli("analyze", "--db", str(db), "--session", "1", "--json")
    assert result.returncode == 0, result.stderr
    counts = json.loads(result.stdout)["questions"][0]["rounds"][0]["counts"]
    assert counts == {"A": 0, "B": 1, "C": 0, "D": 1, "E": 0}
    students = run_cli("export", "--db", str(db), "--session", "1", "--format", "json")
    votes = json.loads(students.stdout)["polls"][0]["votes"]
    assert [(v["handset"], v["answer"], v["seq"]) for v in votes] == [
        (H1, "A", 1),
        (H2, "C", 2),
        (H1, "B", 3),
        (H2, "D", 4),
    ]
