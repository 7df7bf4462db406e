"""Text lines of the public RFM69 receiver sketch."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from firmware_protocol.iskipper import (
    MAX_LINE_BYTES,
    IskipperLineError,
    LineSplitter,
    format_iskipper_line,
    parse_iskipper_line,
)


def test_captured_line_is_a_vote_and_other_lines_are_not() -> None:
    assert parse_iskipper_line(b"Captured,B,A24653B7\r") == ("A24653B7", "B")
    assert parse_iskipper_line(b"iSkipper receiver ready") is None


@pytest.mark.parametrize("line", [b"Captured,F,A24653B7", b"Captured,A,A24653B8",
                                  b"Captured,A", b"Captured,A,T24,x"])
def test_bad_captured_lines_raise(line: bytes) -> None:
    with pytest.raises(IskipperLineError):
        parse_iskipper_line(line)


@given(st.lists(st.sampled_from([b"Captured,A,A24653B7", b"noise", b"Captured,E,428071B3"]),
                max_size=20), st.integers(1, 7))
def test_splitter_any_chunking(lines: list[bytes], chunk: int) -> None:
    stream = b"".join(line + b"\r\n" for line in lines)
    splitter = LineSplitter()
    got = []
    for start in range(0, len(stream), chunk):
        got += splitter.feed(stream[start:start + chunk])
    assert [line.strip() for line in got] == lines


def test_overlong_line_is_dropped_once_and_next_line_survives() -> None:
    splitter = LineSplitter()
    assert splitter.feed(b"x" * (MAX_LINE_BYTES + 10)) == []
    assert splitter.feed(b"y" * 50) == []
    assert splitter.feed(b"\n" + format_iskipper_line("A24653B7", "D")) == [
        b"Captured,D,A24653B7\r"]
    assert splitter.too_long == 1
