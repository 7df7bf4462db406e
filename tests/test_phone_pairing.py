"""Pairing a phone with a clicker: the page shows three letters, the student presses
them on the clicker during a poll, and the phone then votes as that clicker (its vote
replaces the clicker's, one voter). The clicker is a handset on the air: real air
payloads through the real decode seam, the vote buffer and the store."""

from __future__ import annotations

import queue
import re
import time
from pathlib import Path

from basestation.assembly import open_station
from drivers.base import Receiver
from drivers.packets import PacketKind, RawPacket
from drivers.registry import receiver_for_urls, registered_receiver
from drivers.url import ReceiverUrl
from firmware_protocol.iclicker_air import encode_air_payload
from simulators.classroom import ClassroomModel
from simulators.phones import Phone
from tests.helpers import query

HANDSET = ClassroomModel(1, seed=11).handsets[0]


class OneClicker(Receiver):
    """A receiver hearing one handset, pressed by the test."""

    scheme = "oneclicker"
    presses: queue.SimpleQueue[str] = queue.SimpleQueue()

    def __init__(self, url: ReceiverUrl, *, auto_reconnect: bool = True) -> None:
        super().__init__(url, auto_reconnect=auto_reconnect)

    def _open(self) -> None:
        """Nothing to open."""

    def _close(self) -> None:
        """Nothing to close."""

    def _read(self, wait: float) -> list[RawPacket]:
        try:
            letter = self.presses.get(timeout=wait)
        except queue.Empty:
            return []
        payload = encode_air_payload(HANDSET, letter)
        return [RawPacket(PacketKind.ICLICKER_AIR, payload, "oneclicker", time.time())]


def pump_until(station: object, condition: object, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        station.pump(0.02)  # type: ignore[attr-defined]


def test_a_phone_paired_with_a_clicker_votes_as_it(tmp_path: Path) -> None:
    db = tmp_path / "pair.db"
    with registered_receiver("oneclicker", OneClicker):
        # rate=0: the test asks the page for its state far more often than a phone would
        receiver = receiver_for_urls(["web://127.0.0.1:0?code=ACDE&rate=0", "oneclicker://"])
        with open_station(receiver, db) as station:
            station.polls.start_session()
            station.polls.add_question("Pair now")
            station.open_poll()
            join = receiver.join_info()
            assert join is not None
            phone = Phone(join.addresses[0])
            phone.sign_in()
            pump_until(station, lambda: phone.request("GET", "/")["open"])  # as the page shows it
            told = str(phone.request("POST", "/pair")["message"])
            letters = re.fullmatch(r"press ([A-E]) ([A-E]) ([A-E]) on your clicker", told)
            assert letters is not None, told
            for letter in letters.groups():
                OneClicker.presses.put(letter)
            pump_until(station, lambda: station.buffer.snapshot().votes >= 1)
            pump_until(station, lambda: phone.request("GET", "/")["how"] == "clicker")
            last_pressed = letters.group(3)
            choice = "E" if last_pressed != "E" else "D"
            assert phone.vote(choice, "ACDE")["voted"] == choice
            pump_until(station, lambda: station.buffer.snapshot().counts[choice] == 1)
            assert station.buffer.snapshot().voters == 1
            station.close_poll()
            station.polls.finish()
    rows = query(db, "SELECT handset, answer FROM votes ORDER BY id")
    assert {handset for handset, _ in rows} == {HANDSET}
    assert rows[-1] == (HANDSET, choice)
