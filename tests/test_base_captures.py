"""Captures of a USB base: a poll recorded through the pyusb driver replays to the same
counts from either format (its re-sent records still duplicates); a capture written by
release 0.1.0 reads as what the base sent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from basestation.assembly import open_station
from basestation.cli import main
from drivers.capture import CapturedPacket, read_capture
from drivers.packets import PacketKind
from firmware_protocol.iclicker_base import BaseVariant
from simulators.scenario import ClassScenario
from tests.test_iclicker_usb import make, play


def replayed(capture: Path, db: Path) -> dict[str, object]:
    result = CliRunner().invoke(
        main, ["record", "--receiver", f"replay://{capture}?speed=max", "--db", str(db), "--json"]
    )
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.output))


@pytest.mark.parametrize("suffix", ["cap", "bcap"])
def test_a_usb_base_poll_replays_to_the_counts_recorded(tmp_path: Path, suffix: str) -> None:
    scenario = ClassScenario(students=150, seed=31, loss=0.05)
    receiver, base, _ = make(BaseVariant.PUSHED, scenario)
    capture = tmp_path / f"usb.{suffix}"
    with open_station(receiver, tmp_path / "live.db", capture=capture) as station:
        station.polls.start_session()
        station.polls.add_question()
        station.open_poll()
        play(station, base)
        live = station.buffer.snapshot()
        station.close_poll()
    assert base.resent_records > 0  # the replay must tell them from new votes again
    again = replayed(capture, tmp_path / "again.db")
    assert again["counts"] == live.counts
    assert (again["heard"], again["votes"], again["duplicates"], again["invalid"]) == (
        live.heard,
        live.votes,
        live.duplicates,
        live.invalid,
    )


def test_a_release_0_1_0_base_capture_reads_as_what_the_base_sent(tmp_path: Path) -> None:
    """0.1.0 wrote ``btn id0 id1 id2`` with the pushed button codes (0x81 = A) and the
    record's sequence in ``rx_us``, and a re-sent record as a kind of its own."""
    capture = tmp_path / "old.cap"
    record = {
        "kind": "iclicker-base-record",
        "payload": "81a24653",
        "receiver": "usb:1",
        "rx_us": 7,
        "rssi": None,
    }
    lines = [
        {"capture": "basestation", "version": 1, "receiver": "usb:1", "started_at": 0},
        {"t": 1.0, "event": "poll-open"},
        {"t": 2.0, **record},
        {"t": 2.5, **record, "kind": "iclicker-base-resent"},
        {"t": 3.0, **record, "payload": "83a24653", "rx_us": 8},
        {"t": 9.0, "event": "poll-close"},
    ]
    capture.write_text("".join(json.dumps(line) + "\n" for line in lines))
    _, entries = read_capture(capture)
    packets = [e.packet for e in entries if isinstance(e, CapturedPacket)]
    assert [(p.kind, p.payload, p.base_seq) for p in packets] == [
        (PacketKind.BASE_RECORD, bytes.fromhex("61a24653"), 7),
        (PacketKind.BASE_RECORD, bytes.fromhex("61a24653"), 7),
        (PacketKind.BASE_RECORD, bytes.fromhex("63a24653"), 8),
    ]
    again = replayed(capture, tmp_path / "again.db")
    assert (again["heard"], again["votes"], again["duplicates"]) == (3, 2, 1)
    assert again["counts"] == {"A": 0, "B": 0, "C": 1, "D": 0, "E": 0}  # changed its mind
