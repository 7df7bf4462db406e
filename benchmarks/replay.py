"""Packets per second that ``replay://FILE?speed=max`` plays into the pipeline.

A capture of a lecture hall (1,000 handsets, each press heard 1-4 times, several
polls) is written with the project's own capture writer, as a binary capture
(``.bcap``, the target) and as JSON lines; the replay receiver then reads each and
plays every poll, and the packets go through decode, dedup and tally. The baseline,
in the same run, is the JSON reading alone: the standard library parsing each line.
Prints one JSON object.
``--record`` also times ``basestation record`` replaying a one-poll capture at 1,000
and 100,000 handsets, beside the loop above on the same file; ``--capture FILE`` times
both on a capture of your own (its first poll: what one ``record`` plays).
Run: ``uv run python benchmarks/replay.py [--packets N] [--record] [--capture FILE]``.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from basestation.live.pipeline import VotePipeline
from basestation.live.votes import VoteBuffer
from drivers.capture import open_capture
from drivers.packets import PacketKind, RawPacket, packets_heard
from drivers.registry import receiver_for_url
from firmware_protocol.handset_id import handset_id_from_bytes
from firmware_protocol.iclicker_air import ANSWERS, encode_air_payload

TARGET_PACKETS_PER_S = 500_000
POLLS = 4


def write_capture(path: Path, packets: int, handsets: int, seed: int, polls: int = 4) -> None:
    rng = random.Random(seed)
    ids = [
        handset_id_from_bytes(rng.randrange(256), rng.randrange(256), i % 256)
        for i in range(handsets)
    ]
    payloads = {(h, a): encode_air_payload(h, a) for h in ids for a in ANSWERS}
    writer = open_capture(path, "link:0000BEEF", started_at=0.0)
    per_poll, clock = packets // polls, 10.0
    for _ in range(polls):
        writer.event("poll-open", clock)
        batch: list[RawPacket] = []
        for made in range(per_poll):
            if made % 4 == 0 or not batch:
                clock += 0.0005
                handset, answer = rng.choice(ids), rng.choice(ANSWERS)
            batch.append(
                RawPacket(
                    PacketKind.ICLICKER_AIR,
                    payloads[handset, answer],
                    "link:0000BEEF",
                    clock,
                    int(clock * 1e6) & 0xFFFFFFFF,
                    -60,
                )
            )
            if rng.random() < 0.4:
                handset, answer = rng.choice(ids), rng.choice(ANSWERS)
        writer.packets(batch)
        clock += 1.0
        writer.event("poll-close", clock)
        clock += 30.0
    writer.close()


def replay(path: Path, polls: int = POLLS) -> tuple[float, int, int]:
    """Seconds from opening the receiver to the last packet tallied; packets; votes."""
    buffer = VoteBuffer()
    pipeline = VotePipeline(buffer)
    started = time.perf_counter()
    receiver = receiver_for_url(f"replay://{path}?speed=max")
    heard = votes = 0
    with receiver:
        for poll in range(polls):
            buffer.open(poll + 1)
            receiver.open_poll()
            while not receiver.round_finished:  # type: ignore[attr-defined]
                packets = receiver.read(0.01)
                heard += packets_heard(packets)
                pipeline.ingest(packets)
            votes += buffer.close().votes
            receiver.close_poll()
    return time.perf_counter() - started, heard, votes


def through_record(path: Path, folder: Path) -> float:
    """Seconds of ``basestation record`` replaying the (one-poll) capture into a new
    database, as a user runs it: a fresh process, start to summary."""
    db = folder / f"record-{path.suffix[1:]}.db"
    command = [sys.executable, "-m", "basestation", "record", "--db", str(db)]
    started = time.perf_counter()
    subprocess.run(
        [*command, "--receiver", f"replay://{path}?speed=max"],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def record_figures(packets: int, handsets: int, seed: int) -> dict[str, object]:
    """One poll of ``packets`` packets: the replay loop above and ``record``, each format."""
    figures: dict[str, object] = {"handsets": handsets, "packets": packets}
    with tempfile.TemporaryDirectory() as folder:
        for name in ("hall.bcap", "hall.cap"):
            path = Path(folder) / name
            write_capture(path, packets, handsets, seed, polls=1)
            figures[path.suffix[1:]] = loop_and_record(path, Path(folder))
    return figures


def loop_and_record(path: Path, folder: Path) -> dict[str, object]:
    """The first poll of the capture at ``path``: the replay loop, then ``record``."""
    loop_s, heard, _ = replay(path, polls=1)
    record_s = through_record(path, folder)
    return {
        "packets": heard,
        "replay_loop_packets_per_s": round(heard / loop_s),
        "record_packets_per_s": round(heard / record_s),
        "record_slower_by": round(record_s / loop_s, 2),
    }


def json_lines_alone(path: Path) -> float:
    started = time.perf_counter()
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            json.loads(line)
    return time.perf_counter() - started


def run(packets: int, handsets: int, seed: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder:
        binary, text = Path(folder) / "hall.bcap", Path(folder) / "hall.cap"
        write_capture(binary, packets, handsets, seed)
        write_capture(text, packets, handsets, seed)
        seconds, heard, votes = replay(binary)
        json_seconds, json_heard, json_votes = replay(text)
        lines_seconds = json_lines_alone(text)
        sizes = binary.stat().st_size, text.stat().st_size
    assert heard == json_heard == packets // POLLS * POLLS, "packets lost in the replay"
    assert votes == json_votes, "the two formats replay differently"
    rate, json_rate, lines_rate = heard / seconds, heard / json_seconds, heard / lines_seconds
    return {
        "benchmark": "replay",
        "packets": heard,
        "handsets": handsets,
        "votes_accepted": votes,
        "binary_capture_bytes": sizes[0],
        "json_capture_bytes": sizes[1],
        "seconds": round(seconds, 3),
        "packets_per_s": round(rate),
        "json_capture_packets_per_s": round(json_rate),
        "json_lines_alone_packets_per_s": round(lines_rate),
        "ratio_to_json_lines_alone": round(rate / lines_rate, 2),
        "json_capture_ratio_to_json_lines_alone": round(json_rate / lines_rate, 2),
        "target_packets_per_s": TARGET_PACKETS_PER_S,
        "meets_target": rate >= TARGET_PACKETS_PER_S,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--packets", type=int, default=400_000)
    parser.add_argument("--handsets", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--record",
        action="store_true",
        help="Also replay one poll through `basestation record` at 1,000 and 100,000 "
        "handsets, beside the replay loop on the same file.",
    )
    parser.add_argument(
        "--capture",
        type=Path,
        help="A capture file (.bcap, or JSON lines, maybe .gz) to time as well: the replay "
        "loop and `basestation record` on its first poll.",
    )
    args = parser.parse_args()
    result = run(args.packets, args.handsets, args.seed)
    if args.record:
        result["through_record"] = [
            record_figures(args.packets, handsets, args.seed) for handsets in (1_000, 100_000)
        ]
    if args.capture is not None:
        with tempfile.TemporaryDirectory() as folder:
            result["capture"] = {"file": str(args.capture)} | loop_and_record(
                args.capture.resolve(), Path(folder)
            )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
