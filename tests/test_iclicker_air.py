"""The iClicker air payload codec and handset-ID rules, against the reference vectors."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from basestation.live.decoding import PING as SEAM_PING
from basestation.live.decoding import PacketDecodeError, PacketDecoder
from drivers.packets import PacketKind, RawPacket
from firmware_protocol.handset_id import (
    HandsetIdError,
    alternate_form,
    handset_id_from_bytes,
    is_valid_handset_id,
    parse_handset_id,
)
from firmware_protocol.iclicker_air import (
    ANSWERS,
    PING,
    AirPayloadError,
    decode_air_payload,
    encode_air_payload,
)

VECTORS = [
    ("A24653B7", "A", "14 8C 29 71 3A"),
    ("A24653B7", "B", "14 8C 29 75 3E"),
    ("A24653B7", "E", "14 8C 29 7A 43"),
    ("428071B3", "A", "11 01 38 31 7B"),
    ("3E81BE01", "E", "F1 00 DD CA 98"),
    ("FFFFFFFF", "A", "FD FD FD F1 E8"),
]


@pytest.mark.parametrize(("handset", "answer", "payload"), VECTORS)
def test_reference_vectors(handset: str, answer: str, payload: str) -> None:
    raw = bytes.fromhex(payload)
    assert encode_air_payload(handset, answer) == raw
    assert decode_air_payload(raw) == (handset, answer)


handset_ids = st.tuples(st.integers(0, 255), st.integers(0, 255), st.integers(0, 255)).map(
    lambda b: handset_id_from_bytes(*b)
)


@given(st.integers(0, 255), st.integers(0, 255), st.integers(0, 255))
def test_an_ids_printed_form_is_its_bytes_and_their_xor_in_hex(a: int, b: int, c: int) -> None:
    printed = handset_id_from_bytes(a, b, c)
    assert printed == bytes((a, b, c, a ^ b ^ c)).hex().upper()
    assert is_valid_handset_id(printed) or printed == "11A4C277"  # the vendor's sample ID


@given(handset_ids, st.sampled_from([*ANSWERS, PING]))
def test_round_trip_every_id_and_answer(handset: str, answer: str) -> None:
    assert decode_air_payload(encode_air_payload(handset, answer)) == (handset, answer)


@given(handset_ids, st.sampled_from(ANSWERS), st.integers(0, 39))
def test_any_single_bit_flip_is_rejected(handset: str, answer: str, bit: int) -> None:
    payload = bytearray(encode_air_payload(handset, answer))
    payload[bit // 8] ^= 1 << (bit % 8)
    with pytest.raises(AirPayloadError):
        decode_air_payload(bytes(payload))


@given(st.binary(max_size=8))
def test_decoder_raises_only_its_own_error(data: bytes) -> None:
    try:
        handset, answer = decode_air_payload(data)
    except AirPayloadError:
        return
    assert is_valid_handset_id(handset)
    assert answer in (*ANSWERS, PING)


def test_unknown_nibble_and_length_are_explained() -> None:
    payload = bytearray(encode_air_payload("A24653B7", "A"))
    payload[3] = (payload[3] & 0xF0) | 0x3
    payload[4] = sum(payload[:4]) & 0xFF
    with pytest.raises(AirPayloadError, match="nibble 0x3"):
        decode_air_payload(bytes(payload))
    with pytest.raises(AirPayloadError, match="4 bytes"):
        decode_air_payload(b"\x01\x02\x03\x04")


def test_the_decode_seam_memo_agrees_remembers_errors_and_stays_bounded() -> None:
    decoder = PacketDecoder(max_entries=2)
    good = encode_air_payload("428071B3", "C")
    bad = good[:4] + bytes([good[4] ^ 1])
    for _ in range(3):
        assert decoder.decode(RawPacket(PacketKind.ICLICKER_AIR, good, "r", 0.0)) == (
            "428071B3",
            "C",
        )
        with pytest.raises(PacketDecodeError, match="checksum"):
            decoder.decode(RawPacket(PacketKind.ICLICKER_AIR, bad, "r", 0.0))
    assert decoder.lookup_air(encode_air_payload("FFFFFFFF", "E")) == ("FFFFFFFF", "E")
    assert decoder.lookup_air(encode_air_payload("FFFFFFFF", "ping")) == ("FFFFFFFF", SEAM_PING)
    assert len(decoder.memo) <= 2


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [("a24653b7", "A24653B7"), (" 428071B3 ", "428071B3")],
)
def test_ids_are_normalised(typed: str, canonical: str) -> None:
    assert parse_handset_id(typed) == canonical


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("T24-123", "model number"),
        ("A24653B8", "check digit"),
        ("A24653", "8 hex digits"),
        ("G24653B7", "not hexadecimal"),
        ("42-80-71-B3", "characters"),  # the vendor's plugin takes no separators either
        ("11a4c277", "sample ID"),
    ],
)
def test_bad_ids_say_what_is_wrong(typed: str, message: str) -> None:
    with pytest.raises(HandsetIdError, match=message):
        parse_handset_id(typed)


def test_alternate_form_for_ids_starting_with_2_4_8() -> None:
    assert alternate_form("428071B3") == "028071F3"
    assert alternate_form("A24653B7") is None
    assert is_valid_handset_id("028071F3")


def vendor_plugin_accepts(typed: str) -> str | None:
    """The vendor's Moodle block (``validate_clicker_id``), restated from its rules in
    shared/reference/files.md: the ID it stores, or None where it refuses."""
    if not typed or len(typed) > 8:
        return None
    cleaned = typed.strip().upper()
    if not cleaned or any(c not in "0123456789ABCDEF" for c in cleaned):
        return None
    cleaned = cleaned.rjust(8, "0")
    if cleaned == "11A4C277":
        return None
    check = 0
    for i in range(0, 8, 2):
        check ^= int(cleaned[i : i + 2], 16)
    return cleaned if check == 0 else None


@given(
    st.one_of(
        st.text(alphabet="0123456789abcdefABCDEFg-: ", min_size=1, max_size=9),
        st.builds(
            handset_id_from_bytes, st.integers(0, 255), st.integers(0, 255), st.integers(0, 255)
        ),
        st.just("11A4C277"),
    ).filter(lambda t: t == t.strip())
)
def test_ids_are_refused_exactly_where_the_vendors_plugin_refuses_them(typed: str) -> None:
    """A roster column pads short IDs as the plugin does (``normalise_typed_id`` treats
    six bare digits as a TurningPoint ID first, so those are padded here, as the
    plugin's page would have stored them)."""
    expected = vendor_plugin_accepts(typed)
    try:
        ours: str | None = parse_handset_id(typed.rjust(8, "0") if len(typed) < 8 else typed)
    except HandsetIdError:
        ours = None
    if len(typed) < 8 and any(c not in "0123456789abcdefABCDEF" for c in typed):
        ours = None  # padding something that is not hex cannot make it an ID
    assert ours == expected


@given(st.lists(st.tuples(handset_ids, st.sampled_from(ANSWERS)), min_size=1, max_size=40))
def test_a_hall_that_fills_the_memo_is_decoded_packet_by_packet(
    presses: list[tuple[str, str]],
) -> None:
    """Past ``max_entries`` distinct payloads the memo steps aside and gives its memory
    back; every payload, before and after, decodes as the codec says."""
    decoder = PacketDecoder(max_entries=8)
    for handset, answer in presses * 2:
        assert decoder.lookup_air(encode_air_payload(handset, answer)) == (handset, answer)
    distinct = len(set(presses))
    assert len(decoder.memo) == (0 if distinct > 8 else distinct)
