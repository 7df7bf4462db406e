"""Drivers: URL parsing, the registry, real pyserial errors, loop:// and the sim:// class."""

from __future__ import annotations

import pytest

from drivers.base import Receiver
from drivers.errors import NoSuchDevice, ReceiverEnded, ReceiverUrlError
from drivers.packets import PacketKind, RawPacket, packets_heard
from drivers.registry import known_schemes, receiver_for_url, registered_receiver
from drivers.serial_receiver import SerialReceiver
from drivers.status import ReceiverState
from drivers.url import ReceiverUrl, parse_receiver_url
from firmware_protocol.iclicker_air import encode_air_payload
from firmware_protocol.iskipper import format_iskipper_line
from firmware_protocol.link import FrameType, encode_frame
from firmware_protocol.link_messages import Hello, RadioPacket
from simulators.sim_receiver import SimReceiver


def test_urls_are_parsed_with_their_parameters() -> None:
    url = parse_receiver_url("serial:///dev/ttyACM0?baud=9600&protocol=iskipper")
    assert (url.scheme, url.target, url.params) == (
        "serial",
        "/dev/ttyACM0",
        {"baud": "9600", "protocol": "iskipper"},
    )
    assert parse_receiver_url("/dev/ttyUSB1").scheme == "serial"
    assert parse_receiver_url("socket://localhost:7000").target == "socket://localhost:7000"
    assert parse_receiver_url("sim://300?seed=7").target == "300"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("nosuch://x", "no receiver driver for nosuch://"),
        ("serial:///dev/x?protocol=morse", "protocol='morse'"),
        ("sim://many", "sim://<students>"),
        ("sim://30?seed=x", "seed='x' is not a int"),
    ],
)
def test_bad_urls_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ReceiverUrlError, match=message):
        receiver_for_url(text)


def test_missing_port_is_no_such_device_with_a_hint() -> None:
    receiver = receiver_for_url("serial:///dev/ttyDoesNotExist9")
    with pytest.raises(NoSuchDevice, match="is the receiver plugged in"):
        receiver.open()
    assert receiver.state is ReceiverState.CLOSED


def test_link_frames_through_pyserial_loop() -> None:
    receiver = receiver_for_url("loop://")
    assert isinstance(receiver, SerialReceiver)
    with receiver:
        port = receiver.transport  # loop:// echoes what is written into it
        port.reset_input_buffer()  # drop the GET_INFO the driver sent on open
        payload = encode_air_payload("A24653B7", "D")
        port.write(
            encode_frame(FrameType.HELLO, 0, Hello(1, (1, 0, 0), 0xCAFE, 1, "AA").encode())
            + b"\x00garbage\x00"
            + encode_frame(FrameType.RADIO_PACKET, 1, RadioPacket(1234, -60, payload).encode())
        )
        packets = receiver.read(0.5)
    assert [(p.kind, p.payload, p.receiver, p.receiver_time_us, p.rssi) for p in packets] == [
        (PacketKind.ICLICKER_AIR, payload, "link:0000CAFE", 1234, -60)
    ]
    assert receiver.stats()["bad_cobs"] + receiver.stats()["bad_crc"] == 1


def test_iskipper_lines_through_pyserial_loop() -> None:
    with receiver_for_url("loop://?protocol=iskipper") as receiver:
        port = receiver.transport
        port.write(b"Listening on AA\r\n" + format_iskipper_line("428071B3", "E"))
        packets = receiver.read(0.5)
    assert [(p.kind, p.payload) for p in packets] == [
        (PacketKind.ISKIPPER_LINE, b"Captured,E,428071B3")
    ]


def test_sim_receiver_plays_one_round_per_poll_then_ends() -> None:
    receiver = receiver_for_url("sim://50?seed=4&speed=200&questions=1&revote=1")
    assert isinstance(receiver, SimReceiver)
    heard: list[RawPacket] = []
    with receiver:
        assert receiver.read(0.05) == []  # nothing is sent before a poll opens
        for _ in range(2):
            receiver.open_poll()
            while not receiver.round_finished:
                heard += receiver.read(0.05)
            receiver.close_poll()
        with pytest.raises(ReceiverEnded):
            receiver.read(0.05)
        assert receiver.state is ReceiverState.ENDED
    transmissions = sum(len(r.transmissions) for r in receiver.emulator.rounds)
    assert packets_heard(heard) == transmissions


class EchoReceiver(Receiver):
    """A plugin receiver that goes away once, to exercise the base class."""

    scheme = "echo"

    def __init__(self, url: ReceiverUrl, *, auto_reconnect: bool = True) -> None:
        super().__init__(url, auto_reconnect=auto_reconnect)
        self.opened = 0
        self.polls_opened = 0
        self.fail_next_read = True

    def _open(self) -> None:
        self.opened += 1

    def _close(self) -> None:
        pass

    def _read(self, timeout: float) -> list[RawPacket]:
        from drivers.errors import DeviceGone

        if self.fail_next_read:
            self.fail_next_read = False
            raise DeviceGone("unplugged")
        return [RawPacket(PacketKind.ICLICKER_AIR, b"x", "echo", 0.0)]

    def _open_poll(self) -> None:
        self.polls_opened += 1


def test_plugins_register_and_the_base_class_reconnects_and_reopens_the_poll() -> None:
    with registered_receiver("echo", EchoReceiver):
        assert "echo" in known_schemes()
        receiver = receiver_for_url("echo://")
        assert isinstance(receiver, EchoReceiver)
        receiver.reconnect_interval_s = 0.0  # type: ignore[misc]
        with receiver:
            receiver.open_poll()
            assert receiver.read(0.01) == []
            assert receiver.state is ReceiverState.RECONNECTING
            assert len(receiver.read(0.01)) == 1
            assert receiver.state is ReceiverState.CONNECTED
        assert (receiver.opened, receiver.polls_opened, receiver.reconnects) == (2, 2, 1)
    assert "echo" not in known_schemes()


def test_rogue_devices_are_counted_invalid_and_never_votes() -> None:
    from basestation.live.pipeline import VotePipeline
    from basestation.live.votes import VoteBuffer

    receiver = receiver_for_url("sim://100?seed=6&speed=500&rogue=0.2")
    assert isinstance(receiver, SimReceiver)
    truth = receiver.scenario.truth()[0]
    buffer = VoteBuffer()
    buffer.open(1)
    pipeline = VotePipeline(buffer)
    with receiver:
        receiver.open_poll()
        while not receiver.round_finished:
            pipeline.ingest(receiver.read(0.02))
    assert buffer.invalid == truth["copies_corrupted"] > 15
    assert buffer.latest() == truth["latest"]


def test_set_channel_reaches_the_receiver_and_bad_channels_are_refused() -> None:
    from drivers.errors import ReceiverError

    receiver = receiver_for_url("sim://5")
    assert isinstance(receiver, SimReceiver)
    with receiver:
        receiver.set_channel("bd")
        receiver.read(0.01)
        assert receiver.emulator.channel == "BD"
        with pytest.raises(ReceiverError, match=r"not one of AA\.\.DD"):
            receiver.set_channel("AE")
