"""Text lines of the public RFM69 receiver sketch."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from firmware_protocol.handset_id import handset_id_from_bytes
from firmware_protocol.iclicker_air import PING
from firmware_protocol.iskipper import (
    MAX_LINE_BYTES,
    IskipperLineError,
    IskipperPacket,
    LineSplitter,
    format_capture_sketch_line,
    format_iskipper_line,
    parse_iskipper_line,
)


def test_both_firmwares_lines_are_votes_and_other_lines_are_not() -> None:
    # in-one-package firmware
    assert parse_iskipper_line(b"Captured,B,A24653B7\r") == IskipperPacket("A24653B7", "B")
    # capture sketch: bytes in parentheses, a space before the newline
    assert parse_iskipper_line(b"Captured: C (42, 80, 71, B3) \n") == IskipperPacket(
        "428071B3", "C"
    )
    assert parse_iskipper_line(b"Captured: A (A2, 46, 53, B7) ") == IskipperPacket("A24653B7", "A")
    for other in (
        b"iSkipper receiver ready",
        b"3D",
        b"CD",
        b"",
        b"Started promiscous",
        b"Initialization Complete. Waiting for COM command...",
    ):
        assert parse_iskipper_line(other) is None


def test_pings_are_pings_and_unknown_codes_are_invalid() -> None:
    assert parse_iskipper_line(b"Captured,P,428071B3") == IskipperPacket("428071B3", PING)
    assert parse_iskipper_line(b"Captured: P (42, 80, 71, B3) ") == IskipperPacket("428071B3", PING)
    for unknown in (b"Captured,X,428071B3", b"Captured: X (42, 80, 71, B3) "):
        with pytest.raises(IskipperLineError, match="unknown code"):
            parse_iskipper_line(unknown)


@pytest.mark.parametrize(
    "line",
    [
        b"Captured,F,A24653B7",
        b"Captured,A,A24653B8",
        b"Captured,A",
        b"Captured,A,T24,x",
        b"Captured: C (42, 80, 71, B4) ",
        b"Captured: C (42, 80)",
        b"Captured: CC (42, 80, 71, B3) ",
    ],
)
def test_bad_captured_lines_raise(line: bytes) -> None:
    with pytest.raises(IskipperLineError):
        parse_iskipper_line(line)


ids = st.builds(
    handset_id_from_bytes, st.integers(0, 255), st.integers(0, 255), st.integers(0, 255)
)


@given(ids, st.sampled_from(["A", "B", "C", "D", "E"]))
def test_both_formats_round_trip(handset: str, answer: str) -> None:
    for line in (
        format_capture_sketch_line(handset, answer),
        format_iskipper_line(handset, answer),
    ):
        vote_line, *rest = LineSplitter().feed(line)
        assert parse_iskipper_line(vote_line) == IskipperPacket(handset, answer)
        assert rest == []  # the capture sketch's trailing empty line is no line at all


@given(st.binary(max_size=120))
def test_any_line_is_a_packet_none_or_a_clear_error(line: bytes) -> None:
    try:
        parse_iskipper_line(b"Captured" + line)
        parse_iskipper_line(line)
    except IskipperLineError:
        pass


@given(
    st.lists(
        st.sampled_from([b"Captured,A,A24653B7", b"noise", b"Captured,E,428071B3"]), max_size=20
    ),
    st.integers(1, 7),
)
def test_splitter_any_chunking(lines: list[bytes], chunk: int) -> None:
    stream = b"".join(line + b"\r\n" for line in lines)
    splitter = LineSplitter()
    got = []
    for start in range(0, len(stream), chunk):
        got += splitter.feed(stream[start : start + chunk])
    assert [line.strip() for line in got] == lines


def test_overlong_line_is_dropped_once_and_next_line_survives() -> None:
    splitter = LineSplitter()
    assert splitter.feed(b"x" * (MAX_LINE_BYTES + 10)) == []
    assert splitter.feed(b"y" * 50) == []
    assert splitter.feed(b"\n" + format_iskipper_line("A24653B7", "D")) == [b"Captured,D,A24653B7"]
    assert splitter.too_long == 1
