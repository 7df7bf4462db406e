"""Binary captures (.bcap): what is written reads back, in either format the same; a
replay plays a poll in time order with copies in a row as one packet; `record --capture
x.bcap` replays to the same poll; `capture convert` both ways; damage is one line."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from basestation.cli import main
from drivers.capture import CapturedPacket, CaptureError, CaptureEvent, open_capture, read_capture
from drivers.packets import PacketKind, RawPacket
from drivers.registry import receiver_for_url
from drivers.replay_receiver import ReplayReceiver

DATA = Path(__file__).with_name("data")
Row = tuple[str, bytes, str, float, int | None, int | None, int | None]
"""kind, payload, receiver, seconds since the start, rx_us, rssi, seq: one heard copy."""

rows = st.tuples(
    st.sampled_from([kind.value for kind in PacketKind]),
    st.binary(max_size=40),
    st.sampled_from(["link:0000BEEF", "serial:/dev/ttyACM0", "usb:1881:0150 é"]),
    st.integers(0, 10**11).map(lambda micros: micros / 1e6),
    st.none() | st.integers(0, 2**40),
    st.none() | st.integers(-128, 20),
    st.none() | st.integers(0, 2**31),
)
reads = st.lists(st.tuples(rows, st.integers(1, 4)), max_size=12)
"""One read: rows, each heard 1-4 times in a row."""
files = st.lists(
    st.one_of(reads, st.sampled_from(["poll-open", "poll-close", "gone", "back"])), max_size=10
)


def write(path: Path, content: list[list[tuple[Row, int]] | str]) -> None:
    """Each read handed on as a receiver does: a packet per copy, in a row."""
    writer = open_capture(path, "link:0000BEEF", started_at=1_000.0)
    for item in content:
        if isinstance(item, str):
            writer.event(item, 1_000.0 + len(item))
            continue
        writer.packets(
            [
                RawPacket(PacketKind(kind), payload, receiver, 1_000.0 + t, rx, rssi, seq)
                for (kind, payload, receiver, t, rx, rssi, seq), copies in item
                for _ in range(copies)
            ]
        )
    writer.close()


def heard(path: Path) -> list[object]:
    """Every copy read back, as a row or an event."""
    _, entries = read_capture(path)
    seen: list[object] = []
    for entry in entries:
        if isinstance(entry, CaptureEvent):
            seen.append((entry.t, entry.name))
            continue
        p = entry.packet
        assert entry.t == p.host_time
        seen += [
            (
                p.kind.value,
                p.payload,
                p.receiver,
                p.host_time,
                p.receiver_time_us,
                p.rssi,
                p.base_seq,
            )
        ] * p.copies
    return seen


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files)
def test_what_is_written_reads_back_the_same_in_both_formats(
    tmp_path: Path, content: list[list[tuple[Row, int]] | str]
) -> None:
    expected: list[object] = []
    for item in content:
        if isinstance(item, str):
            expected.append((float(len(item)), item))
        else:
            expected += [row for row, copies in item for _ in range(copies)]
    write(tmp_path / "c.bcap", content)
    write(tmp_path / "c.cap", content)
    assert heard(tmp_path / "c.bcap") == expected
    assert heard(tmp_path / "c.cap") == expected
    assert stat.S_IMODE((tmp_path / "c.bcap").stat().st_mode) == 0o600
    data = (tmp_path / "c.bcap").read_bytes()
    for text in ["serial:/dev/ttyACM0", "usb:1881:0150 é", *(k.value for k in PacketKind)]:
        assert data.count(text.encode()) <= 1  # each label stored once, however often used
    write(tmp_path / "again.bcap", content)
    assert (tmp_path / "again.bcap").read_bytes() == data  # the same capture, the same bytes


def played(url: str) -> list[RawPacket]:
    receiver = receiver_for_url(url)
    assert isinstance(receiver, ReplayReceiver)
    packets: list[RawPacket] = []
    with receiver:
        receiver.open_poll()
        while not receiver.round_finished:
            packets += receiver.read(0.01)
    return packets


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(reads, max_size=5), st.sampled_from(["cap", "bcap"]))
def test_a_replayed_poll_plays_in_time_order_with_copies_in_a_row_as_one(
    tmp_path: Path, polled: list[list[tuple[Row, int]]], suffix: str
) -> None:
    path = tmp_path / f"poll.{suffix}"
    write(path, ["poll-open", *polled, "poll-close"])
    # the reference: every copy, stably sorted by time; then equal neighbours merged
    copies = sorted(
        (row for read in polled for row, n in read for _ in range(n)), key=lambda row: row[3]
    )
    expected: list[tuple[Row, int]] = []
    for row in copies:
        if expected and _same_packet(expected[-1][0], row):
            expected[-1] = (expected[-1][0], expected[-1][1] + 1)
        else:
            expected.append((row, 1))
    packets = played(f"replay://{path}?speed=max")
    got = [
        (
            (
                p.kind.value,
                p.payload,
                p.receiver,
                p.host_time,
                p.receiver_time_us,
                p.rssi,
                p.base_seq,
            ),
            p.copies,
        )
        for p in packets
    ]
    assert [(row[:3] + row[4:], n) for row, n in got] == [
        (row[:3] + row[4:], n) for row, n in expected
    ]
    offsets = {
        round(row[3] - want[3], 3) for (row, _), (want, _) in zip(got, expected, strict=True)
    }
    assert len(offsets) <= 1  # recorded spacing kept: one shift for the whole poll


def _same_packet(a: Row, b: Row) -> bool:
    """Copies a receiver hands on as one: same bytes, receiver, time and sequence."""
    return (a[0], a[1], a[2], a[3], a[6]) == (b[0], b[1], b[2], b[3], b[6])


def record(*args: str) -> dict[str, object]:
    result = CliRunner().invoke(main, ["record", "--json", *args])
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.output))


def test_record_with_a_binary_capture_then_replay_gives_the_same_poll(tmp_path: Path) -> None:
    capture = tmp_path / "class.bcap"
    original = record(
        "--receiver",
        "sim://80?seed=3&speed=200&loss=0.1",
        "--db",
        str(tmp_path / "a.db"),
        "--capture",
        str(capture),
    )
    replayed = record("--receiver", f"replay://{capture}?speed=max", "--db", str(tmp_path / "b.db"))
    for key in ("counts", "voters", "votes", "duplicates", "invalid", "heard"):
        assert replayed[key] == original[key], key
    assert stat.S_IMODE(capture.stat().st_mode) == 0o600


@pytest.mark.parametrize("name", ["lecture-300-revotes.cap.gz", "unplug-mid-poll.cap.gz"])
def test_capture_convert_both_ways_keeps_every_entry(tmp_path: Path, name: str) -> None:
    runner = CliRunner()
    binary, back = tmp_path / "class.bcap", tmp_path / "again.cap"
    first = runner.invoke(main, ["capture", "convert", str(DATA / name), str(binary)])
    assert first.exit_code == 0, first.output
    second = runner.invoke(main, ["capture", "convert", str(binary), str(back)])
    assert second.exit_code == 0, second.output
    original = heard(DATA / name)
    assert heard(binary) == original
    assert heard(back) == original
    copies = sum(1 for entry in original if len(entry) == 7)  # type: ignore[arg-type]
    assert first.output.strip() == f"wrote {copies} packets to {binary}"
    assert binary.stat().st_size * 3 < back.stat().st_size  # compact
    assert stat.S_IMODE(binary.stat().st_mode) == 0o600


def test_an_unplug_in_a_binary_capture_replays_as_a_receiver_away(tmp_path: Path) -> None:
    from tests.test_replay import SHIPPED, replay_all

    binary = tmp_path / "unplug.bcap"
    result = CliRunner().invoke(
        main, ["capture", "convert", str(DATA / "unplug-mid-poll.cap.gz"), str(binary)]
    )
    assert result.exit_code == 0, result.output
    results, receiver = replay_all(binary, tmp_path / "r.db")
    truth = SHIPPED["unplug-mid-poll.cap.gz"].truth()
    assert [r["counts"] for r in results] == [t["counts"] for t in truth]
    assert [r["heard"] for r in results] == [t["copies_heard"] for t in truth]
    assert receiver.reconnects == 1


def test_a_cut_short_binary_capture_is_one_line_naming_its_byte(tmp_path: Path) -> None:
    whole = tmp_path / "class.bcap"
    CliRunner().invoke(main, ["simulate", "--capture", str(whole), "--students", "30"])
    data = whole.read_bytes()
    cut = tmp_path / "cut.bcap"
    cut.write_bytes(data[:-3])
    result = CliRunner().invoke(
        main, ["record", "--receiver", f"replay://{cut}", "--db", str(tmp_path / "c.db")]
    )
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert result.exit_code != 0 and len(errors) == 1, result.output
    assert "the block at byte" in errors[0] and "cut short" in errors[0]
    assert "Traceback" not in result.output


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(0, 10**6), st.binary(max_size=8))
def test_a_binary_capture_cut_or_spoiled_anywhere_reads_or_says_why(
    tmp_path: Path, where: int, junk: bytes
) -> None:
    path = tmp_path / "c.bcap"
    write(
        path,
        [
            "poll-open",
            [(("iclicker-air", b"\x14\x8c\x29\x75\x3e", "r", 1.5, None, -60, None), 2)],
            "poll-close",
        ],
    )
    data = path.read_bytes()
    at = where % (len(data) + 1)
    path.write_bytes(data[:at] + junk)
    try:
        _, entries = read_capture(path)
    except CaptureError as error:
        assert str(error) and "\n" not in str(error)
    else:
        assert all(isinstance(e, (CapturedPacket, CaptureEvent)) for e in entries)


def test_a_recorder_killed_mid_poll_leaves_a_binary_capture_that_replays(tmp_path: Path) -> None:
    import signal

    from tests.helpers import committed_votes, start_record, wait_for

    db, capture = tmp_path / "class.db", tmp_path / "class.bcap"
    recorder = start_record(
        "--receiver", "sim://300?seed=5&speed=8&end=0", "--db", str(db), "--capture", str(capture)
    )
    wait_for(lambda: db.exists() and committed_votes(db) > 20, what="votes")
    recorder.send_signal(signal.SIGKILL)
    recorder.communicate(timeout=10)
    _, entries = read_capture(capture)  # whole blocks only: nothing cut short
    copies = sum(e.packet.copies for e in entries if isinstance(e, CapturedPacket))
    assert copies >= 20
    replayed = record(
        "--receiver", f"replay://{capture}?speed=max", "--db", str(tmp_path / "again.db")
    )
    assert replayed["heard"] == copies


def test_capture_convert_of_a_damaged_file_or_to_a_missing_folder_is_one_line(
    tmp_path: Path,
) -> None:
    cut = tmp_path / "cut.cap.gz"
    cut.write_bytes((DATA / "noisy-room.cap.gz").read_bytes()[:500])
    runner = CliRunner()
    for source, target, message in [
        (cut, tmp_path / "out.bcap", "damaged or cut short"),
        (DATA / "noisy-room.cap.gz", tmp_path / "no" / "such" / "out.bcap", "cannot write"),
    ]:
        result = runner.invoke(main, ["capture", "convert", str(source), str(target)])
        errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
        assert result.exit_code == 1 and len(errors) == 1 and message in errors[0], result.output
        assert "Traceback" not in result.output
        assert not target.exists()


def test_capture_convert_onto_a_full_disk_says_so_and_leaves_no_half_file(tmp_path: Path) -> None:
    import resource
    import subprocess

    from tests.conftest import cli_command, cli_env

    def limited() -> None:  # every file the command writes stops growing here
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))

    source, target = DATA / "lecture-300-revotes.cap.gz", tmp_path / "lecture.cap"
    done = subprocess.run(
        cli_command("capture", "convert", str(source), str(target)),
        capture_output=True,
        text=True,
        env=cli_env(),
        preexec_fn=limited,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith("Error: cannot write") and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not target.exists()
