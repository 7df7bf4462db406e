"""Fault injection at the byte boundary, and the decoders' resilience, with figures."""

from __future__ import annotations

import binascii
import random
import threading
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from basestation.assembly import open_station
from drivers.registry import receiver_for_url
from drivers.status import ReceiverState
from firmware_protocol.iclicker_air import AirPayloadError, decode_air_payload
from firmware_protocol.link import FrameType, LinkDecoder, LinkFrame, encode_frame
from simulators.faults import ByteFaults
from simulators.link_receiver import LinkReceiverEmulator
from simulators.pty_receiver import PtyReceiver
from simulators.scenario import ClassScenario

CASES = 5_000


def frames_and_stream(
    count: int, seed: int
) -> tuple[list[LinkFrame], list[tuple[int, int]], bytes]:
    rng = random.Random(seed)
    frames, spans, stream = [], [], b""
    for index in range(count):
        frame = LinkFrame(FrameType.RADIO_PACKET, index & 0xFF, rng.randbytes(rng.randint(5, 40)))
        wire = encode_frame(*frame)
        frames.append(frame)
        spans.append((len(stream), len(stream) + len(wire)))
        stream += wire
    return frames, spans, stream


@pytest.mark.parametrize("seed", range(5))
def test_every_untouched_frame_survives_split_delay_duplicate_drop_and_corrupt(seed: int) -> None:
    frames, spans, stream = frames_and_stream(2_000, seed)
    faults = ByteFaults(seed=seed, max_chunk=48, duplicate=0.02, drop=0.02, corrupt=0.03, delay=0.2)
    decoder = LinkDecoder()
    got: list[LinkFrame] = []
    for read in faults.apply(stream) + faults.flush():
        got += decoder.feed(read)
    originals = set(frames)
    untouched = [
        f for f, (a, b) in zip(frames, spans, strict=True) if not faults.touched(a - 1, b)
    ]  # the delimiter before a frame matters too
    assert set(untouched) <= set(got), "an undamaged frame was lost"
    assert set(got) <= originals, "a frame that was never sent came out"
    assert len(untouched) > 1_000 and decoder.stats.dropped > 0


def test_split_and_delay_alone_lose_nothing() -> None:
    frames, _, stream = frames_and_stream(3_000, 11)
    faults = ByteFaults(seed=11, max_chunk=7, delay=0.5)
    decoder = LinkDecoder()
    got: list[LinkFrame] = []
    for read in faults.apply(stream) + faults.flush():
        got += decoder.feed(read)
    assert got == frames and decoder.stats.dropped == 0


@settings(max_examples=CASES, deadline=None)
@given(st.binary(max_size=600))
def test_link_decoder_on_5000_random_streams_never_raises_nor_yields_a_bad_crc(data: bytes) -> None:
    for raw in LinkDecoder().feed_raw(data):
        assert binascii.crc_hqx(raw, 0xFFFF) == 0  # data + its big-endian CRC checks to 0
        assert 4 <= len(raw) <= 255


@settings(max_examples=CASES, deadline=None)
@given(st.binary(min_size=5, max_size=5))
def test_air_decoder_on_5000_random_payloads_accepts_only_valid_checksums(payload: bytes) -> None:
    try:
        decode_air_payload(payload)
    except AirPayloadError:
        return
    assert sum(payload[:4]) & 0xFF == payload[4]


@settings(max_examples=1_000, deadline=None)
@given(
    st.binary(min_size=1, max_size=300).filter(lambda b: 0 not in b),
    st.lists(st.integers(0, 255), min_size=3, max_size=3),
)
def test_resynchronises_within_one_frame_after_garbage(garbage: bytes, seqs: list[int]) -> None:
    """Garbage with no delimiter merges with the next frame at most: the one after is safe."""
    frames = [LinkFrame(FrameType.PING, seq, b"") for seq in seqs]
    decoder = LinkDecoder()
    got = decoder.feed(garbage + b"".join(encode_frame(*f) for f in frames))
    assert got[-2:] == frames[1:]


def test_unplug_and_replug_on_the_serial_path_loses_no_vote(tmp_path: Path) -> None:
    scenario = ClassScenario(students=200, seed=13)
    truth = scenario.truth()[0]
    device = PtyReceiver(
        LinkReceiverEmulator(scenario.rounds(), speed=15), link_path=tmp_path / "ttyCLICKER"
    )
    server = threading.Thread(target=device.run, daemon=True)
    server.start()
    receiver = receiver_for_url(f"serial://{tmp_path / 'ttyCLICKER'}")
    receiver.reconnect_interval_s = 0.05  # type: ignore[misc]
    try:
        with open_station(receiver, tmp_path / "s.db") as station:
            station.polls.start_session()
            station.polls.add_question()
            station.open_poll()
            emulator = device.emulator

            def quiet() -> bool:
                """Everything sent has been read and nothing is due for a while: pulling
                the cable now loses no packet in flight (those a real unplug may lose)."""
                due = emulator.next_due()
                return station.buffer.heard == emulator.packets_sent and (
                    due is None or due - time.monotonic() > 0.3
                )

            while station.buffer.votes < 50 or not quiet():
                station.pump(0.02)
            before = station.buffer.latest()
            device.unplug()
            deadline = time.monotonic() + 0.6
            while time.monotonic() < deadline:
                station.pump(0.02)
            assert receiver.state is ReceiverState.RECONNECTING
            device.replug()
            replugged = time.monotonic()
            while receiver.state is not ReceiverState.CONNECTED:
                assert time.monotonic() - replugged < 2.0
                station.pump(0.02)
            deadline = time.monotonic() + 30
            while emulator.next_due() is not None or station.buffer.heard < emulator.packets_sent:
                assert time.monotonic() < deadline
                station.pump(0.02)
            after = station.buffer.latest()
            station.close_poll()
        assert before.keys() <= after.keys(), "a handset that had voted lost its vote"
        assert after == truth["latest"]
        assert receiver.reconnects >= 1
    finally:
        device.close()
        server.join(timeout=2)
