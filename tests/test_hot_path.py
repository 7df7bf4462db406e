"""The hot path (link session -> pipeline -> buffer) counts exactly what a frame-by-frame
reference counts, for any traffic: copies back to back, changes of mind, invalid
payloads, control frames, garbage, the instructor's remote, polls opening and closing."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from basestation.domain import Vote
from basestation.live.pipeline import VotePipeline
from basestation.live.votes import VoteBuffer
from drivers.capture import CapturedPacket, read_capture
from drivers.capture.json_lines import CaptureWriter
from drivers.link_session import LinkSession
from drivers.packets import PacketKind, RawPacket, packets_heard
from firmware_protocol.iclicker_air import AirPayloadError, decode_air_payload, encode_air_payload
from firmware_protocol.link import FrameType, LinkDecoder, encode_frame
from firmware_protocol.link_messages import RadioPacket, Status

HANDSETS = ("12345670", "2468ACE0", "0F1E2D3C", "ABCDEF89")
INSTRUCTOR = "2468ACE0"
QUESTION = ("A", "B", "C")  # D and E are no choice: invalid

press = st.tuples(
    st.sampled_from(HANDSETS), st.sampled_from(("A", "B", "C", "D", "E", "ping")), st.integers(1, 4)
)
item = st.one_of(
    press.map(lambda p: ("press", p)),
    st.binary(min_size=5, max_size=5).map(lambda b: ("payload", b)),
    st.just(("status", None)),
    st.binary(min_size=1, max_size=12).map(lambda b: ("garbage", b)),
)
read = st.tuples(st.lists(item, max_size=12), st.booleans(), st.integers(0, 3))


def reads_to_bytes(items: list[tuple[str, object]], clock: list[int]) -> bytes:
    out = bytearray()
    for kind, value in items:
        if kind == "press":
            handset, answer, copies = value  # type: ignore[misc]
            for _ in range(copies):
                clock[0] += 977
                body = RadioPacket(clock[0], -61, encode_air_payload(handset, answer)).encode()
                out += encode_frame(FrameType.RADIO_PACKET, clock[0] & 0xFF, body)
        elif kind == "payload":
            out += encode_frame(FrameType.RADIO_PACKET, 1, RadioPacket(5, -128, value).encode())  # type: ignore[arg-type]
        elif kind == "status":
            out += encode_frame(FrameType.STATUS, 2, Status(1, 2, 0).encode())
        else:
            out += bytes(value) + b"\x00"  # type: ignore[call-overload]
    return bytes(out)


def reference(chunks: list[tuple[bytes, float, bool]]) -> tuple[VoteBuffer, list[Vote], list[str]]:
    """One frame at a time: the frame decoder, the body, the air codec, one offer each."""
    votes: list[Vote] = []
    commands: list[str] = []
    buffer = VoteBuffer(keep_votes=True, instructor=INSTRUCTOR, on_instructor=commands.append)
    decoder = LinkDecoder()
    for data, host_time, is_open in chunks:
        toggle(buffer, is_open, votes)
        for clock_us, payload in radio_payloads(decoder, data):
            try:
                handset, answer = decode_air_payload(payload)
            except AirPayloadError:
                buffer.count_invalid()
            else:
                if answer != "ping":
                    buffer.offer(handset, answer, "r", host_time, clock_us)
    return buffer, votes + buffer.take_votes(), commands


def radio_payloads(decoder: LinkDecoder, data: bytes) -> list[tuple[int, bytes]]:
    bodies = [
        RadioPacket.parse(f.body) for f in decoder.feed(data) if f.type == FrameType.RADIO_PACKET
    ]
    return [(body.clock_us, body.payload) for body in bodies]


def project(chunks: list[tuple[bytes, float, bool]]) -> tuple[VoteBuffer, list[Vote], list[str]]:
    votes: list[Vote] = []
    commands: list[str] = []
    buffer = VoteBuffer(keep_votes=True, instructor=INSTRUCTOR, on_instructor=commands.append)
    session, pipeline = LinkSession("r"), VotePipeline(buffer)
    for data, host_time, is_open in chunks:
        toggle(buffer, is_open, votes)
        pipeline.ingest(session.on_bytes(data, host_time))
    return buffer, votes + buffer.take_votes(), commands


def toggle(buffer: VoteBuffer, is_open: bool, votes: list[Vote]) -> None:
    if is_open and not buffer.is_open:
        votes += buffer.take_votes()
        buffer.open(1, QUESTION)
    elif not is_open and buffer.is_open:
        buffer.close()


@settings(max_examples=300, deadline=None)
@given(st.lists(read, max_size=10))
def test_the_hot_path_counts_what_a_frame_by_frame_reference_counts(
    reads: list[tuple[list[tuple[str, object]], bool, int]],
) -> None:
    clock = [0]
    chunks, host_time = [], 100.0
    for items, is_open, seconds in reads:
        host_time += seconds * 0.9  # some reads inside the 2 s window, some after it
        chunks.append((reads_to_bytes(items, clock), host_time, is_open))
    expected, expected_votes, expected_commands = reference(chunks)
    got, got_votes, got_commands = project(chunks)
    assert got.snapshot() == expected.snapshot()
    assert got_votes == expected_votes
    assert got_commands == expected_commands


def test_copies_back_to_back_become_one_packet_and_a_capture_line_each(tmp_path: Path) -> None:
    payload = encode_air_payload("12345670", "B")
    frames = b"".join(
        encode_frame(FrameType.RADIO_PACKET, n, RadioPacket(n, -60, payload).encode())
        for n in range(3)
    )
    packets = LinkSession("r").on_bytes(frames, 5.0)
    assert [(p.payload, p.copies, p.receiver_time_us) for p in packets] == [(payload, 3, 0)]
    assert packets_heard(packets) == 3
    capture = tmp_path / "copies.cap"
    writer = CaptureWriter(capture, "r", started_at=0.0)
    writer.packets([*packets, RawPacket(PacketKind.ICLICKER_AIR, payload, "r", 6.0)])
    writer.close()
    lines = capture.read_text().splitlines()[1:]
    assert len(lines) == 4 and lines[0] == lines[1] == lines[2] != lines[3]
    _, entries = read_capture(capture)  # the identical lines in a row read back as one
    replayed = [e.packet for e in entries if isinstance(e, CapturedPacket)]
    assert [(p.host_time, p.copies) for p in replayed] == [(5.0, 3), (6.0, 1)]


def test_a_capture_reads_as_its_json_lines_say(tmp_path: Path) -> None:
    """The capture reader (fast for ordinary files) against the lines parsed here."""
    import gzip
    import json

    from click.testing import CliRunner

    from basestation.cli import main

    path = tmp_path / "made.cap.gz"
    result = CliRunner().invoke(
        main,
        [
            "simulate",
            "--capture",
            str(path),
            "--students",
            "40",
            "--questions",
            "2",
            "--seed",
            "9",
            "--revote",
        ],
    )
    assert result.exit_code == 0, result.output
    with gzip.open(path, "rt") as handle:
        records = [json.loads(line) for line in handle.read().splitlines()[1:]]
    _, entries = read_capture(path)
    seen = []
    for entry in entries:
        if isinstance(entry, CapturedPacket):
            p = entry.packet
            seen += [
                {
                    "t": entry.t,
                    "kind": p.kind.value,
                    "payload": p.payload.hex(),
                    "receiver": p.receiver,
                    "rx_us": p.receiver_time_us,
                    "rssi": p.rssi,
                    "seq": p.base_seq,
                }
            ] * p.copies
        else:
            seen.append({"t": entry.t, "event": entry.name})
    assert seen == records
    assert len(records) > 300
