"""Link v1 framing: COBS, CRC, the incremental decoder and its recovery from garbage."""

from __future__ import annotations

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


@pytest.mark.parametrize(
    ("raw", "encoded"),
    [
        (b"", b"\x01"),
        (b"\x00", b"\x01\x01"),
        (b"\x00\x00", b"\x01\x01\x01"),
        (b"\x11\x22\x00\x33", b"\x03\x11\x22\x02\x33"),
        (b"\x11\x00\x00\x00", b"\x02\x11\x01\x01\x01"),
        (bytes(range(1, 255)), b"\xff" + bytes(range(1, 255))),
        (bytes(range(0, 255)), b"\x01\xff" + bytes(range(1, 255))),
        (bytes(range(1, 256)), b"\xff" + bytes(range(1, 255)) + b"\x02\xff"),
    ],
)
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
    assert int.from_bytes(raw[2:], "big") == reference_crc(b"\x84\x07")


frame_strategy = st.builds(
    LinkFrame,
    st.integers(0, 255),
    st.integers(0, 255),
    st.binary(max_size=MAX_BODY_BYTES),
)


@given(st.lists(frame_strategy, max_size=20), st.data())
def test_any_split_of_the_stream_gives_the_same_frames(
    frames: list[LinkFrame], data: st.DataObject
) -> None:
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


def reference_crc(data: bytes) -> int:
    """CRC-16/CCITT-FALSE bit by bit, as the specification states it (no table, no
    binascii): poly 0x1021, init 0xFFFF, not reflected, no final XOR."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def reference_cobs_decode(block: bytes) -> bytes | None:
    """Cheshire and Baker's COBS, decoded the textbook way; None if malformed."""
    out, index = bytearray(), 0
    while index < len(block):
        code = block[index]
        if code == 0 or index + code > len(block):
            return None
        chunk = block[index + 1 : index + code]
        if len(chunk) != code - 1 or 0 in chunk:
            return None
        out += chunk
        index += code
        if code < 0xFF and index < len(block):
            out.append(0)
    return bytes(out)


def reference_frames(stream: bytes) -> list[LinkFrame]:
    """The frames the protocol page says a stream holds: each 0x00-ended block whose COBS
    is sound, whose decoded length is 4..255 and whose last two bytes are its CRC."""
    frames = []
    for block in stream.split(b"\x00")[:-1]:
        raw = reference_cobs_decode(block) if block else None
        if raw is None or not 4 <= len(raw) <= 255:
            continue
        if reference_crc(raw[:-2]) == int.from_bytes(raw[-2:], "big"):
            frames.append(LinkFrame(raw[0], raw[1], raw[2:-2]))
    return frames


def test_the_reference_crc_and_cobs_agree_with_the_specification() -> None:
    assert reference_crc(b"123456789") == 0x29B1
    assert reference_cobs_decode(bytes.fromhex("0311220233")) == bytes.fromhex("11220033")
    assert reference_cobs_decode(bytes.fromhex("0102")) is None


frame_streams = st.lists(
    st.one_of(
        st.binary(max_size=40),
        st.builds(
            lambda t, s, b: encode_frame(t, s, b),
            st.integers(0, 255),
            st.integers(0, 255),
            st.binary(max_size=60),
        ),
    ),
    max_size=12,
).map(b"".join)


@settings(max_examples=500)
@given(st.one_of(st.binary(max_size=2000), frame_streams))
def test_decoder_never_raises_and_only_yields_crc_valid_frames(data: bytes) -> None:
    decoder = LinkDecoder()
    frames = decoder.feed(data)
    assert frames == reference_frames(data)
    assert decoder.stats.frames == len(frames)
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
        clock, rssi, payload
    )


def test_control_bodies_round_trip() -> None:
    hello = Hello(1, (1, 2, 3), 0xDEADBEEF, 1, "AB")
    assert Hello.parse(hello.encode()) == hello
    assert hello.encode() == bytes.fromhex("01010203deadbeef01") + b"AB"
    status = Status(1000, 50, 2)
    assert Status.parse(status.encode()) == status
    reply = Reply(4, 0, "ok é")
    assert Reply.parse(reply.encode()) == reply
