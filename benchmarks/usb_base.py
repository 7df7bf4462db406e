"""USB base reports -> the driver's records -> decode seam -> VoteBuffer, per record.

The real driver code (pyusb's receiver, its report parser) and the real pipeline,
fed 64-byte reports as a newer base pushes them (two records each), for a class
that presses and changes its mind. Beside it, in the same run, a plain loop doing
the same work: split the report, decode each record from scratch, offer it.
Prints one JSON object: the pure-Python path, and beside it the compiled one when it
is built (``basestation hot-path build``), each in a process of its own.
Run: ``uv run python benchmarks/usb_base.py [--records N]``.
"""

from __future__ import annotations

import argparse
import json
import random
import time

import hot_path_modes  # first: a pure run hides the compiled modules

from basestation.live.pipeline import VotePipeline
from basestation.live.votes import VoteBuffer
from drivers.iclicker_usb import IClickerReceiver
from drivers.url import parse_receiver_url
from firmware_protocol.handset_id import handset_id_from_bytes
from firmware_protocol.iclicker_air import ANSWERS
from firmware_protocol.iclicker_base import (
    RECORD_BYTES,
    VoteRecord,
    decode_record,
    encode_pushed_record,
)
from simulators.usb_backend import EmulatedBaseBackend

TARGET_US_PER_RECORD = 1.5


def make_reports(records: int, handsets: int, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    ids = [
        handset_id_from_bytes(rng.randrange(256), rng.randrange(256), i % 256)
        for i in range(handsets)
    ]
    made = [
        encode_pushed_record(VoteRecord(rng.choice(ids), rng.choice(ANSWERS), seq & 0xFF))
        for seq in range(records)
    ]
    return [made[i] + made[i + 1] for i in range(0, records - 1, 2)]


def plain_us_per_record(reports: list[bytes]) -> float:
    buffer = VoteBuffer(window_s=2.0)
    buffer.open(1)
    started = time.perf_counter()
    count = 0
    for report in reports:
        for start in (0, RECORD_BYTES):
            raw = report[start : start + 7]
            handset, answer = decode_record(raw)
            buffer.offer(handset, answer, "bench", 0.0, None, raw[6])
            count += 1
    return (time.perf_counter() - started) / count * 1e6


def run(records: int, handsets: int, seed: int) -> dict[str, object]:
    reports = make_reports(records, handsets, seed)
    receiver = IClickerReceiver(parse_receiver_url("iclicker://"), backend=EmulatedBaseBackend())
    buffer = VoteBuffer(window_s=2.0)
    buffer.open(1)
    pipeline = VotePipeline(buffer)
    started = time.perf_counter()
    for report in reports:
        pipeline.ingest(receiver._packets(report, 0.0))  # the driver's own record path
    elapsed = time.perf_counter() - started
    count = 2 * len(reports)
    assert buffer.heard == count, "records lost"
    per_record = elapsed / count * 1e6
    plain = plain_us_per_record(reports)
    return {
        "benchmark": "usb_base",
        "hot_path": "compiled" if hot_path_modes.loaded_compiled(VoteBuffer) else "pure",
        "records": count,
        "handsets": handsets,
        "us_per_record": round(per_record, 3),
        "plain_loop_us_per_record": round(plain, 3),
        "vs_plain_loop": round(plain / per_record, 2),
        "votes_accepted": buffer.votes,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=400_000)
    parser.add_argument("--handsets", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if hot_path_modes.is_child():
        print(json.dumps(run(args.records, args.handsets, args.seed)))
        return
    result = hot_path_modes.pure_and_compiled(
        __file__,
        "us_per_record",
        TARGET_US_PER_RECORD,
        higher_is_better=False,
        also=("vs_plain_loop",),
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
