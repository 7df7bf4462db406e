"""Our receiver firmware (firmware_protocol/avr) as built, unchanged, on the emulated
board: simavr's ATmega328P with an RFM69 model and a simulated class on the air. The
host side is the project's own CLI and serial driver, through a pseudo-terminal.

CI builds the firmware and the board (`make -C firmware_protocol/avr`) before the tests;
there these tests fail rather than skip when the build is missing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import serial

from basestation.assembly import open_station
from drivers.registry import receiver_for_url
from drivers.status import ReceiverState
from firmware_protocol.link import FrameType, LinkDecoder, encode_frame
from firmware_protocol.link_messages import Hello, Reply
from simulators import avr_board
from simulators.avr_board import AvrBoard
from simulators.scenario import ClassScenario
from tests.helpers import finish, latest_of_poll, one_json, simulated_pty, start_record, wait_for

MOST_FLASH = 8 * 1024  # of 32 KB
MOST_RAM = 1024  # of 2 KB, stack excluded


@pytest.fixture(autouse=True)
def board_built() -> None:
    if avr_board.built():
        return
    message = "the firmware is not built: make -C firmware_protocol/avr"
    if os.environ.get("CI"):
        pytest.fail(message + " (.ci/run builds it)")
    pytest.skip(message)


def events_of(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.endswith("}")]


@contextmanager
def board_on_the_cli(*args: str) -> Iterator[tuple[str, Path]]:
    """``basestation simulate --pty --firmware link-avr ARGS``: the device, and the
    board's report."""
    events = Path(args[args.index("--events") + 1])
    with simulated_pty("--firmware", "link-avr", *args) as device:
        yield device, events


def record_until(db: Path, device: str, expected: dict[str, str], *extra: str) -> dict[str, Any]:
    """``record`` from the device until every handset's latest vote is stored as
    ``expected``, then SIGTERM: the summary it prints."""
    process = start_record("--receiver", f"serial://{device}", "--db", str(db), "--json", *extra)
    wait_for(lambda: _latest(db) == expected, timeout=60, what="the class's votes")
    process.send_signal(signal.SIGTERM)
    out, _ = finish(process)
    return one_json(out)


def _latest(db: Path) -> dict[str, str]:
    try:
        return latest_of_poll(db, 1)
    except Exception:
        return {}


