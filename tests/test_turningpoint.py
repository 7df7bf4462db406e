"""TurningPoint ResponseCard frames: the reference's captured vectors, every bit flip,
round trips, and the turning-clicker sketch's lines."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from firmware_protocol.turningpoint import (
    TurningPointFrameError,
    TurningPointPacket,
    ack_frame,
    decode_frame,
    encode_frame,
    format_sketch_line,
    key_label,
    parse_sketch_line,
    reversed_id,
)

# on-air bytes of handset 090FD3, address first (receivers.md §4)
VECTORS = {
    "1": "12 34 56 09 0F D3 31 EE 8C",
    "2": "12 34 56 09 0F D3 32 DE EF",
    "3": "12 34 56 09 0F D3 33 CE CE",
    "4": "12 34 56 09 0F D3 34 BE 29",
    "5": "12 34 56 09 0F D3 35 AE 08",
    "6": "12 34 56 09 0F D3 36 9E 6B",
    "?": "12 34 56 09 0F D3 3F 0F 42",
}


@pytest.mark.parametrize(("key", "air"), VECTORS.items())
def test_captured_vectors_decode_to_their_keys(key: str, air: str) -> None:
    frame = bytes.fromhex(air)[3:]
    assert decode_frame(frame) == TurningPointPacket("090FD3", key)
    assert encode_frame("090FD3", key) == frame


def test_the_ack_of_the_reference() -> None:
    assert ack_frame("090FD3").hex(" ").upper() == "09 0F D3 06 7B 34"


@pytest.mark.parametrize("air", VECTORS.values())
def test_every_single_bit_flip_is_rejected(air: str) -> None:
    frame = bytes.fromhex(air)[3:]
    for bit in range(len(frame) * 8):
        damaged = bytearray(frame)
        damaged[bit // 8] ^= 1 << (bit % 8)
        with pytest.raises(TurningPointFrameError):
            decode_frame(bytes(damaged))


handsets = st.binary(min_size=3, max_size=3).map(lambda b: b.hex().upper())


@given(handsets, st.sampled_from(list("1234567890?")))
def test_round_trip(handset: str, key: str) -> None:
    assert decode_frame(encode_frame(handset, key)) == (handset, key)
    line = format_sketch_line(encode_frame(handset, key))
    assert parse_sketch_line(line) == encode_frame(handset, key)


@given(st.binary(max_size=12))
def test_any_bytes_decode_or_fail_clearly(data: bytes) -> None:
    with contextlib.suppress(TurningPointFrameError):
        decode_frame(data)


def test_letter_mode_keys_are_shifted_by_one_and_others_unknown() -> None:
    assert key_label(ord("B")) == "1" and key_label(ord("b")) == "1"
    assert key_label(ord("A")) == "0" and key_label(ord("J")) == "9"
    for byte in (0x00, ord("K"), ord("!"), 0xFF):
        with pytest.raises(TurningPointFrameError):
            key_label(byte)


def test_sketch_lines() -> None:
    assert parse_sketch_line(b"incoming: 090fd331ee8c --> 1\r") == bytes.fromhex("090fd331ee8c")
    for other in (
        b"outgoing: 090fd3067b34",
        b"*** booting ***",
        b"STATUS = 0x0e RX_DR=0",
        b"RF_CH = 0x29",
        b"",
    ):
        assert parse_sketch_line(other) is None
    assert parse_sketch_line(b"incoming: zz --> 1") == b""


def test_ids_either_way_round() -> None:
    assert reversed_id("090FD3") == "D30F09"
