"""Link v1 framing: COBS, CRC, the incremental decoder and its recovery from garbage."""

from __future__ import annotations

import binascii

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from firmware_protocol.cobs import CobsError, cobs_decode, cobs_encode
from firmware_protocol.crc import crc16_ccitt_false
from firmware_protocol.link import (
    MAX_BODY_BYTES,
    FrameType,
    LinkDecoder,
    LinkFrame,
    encode_frame,
)
from firmware_protocol.link_messages import Hello, RadioPacket, Reply, Status


def test_crc_check_value() -> None:
    assert crc16_ccitt_false(b"123456789") == 0x29B1


@pytest.mark.parametrize(("raw", "encoded"), [
    (b"", b"\x01"),
    (b"\x00", b"\x01\x01"),
    (b"\x00\x00", b"\x01\x01\x01"),
    (b"\x11\x22\x00\x33", b"\x03\x11\x22\x02\x33"),
    (b"\x11\x00\x00\x00", b"\x02\x11\x01\x01\x01"),
    (bytes(range(1, 255)), b"\xff" + bytes(range(1, 255))),
    (bytes(range(0, 255)), b"\x01\xff" + bytes(range(1, 255))),
    (bytes(range(1, 256)), b"\xff" + bytes(range(1, 255)) + b"\x02\xff"),
])
def test_cobs_known_encodings(raw: bytes, encoded: bytes) -> None:
    assert cobs_encode(raw) == encoded
    assert cobs_decode(encoded) == raw


@given(st.binary(max_size=1000))
def test_cobs_round_trip_has_no_zero(data: bytes) -> None:
    encoded = cobs_encode(data)
    assert b"\x00" not in encoded
    assert cobs_decode(encoded) == data


@pytest.mark.parametrize("bad", [b"\x00", b"\x05\x01", b"\x03\x01\x00"])
def test_cobs_rejects_malformed(bad: bytes) -> None:
    with pytest.raises(CobsError):
        cobs_decode(bad)


def test_frame_layout_and_known_bytes() -> None:
    wire = encode_frame(FrameType.PING, 7)
    raw = cobs_decode(wire[:-1])
    assert wire.endswith(b"\x00") and b"\x00" not in wire[:-1]
    assert raw[:2] == b"\x84\x07"
    assert int.from_bytes(raw[2:], "big") == binascii.crc_hqx(b"\x84\x07", 0xFFFF)


frame_strategy = st.builds(
    LinkFrame,
    st.integers(0, 255),
    st.integers(0, 255),
    st.binary(max_size=MAX_BODY_BYTES),
)


@given(st.lists(frame_strategy, max_size=20), st.data())
def test_any_split_of_the_stream_gives_the_same_frames(frames: list[LinkFrame],
                                                       data: st.DataObject) -> None:
    stream = b"".join(encode_frame(*frame) for frame in frames)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=10)))
    decoder = LinkDecoder()
    got: list[LinkFrame] = []
    for start, end in zip([0, *cuts], [*cuts, len(stream)], strict=True):
        got += decoder.feed(stream[start:end])
    assert got == frames
    assert decoder.stats.dropped == 0


@settings(max_examples=300)
@given(st.lists(st.one_of(frame_strategy, st.binary(min_size=1, max_size=300)), max_size=30))
def test_garbage_between_frames_loses_no_good_frame(items: list[LinkFrame | bytes]) -> None:
    """Garbage is followed by a delimiter (as a real stream resumes at the next 0x00)."""
    stream = b""
    expected: list[LinkFrame] = []
    for item in items:
        if isinstance(item, LinkFrame):
            stream += encode_frame(*item)
            expected.append(item)
        else:
            stream += item + b"\x00"
    decoder = LinkDecoder()
    got = decoder.feed(stream)
    # Garbage may by chance form a valid frame (CRC collision, 1 in 65,536); such a
    # frame is extra, never in place of a good one.
    good = iter(got)
    assert all(any(frame == other for other in good) for frame in expected)


@settings(max_examples=500)
@given(st.binary(max_size=2000))
def test_decoder_never_raises_and_only_yields_crc_valid_frames(data: bytes) -> None:
    decoder = LinkDecoder()
    for frame in decoder.feed(data):
        raw = bytes((frame.type, frame.seq)) + frame.body
        assert len(raw) + 2 <= 255
        assert decoder.stats.frames >= 1
    assert decoder.buffered <= 257


def test_bad_crc_truncated_and_overlong_frames_are_counted_and_skipped() -> None:
    good = encode_frame(FrameType.PING, 1)
    bad_crc = bytearray(encode_frame(FrameType.PING, 2))
    bad_crc[2] ^= 0x40
    truncated = encode_frame(FrameType.RADIO_PACKET, 3, b"\x01" * 10)[:5] + b"\x00"
    overlong = b"\x07" * 600 + b"\x00"
    decoder = LinkDecoder()
    frames = decoder.feed(bytes(bad_crc) + truncated + overlong + good)
    assert frames == [LinkFrame(FrameType.PING, 1, b"")]
    assert decoder.stats.bad_crc + decoder.stats.bad_cobs + decoder.stats.too_short >= 2
    assert decoder.stats.too_long == 1


def test_overlong_run_split_across_feeds_is_counted_once() -> None:
    decoder = LinkDecoder()
    for _ in range(5):
        assert decoder.feed(b"\x09" * 200) == []
    frames = decoder.feed(b"\x00" + encode_frame(FrameType.PING, 9))
    assert frames == [LinkFrame(FrameType.PING, 9, b"")]
    assert decoder.stats.too_long == 1


def test_body_too_long_is_refused_by_the_encoder() -> None:
    with pytest.raises(ValueError, match="exceeds"):
        encode_frame(FrameType.LOG, 0, b"x" * (MAX_BODY_BYTES + 1))


@given(st.integers(0, 2**32 - 1), st.integers(-128, 127), st.binary(max_size=20))
def test_radio_packet_body_round_trip(clock: int, rssi: int, payload: bytes) -> None:
    assert RadioPacket.parse(RadioPacket(clock, rssi, payload).encode()) == RadioPacket(
        clock, rssi, payload)


def test_control_bodies_round_trip() -> None:
    hello = Hello(1, (1, 2, 3), 0xDEADBEEF, 1, "AB")
    assert Hello.parse(hello.encode()) == hello
    assert hello.encode() == bytes.fromhex("01010203deadbeef01") + b"AB"
    status = Status(1000, 50, 2)
    assert Status.parse(status.encode()) == status
    reply = Reply(4, 0, "ok é")
    assert Reply.parse(reply.encode()) == reply