def test_the_build_fits_the_chip_with_room_to_spare() -> None:
    out = subprocess.run(
        ["avr-size", "--format=avr", "--mcu=atmega328p", str(avr_board.FIRMWARE)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    flash = int(out.split("Program:")[1].split("bytes")[0])
    ram = int(out.split("Data:")[1].split("bytes")[0])
    assert 0 < flash <= MOST_FLASH and 0 < ram <= MOST_RAM, out


def test_150_handsets_counted_as_the_python_link_emulator_counts_them(tmp_path: Path) -> None:
    seed = ["--students", "150", "--seed", "4", "--speed", "20"]
    truth_file, events = tmp_path / "truth.json", tmp_path / "board.jsonl"
    with board_on_the_cli(*seed, "--truth", str(truth_file), "--events", str(events)) as (
        device,
        _,
    ):
        truth = json.loads(truth_file.read_text())[0]
        on_the_chip = record_until(tmp_path / "chip.db", device, truth["latest"])
    with simulated_pty(*seed) as python_device:
        by_python = record_until(tmp_path / "python.db", python_device, truth["latest"])
    for key in ("counts", "voters", "votes", "invalid"):
        assert on_the_chip[key] == by_python[key], key
    assert on_the_chip["counts"] == truth["counts"] and on_the_chip["voters"] == truth["voters"]

    reported = events_of(events)
    acks = [e for e in reported if e["event"] == "ack"]
    assert acks and all(e["form"] == "accept" and not e["again"] for e in acks), [
        e for e in acks if e["form"] != "accept" or e["again"]
    ]
    presses = Counter((e["handset"], e["press"]) for e in acks)
    assert set(presses.values()) == {1}  # each press acknowledged once
    assert len(presses) == on_the_chip["votes"]  # one acknowledgement per accepted vote
    assert {e["handset"] for e in acks} == set(truth["latest"])
    assert all(e["delay_ms"] < 8.0 for e in acks)  # while the handset still listens


def test_a_channel_change_from_the_host_moves_the_radio(tmp_path: Path) -> None:
    truth_file, events = tmp_path / "truth.json", tmp_path / "board.jsonl"
    args = ["--students", "40", "--seed", "9", "--speed", "30", "--channel", "AB"]
    with board_on_the_cli(*args, "--truth", str(truth_file), "--events", str(events)) as (
        device,
        _,
    ):
        truth = json.loads(truth_file.read_text())[0]
        summary = record_until(tmp_path / "class.db", device, truth["latest"], "--channel", "AB")
    assert summary["counts"] == truth["counts"]
    heard_on = [e["mhz"] for e in events_of(events) if e["event"] == "listen"]
    assert heard_on[0] == 917.0 and heard_on[-1] == 913.0  # AA at start, AB when told
    assert {e["form"] for e in events_of(events) if e["event"] == "ack"} == {"accept"}


def test_unplugged_and_plugged_back_the_board_reconnects_and_counts_the_revote(
    tmp_path: Path,
) -> None:
    scenario = ClassScenario(students=60, seed=21, revote=True)
    truth = scenario.truth()
    link = tmp_path / "ttyCLICKER"
    with AvrBoard(scenario.rounds(), tmp_path / "board", speed=30, link_path=link) as board:
        receiver = receiver_for_url(f"serial://{link}")
        receiver.reconnect_interval_s = 0.05  # type: ignore[misc]
        with open_station(receiver, tmp_path / "class.db") as station:
            station.polls.start_session()
            station.polls.add_question()
            station.open_poll()
            while station.buffer.latest() != truth[0]["latest"]:
                station.pump(0.02)
            station.close_poll()
            board.unplug()
            while receiver.state is not ReceiverState.RECONNECTING:
                station.pump(0.02)
            board.replug()
            while receiver.state is not ReceiverState.CONNECTED:
                station.pump(0.02)
            station.revote()
            while station.buffer.latest() != truth[1]["latest"]:
                station.pump(0.02)
            assert station.buffer.snapshot().counts == truth[1]["counts"]
            station.close_poll()
    kinds = [e["event"] for e in board.events()]
    assert kinds.index("unplugged") < kinds.index("plugged") < kinds.index("round-start", 2)


def test_garbage_from_the_host_is_dropped_and_the_firmware_answers_after_it(
    tmp_path: Path,
) -> None:
    scenario = ClassScenario(students=5, seed=1)
    with AvrBoard(scenario.rounds(), tmp_path / "board") as board:
        port = serial.serial_for_url(board.path, baudrate=115200, timeout=0.1)
        decoder, frames = LinkDecoder(), []

        def started() -> bool:  # opening the port resets the board, as an Arduino's does
            frames.extend(decoder.feed(port.read(4096)))
            return any(f.type == FrameType.HELLO for f in frames)

        try:
            wait_for(started, timeout=20, what="the HELLO of a board just reset")
            garbage = bytes(range(1, 256)) * 3 + b"\x00\x05\xff\x00" + b"\x7e" * 500 + b"\x00"
            port.write(garbage + encode_frame(FrameType.PING, 0x42))
            port.write(encode_frame(FrameType.SET_CHANNEL, 0x43, b"ZZ"))
            port.write(encode_frame(FrameType.GET_INFO, 0x44))

            def answered() -> bool:
                frames.extend(decoder.feed(port.read(4096)))
                return sum(f.type == FrameType.REPLY for f in frames) >= 3

            wait_for(answered, timeout=20, what="the firmware's replies")
        finally:
            port.close()
    replies = {r.answered_seq: r for r in (Reply.parse(f.body) for f in frames if f.type == 4)}
    assert replies[0x42].result == 0
    assert replies[0x43].result != 0 and "channel" in replies[0x43].text
    assert replies[0x44].result == 0
    hello = Hello.parse([f for f in frames if f.type == FrameType.HELLO][-1].body)
    assert (hello.protocol_version, hello.radio, hello.channel) == (1, 1, "AA")
    assert decoder.stats.bad_crc == decoder.stats.bad_cobs == 0  # what it sent was whole
