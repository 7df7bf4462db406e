"""The USB base report codec against the byte sequences of the reference."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from firmware_protocol.handset_id import handset_id_from_bytes
from firmware_protocol.iclicker_base import (
    STOP_POLL_COMMANDS,
    BaseReportParser,
    BaseVariant,
    CommandEcho,
    PolledBatch,
    PollKind,
    PollSummary,
    VoteRecord,
    decode_record,
    encode_polled_batch,
    encode_pushed_record,
    instructor_remote_command,
    lcd_command,
    open_commands,
    pad_report,
    poll_type_command,
    poll_votes_command,
    set_channel_commands,
    start_poll_commands,
    variant_from_manufacturer,
)


def hexes(commands: object) -> list[str]:
    return [command.hex(" ") for command in commands]  # type: ignore[attr-defined]


# The vendor's order, byte for byte, from the reference page (its USB traffic).
VENDOR_OPEN_AA = [
    "01 10 21 41",
    "01 2a 21 41 05",
    "01 12",
    "01 16",
    "01 15",
    "01 2d",
    "01 29 a1 8f 96 8d 99 97 8f 80",
    "01 17 04",
    "01 17 03",
    "01 16",
]


def test_open_sequence_is_the_vendors() -> None:
    assert hexes(open_commands("AA")) == VENDOR_OPEN_AA
    with_remote = hexes(open_commands("BD", "A24653B7"))
    assert with_remote == [
        "01 10 22 44",
        "01 2a 22 44 05",
        "01 12",
        "01 16",
        "01 1e a2 46 53",
        *VENDOR_OPEN_AA[4:],
    ]


@pytest.mark.parametrize(
    ("channel", "c1c2"),
    [("AA", "21 41"), ("AB", "21 42"), ("DC", "24 43"), ("dd", "24 44"), ("BD", "22 44")],
)
def test_set_channel_names_the_channel_twice(channel: str, c1c2: str) -> None:
    assert hexes(set_channel_commands(channel)) == [f"01 10 {c1c2}", f"01 2a {c1c2} 05"]


def test_bad_channel_is_refused() -> None:
    with pytest.raises(ValueError, match=r"AA\.\.DD"):
        set_channel_commands("AE")


def test_poll_commands() -> None:
    assert poll_type_command(PollKind.LETTERS).hex(" ") == "01 19 66 0a 01"
    assert poll_type_command(PollKind.NUMERIC).hex(" ") == "01 19 67 0a 01"
    assert poll_type_command(PollKind.ALPHANUMERIC).hex(" ") == "01 19 68 0a 01"
    assert hexes(start_poll_commands()) == [
        "01 19 66 0a 01",
        "01 17 03",
        "01 17 05",
        "01 19 66 0a 01",
        "01 11",
    ]
    assert hexes(STOP_POLL_COMMANDS) == [
        "01 12",
        "01 16",
        "01 17 01 00 04",
        "01 17 01 00 04",
        "01 17 03",
        "01 17 04",
    ]
    assert poll_votes_command(7).hex(" ") == "01 17 01 07 04"


def test_lcd_and_instructor_remote() -> None:
    assert lcd_command(1, "Poll open") == b"\x01\x13Poll open        "  # 17 bytes
    assert lcd_command(2, "x" * 40) == b"\x01\x14" + b"x" * 17
    assert instructor_remote_command("A24653B7").hex(" ") == "01 1e a2 46 53"
    with pytest.raises(ValueError):
        lcd_command(3, "no")


def test_reports_are_padded_to_64_bytes() -> None:
    assert pad_report(b"\x01\x11") == b"\x01\x11" + bytes(62)
    with pytest.raises(ValueError):
        pad_report(bytes(65))


def test_parser_reads_the_real_base_report_and_echoes() -> None:
    parser = BaseReportParser()
    report = pad_report(bytes.fromhex("02138182e97005"))
    assert parser.parse(report) == [VoteRecord("82E9701B", "A", 5)]
    assert parser.parse(pad_report(bytes.fromhex("0111aa"))) == [CommandEcho((0x01, 0x11))]
    assert parser.parse(pad_report(bytes.fromhex("02181a0304"))) == [
        PollSummary(pad_report(bytes.fromhex("02181a0304")))
    ]


def test_two_records_per_report_and_junk_is_dropped_and_counted() -> None:
    parser = BaseReportParser()
    good = VoteRecord("428071B3", "E", 9)
    junk = bytes((0x02, 0x13, 0x13, 1, 2, 3, 4)).ljust(32, b"\x00")
    assert parser.parse(encode_pushed_record(good) + junk) == [good]
    assert parser.junk_records == 1


def test_polled_batches() -> None:
    parser = BaseReportParser(BaseVariant.POLLED)
    records = [VoteRecord("A24653B7", "C", None), VoteRecord("428071B3", "B", None)]
    assert parser.parse(encode_polled_batch(records, True, 3)) == [
        PolledBatch(True, tuple(records))
    ]


def test_variant_from_manufacturer() -> None:
    assert variant_from_manufacturer("I-Clicker USB Base") is BaseVariant.POLLED
    assert variant_from_manufacturer("iclicker") is BaseVariant.PUSHED


records = st.builds(
    lambda a, b, c, answer, seq: VoteRecord(handset_id_from_bytes(a, b, c), answer, seq),
    st.integers(0, 255),
    st.integers(0, 255),
    st.integers(0, 255),
    st.sampled_from("ABCDE"),
    st.integers(0, 255),
)


@given(st.lists(records, min_size=1, max_size=2))
def test_pushed_round_trip(pair: list[VoteRecord]) -> None:
    report = b"".join(encode_pushed_record(r) for r in pair).ljust(64, b"\x00")
    assert BaseReportParser().parse(report) == pair


def test_a_record_decodes_from_the_bytes_the_base_sent() -> None:
    assert decode_record(bytes.fromhex("02138182e97005")) == ("82E9701B", "A")
    assert decode_record(bytes.fromhex("6382e970")) == ("82E9701B", "C")  # polled: 0x61 = A
    for bad in ("0213", "02138882e97005", "7182e970", "0313818283e905"):
        with pytest.raises(ValueError):
            decode_record(bytes.fromhex(bad))


@given(st.lists(records, min_size=1, max_size=2), st.sampled_from(list(BaseVariant)))
def test_parsed_records_keep_bytes_that_decode_to_them(
    pair: list[VoteRecord], variant: BaseVariant
) -> None:
    if variant is BaseVariant.PUSHED:
        report = b"".join(encode_pushed_record(r) for r in pair).ljust(64, b"\x00")
        parsed = BaseReportParser().parse(report)
    else:
        batch = BaseReportParser(variant).parse(encode_polled_batch(pair, False, 0))[0]
        assert isinstance(batch, PolledBatch)
        parsed = list(batch.records)
    assert [(r.handset, r.answer) for r in parsed] == [(r.handset, r.answer) for r in pair]
    for record in parsed:
        assert isinstance(record, VoteRecord)
        assert decode_record(record.raw) == (record.handset, record.answer)


@given(st.binary(max_size=64), st.sampled_from(list(BaseVariant)))
def test_parser_never_raises(report: bytes, variant: BaseVariant) -> None:
    for event in BaseReportParser(variant).parse(report):
        if isinstance(event, VoteRecord):
            assert event.answer in "ABCDE"


raw_records = st.one_of(
    st.tuples(
        st.integers(0x7F, 0x87),
        st.integers(0, 3),
        st.integers(0, 3),
        st.integers(0, 255),
        st.integers(0, 255),
    ).map(lambda r: bytes((0x02, 0x13, *r)).ljust(32, b"\x00")),
    st.binary(min_size=32, max_size=32),
)


@given(st.lists(st.tuples(raw_records, raw_records).map(b"".join), min_size=1, max_size=30))
def test_a_long_lived_parser_reads_every_report_as_a_fresh_one_does(reports: list[bytes]) -> None:
    """The parser remembers button and ID bytes: what it remembers never changes a
    record (noise bytes, junk and repeated records alike)."""
    remembering = BaseReportParser()
    for report in [*reports, *reports]:
        assert remembering.parse(report) == BaseReportParser().parse(report)


@given(
    st.lists(
        st.one_of(st.tuples(raw_records, raw_records).map(b"".join), st.binary(max_size=70)),
        min_size=1,
        max_size=30,
    )
)
def test_the_votes_of_a_report_are_what_the_parser_finds_in_it(reports: list[bytes]) -> None:
    """The driver's shortcut for ordinary reports finds the records ``parse`` finds, and
    counts the junk and unknown ones alike (a parser that has seen them all before too)."""
    quick, careful = BaseReportParser(), BaseReportParser()
    for report in [*reports, *reports]:
        expected = careful.parse(report)
        votes = quick.pushed_votes(report)
        if votes is None:
            assert quick.parse(report) == expected
        else:
            assert all(isinstance(event, VoteRecord) for event in expected)
            assert votes == [(e.raw, e.handset, e.seq) for e in expected]  # type: ignore[union-attr]
        assert (quick.junk_records, quick.unknown_reports, quick.short_reports) == (
            careful.junk_records,
            careful.unknown_reports,
            careful.short_reports,
        )


@given(st.binary(min_size=0, max_size=8))
def test_the_decode_seam_reads_a_record_as_the_codec_does(raw: bytes) -> None:
    from basestation.live.decoding import ICLICKER_ANSWERS, PacketDecoder

    decoder = PacketDecoder(max_entries=4)
    try:
        handset, button = decode_record(raw)
        expected: tuple[str, str] | None = (handset, ICLICKER_ANSWERS[button])
    except ValueError:
        expected = None
    for _ in range(2):
        found = decoder.lookup_record(raw)
        assert (found if isinstance(found, tuple) else None) == expected
