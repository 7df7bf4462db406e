"""The real pyusb driver against emulated iClicker bases on an emulated USB bus."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from basestation.assembly import open_station
from basestation.cli import main
from basestation.devices.doctor import diagnose, list_devices, udev_rule_text
from basestation.live.station import Station
from drivers.errors import NoSuchDevice
from drivers.iclicker_usb import IClickerReceiver
from drivers.status import ReceiverState
from drivers.url import parse_receiver_url
from firmware_protocol.iclicker_base import BaseVariant
from simulators.iclicker_base_emulator import EmulatedBase
from simulators.scenario import ClassScenario
from simulators.usb_backend import EmulatedBaseBackend


def make(
    variant: BaseVariant, scenario: ClassScenario, speed: float = 60
) -> tuple[IClickerReceiver, EmulatedBase, EmulatedBaseBackend]:
    base = EmulatedBase(scenario.rounds(), variant=variant, speed=speed, seed=scenario.seed)
    backend = EmulatedBaseBackend(base)
    receiver = IClickerReceiver(parse_receiver_url("iclicker://?channel=AB"), backend=backend)
    receiver.reconnect_interval_s = 0.05  # type: ignore[misc]
    return receiver, base, backend


def play(station: Station, base: EmulatedBase, settle_s: float = 0.3) -> None:
    deadline = time.monotonic() + 30
    while not base.round_finished:
        assert time.monotonic() < deadline
        station.pump(0.02)
    end = time.monotonic() + settle_s
    while time.monotonic() < end:
        station.pump(0.02)


@pytest.mark.parametrize("variant", list(BaseVariant))
def test_start_vote_stop_cycle_with_300_handsets(tmp_path: Path, variant: BaseVariant) -> None:
    scenario = ClassScenario(students=300, seed=21, loss=0.05, corrupt=0.02)
    truth = scenario.truth()[0]
    receiver, base, _ = make(variant, scenario)
    with open_station(receiver, tmp_path / "usb.db") as station:
        # the vendor's open sequence byte for byte (reference page), then the LCD lines
        assert base.channel == "AB" and [c.hex(" ") for c in base.commands[:10]] == [
            "01 10 21 42",
            "01 2a 21 42 05",
            "01 12",
            "01 16",
            "01 15",
            "01 2d",
            "01 29 a1 8f 96 8d 99 97 8f 80",
            "01 17 04",
            "01 17 03",
            "01 16",
        ]
        assert all(
            c[:2] in (b"\x01\x13", b"\x01\x14") and len(c) == 19 for c in base.commands[10:12]
        )
        before_start = len(base.commands)
        assert receiver.stats()["junk_records"] == (3 if variant is BaseVariant.PUSHED else 0)
        station.polls.start_session()
        station.polls.add_question()
        station.open_poll()
        assert [c.hex(" ") for c in base.commands[before_start : before_start + 5]] == [
            "01 19 66 0a 01",
            "01 17 03",
            "01 17 05",
            "01 19 66 0a 01",
            "01 11",
        ]
        assert base.lcd[0] == "Poll open"
        play(station, base)
        snapshot = station.buffer.snapshot()
        before_stop = len(base.commands)
        station.close_poll()
        assert [c.hex(" ") for c in base.commands[before_stop : before_stop + 6]] == [
            "01 12",
            "01 16",
            "01 17 01 00 04",
            "01 17 01 00 04",
            "01 17 03",
            "01 17 04",
        ]
        assert base.lcd[0] == "Poll closed"
        assert base.order.errors == []
    assert snapshot.counts == truth["counts"]
    assert station.buffer.latest() == truth["latest"]
    if variant is BaseVariant.PUSHED:
        assert base.resent_records > 10
        assert snapshot.duplicates >= base.resent_records
    else:
        assert base.resent_records == 0 and snapshot.duplicates == 0
    assert snapshot.heard == snapshot.votes + snapshot.duplicates + snapshot.invalid
    with sqlite3.connect(tmp_path / "usb.db") as connection:
        assert connection.execute("SELECT COUNT(*) FROM votes").fetchone()[0] == snapshot.votes
        times = connection.execute("SELECT t_receiver_us, base_seq FROM votes").fetchall()
    # a USB base has no clock to report; its record sequence has a column of its own
    assert all(receiver_time is None for receiver_time, _ in times)
    if variant is BaseVariant.PUSHED:
        assert all(isinstance(seq, int) and 0 <= seq <= 255 for _, seq in times)
    else:
        assert all(seq is None for _, seq in times)


def test_unplug_and_replug_mid_poll_loses_nothing_and_reconnects_fast(tmp_path: Path) -> None:
    scenario = ClassScenario(students=300, seed=5)
    truth = scenario.truth()[0]
    receiver, base, backend = make(BaseVariant.PUSHED, scenario, speed=20)
    with open_station(receiver, tmp_path / "usb.db") as station:
        station.polls.start_session()
        station.polls.add_question()
        station.open_poll()
        while station.buffer.votes < 60:
            station.pump(0.02)
        before = station.buffer.latest()
        backend.unplug(base)
        gone_until = time.monotonic() + 0.5
        while time.monotonic() < gone_until:
            station.pump(0.02)
        assert receiver.state is ReceiverState.RECONNECTING
        assert station.buffer.latest().items() >= before.items()  # nothing accepted was lost
        backend.replug(base)
        replugged = time.monotonic()
        while receiver.state is not ReceiverState.CONNECTED:
            assert time.monotonic() - replugged < 2.0, "no reconnect within 2 s"
            station.pump(0.02)
        play(station, base)
        station.close_poll()
        station.store.flush()
        assert receiver.reconnects == 1
        assert station.buffer.latest() == truth["latest"]
        assert station.buffer.snapshot().counts == truth["counts"]


def test_no_base_is_a_plain_error() -> None:
    receiver = IClickerReceiver(parse_receiver_url("iclicker://"), backend=EmulatedBaseBackend())
    with pytest.raises(NoSuchDevice, match="no iClicker base found"):
        receiver.open()


def test_record_through_the_cli_on_the_emulated_backend(tmp_path: Path) -> None:
    url = "iclicker://?backend=emulated&students=120&seed=4&speed=80"
    result = CliRunner().invoke(
        main,
        ["record", "--receiver", url, "--db", str(tmp_path / "c.db"), "--duration", "2", "--json"],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["counts"] == ClassScenario(students=120, seed=4).truth()[0]["counts"]


def test_devices_and_doctor_see_an_emulated_base_and_say_when_there_is_none() -> None:
    lines: list[str] = []
    backend = EmulatedBaseBackend(EmulatedBase([]))
    list_devices(lines.append, backend)
    assert any(
        line.startswith("iclicker://1881:0150?bus=1&address=10") and "pushed" in line
        for line in lines
    )
    lines.clear()
    diagnose(lines.append, EmulatedBaseBackend())
    assert any("No iClicker USB base is plugged in" in line for line in lines)


def test_devices_and_doctor_commands_exit_0_on_a_bare_machine() -> None:
    import glob

    import usb.backend.libusb1
    import usb.core

    if glob.glob("/dev/ttyACM*") + glob.glob("/dev/ttyUSB*"):
        pytest.skip("a serial device is plugged in here")
    has_libusb = usb.backend.libusb1.get_backend() is not None
    if has_libusb and usb.core.find(idVendor=0x1881) is not None:
        pytest.skip("an iClicker base is plugged in here")
    devices = CliRunner().invoke(main, ["devices"])
    assert devices.exit_code == 0, devices.output
    assert devices.output.splitlines()[-1] == (
        "No receivers found: no iClicker USB base and no USB serial receiver is plugged in."
    )
    assert ("cannot look (pyusb found no libusb backend" in devices.output) is not has_libusb
    doctor = CliRunner().invoke(main, ["doctor"])
    assert doctor.exit_code == 0, doctor.output
    lines = doctor.output.splitlines()
    assert lines[0].startswith(
        "- No iClicker USB base is plugged in"
        if has_libusb
        else "✗ pyusb found no libusb backend: install libusb 1.0"
    )
    assert (
        "- No USB serial receiver is plugged in (looked for ttyACM*, ttyUSB*, usbmodem)." in lines
    )
    assert lines[-1] == "To try everything without hardware: basestation demo"


def test_the_udev_rule_ships_with_the_package() -> None:
    rule = udev_rule_text()
    assert 'ATTRS{idVendor}=="1881"' in rule and 'ATTRS{idProduct}=="0150"' in rule


def test_decode_usb_reports() -> None:
    result = CliRunner().invoke(
        main,
        ["decode", "--as", "usb-report"],
        input=("02 13 81 82 e9 70 05\n0111aa\n021313010203040000\n"),
    )
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert lines == [
        {"event": "vote", "handset": "82E9701B", "answer": "A", "seq": 5},
        {"event": "echo", "command": "0111"},
        {"error": "junk record (button outside A-E)"},
    ]


def test_the_instructor_remote_is_announced_inside_the_open_sequence() -> None:
    receiver, base, _ = make(BaseVariant.PUSHED, ClassScenario(students=5, seed=1))
    receiver.set_instructor("A24653B7")  # as `run --instructor` does, before opening
    with receiver:
        pass
    assert [c.hex(" ") for c in base.commands[:11]] == [
        "01 10 21 42",
        "01 2a 21 42 05",
        "01 12",
        "01 16",
        "01 1e a2 46 53",
        "01 15",
        "01 2d",
        "01 29 a1 8f 96 8d 99 97 8f 80",
        "01 17 04",
        "01 17 03",
        "01 16",
    ]
    assert base.order.opened and base.order.errors == []


def test_the_emulated_base_refuses_a_poll_not_opened_the_vendors_way() -> None:
    """The emulator checks the order itself, so a driver that drifts is caught."""
    scenario = ClassScenario(students=20, seed=3)
    out_of_order = EmulatedBase(scenario.rounds(), speed=200)
    for command in (
        "012a214105",
        "0112",
        "0115",
        "0116",
        "012d",  # 0.1.0's order
        "0129a18f968d99978f80",
        "011704",
        "011703",
        "0116",
        "01102141",
        "011703",
        "011705",
        "0119660a01",
        "0111",
    ):
        out_of_order.command(bytes.fromhex(command))
    assert out_of_order.order.errors == [
        "poll refused: the base was not opened in the vendor's order"
    ]
    assert out_of_order.read_report(0.2) is not None  # echoes only
    time.sleep(0.2)
    while (report := out_of_order.read_report(0.01)) is not None:
        # junk records follow a channel change; a vote has a button 0x81..0x85
        assert not (report[:2] == b"\x02\x13" and 0x81 <= report[2] <= 0x85), (
            "a refused poll delivered a vote"
        )
    vendor = EmulatedBase(scenario.rounds(), speed=200)
    for command in (
        "01102141",
        "012a214105",
        "0112",
        "0116",
        "0115",
        "012d",
        "0129a18f968d99978f80",
        "011704",
        "011703",
        "0116",
        "0119660a01",
        "011703",
        "011705",
        "0119660a01",
        "0111",
    ):
        vendor.command(bytes.fromhex(command))
    assert vendor.order.errors == []
    time.sleep(0.3)
    reports = []
    while (report := vendor.read_report(0.01)) is not None:
        reports.append(report)
    assert any(report[:2] == b"\x02\x13" and 0x81 <= report[2] <= 0x85 for report in reports)
