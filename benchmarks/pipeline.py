"""Link bytes -> frame decode -> air payload decode -> VoteBuffer -> tallies, on one core.

Prints one JSON object. Ratios compare the rate with what the hardware can deliver,
with the same frames decoded the naive way (an object per frame, through the
project's classes), with a plain loop doing the same work inline, and with that loop
using the ``cobs`` package's C decoder. The pure-Python path is measured in a process
of its own; when the compiled hot path is built (``basestation hot-path build``), so
is the compiled one (``compiled_frames_per_s``), from the same checkout.
Run: ``uv run python benchmarks/pipeline.py [--frames N] [--handsets N]``.
"""

from __future__ import annotations

import argparse
import binascii
import json
import random
import time

import hot_path_modes  # first: a pure run hides the compiled modules
from cobs.cobs import DecodeError as CDecodeError  # type: ignore[import-untyped]
from cobs.cobs import decode as c_cobs_decode  # type: ignore[import-untyped]

from basestation.live.pipeline import VotePipeline
from basestation.live.votes import VoteBuffer
from drivers.link_session import LinkSession
from firmware_protocol.cobs import cobs_decode
from firmware_protocol.handset_id import handset_id_from_bytes
from firmware_protocol.iclicker_air import (
    ANSWERS,
    AirPayloadError,
    decode_air_payload,
    encode_air_payload,
)
from firmware_protocol.link import FrameType, LinkDecoder, encode_frame
from firmware_protocol.link_messages import RADIO_HEADER, RadioPacket

TARGET_FRAMES_PER_S = 2_000_000
TARGET_VS_PLAIN_LOOP = 1.5
USB_BASE_CEILING_VOTES_PER_S = 2_000
VENDOR_RATED_VOTES_PER_S = 750
SERIAL_115200_BYTES_PER_S = 11_520
READ_CHUNK_BYTES = 4_096


def make_stream(frames: int, handsets: int, seed: int) -> bytes:
    """A receiver's byte stream: each press heard 1-4 times, some minds changed."""
    rng = random.Random(seed)
    ids = [
        handset_id_from_bytes(rng.randrange(256), rng.randrange(256), i % 256)
        for i in range(handsets)
    ]
    payloads = {(h, a): encode_air_payload(h, a) for h in ids for a in ANSWERS}
    out = bytearray()
    made, clock = 0, 0
    while made < frames:
        handset, answer = rng.choice(ids), rng.choice(ANSWERS)
        for _ in range(rng.randint(1, 4)):
            clock += rng.randint(200, 3_000)
            body = RadioPacket(clock & 0xFFFFFFFF, -60, payloads[handset, answer]).encode()
            out += encode_frame(FrameType.RADIO_PACKET, made & 0xFF, body)
            made += 1
            if made == frames:
                break
    return bytes(out)


def naive_frames_per_s(chunks: list[bytes], frames: int) -> float:
    """The same work done the obvious way: a typed object per frame, every payload
    decoded from scratch. Measured in the same run, so the ratio says what the hot
    path's choices buy on whatever machine runs it."""
    decoder = LinkDecoder()
    buffer = VoteBuffer(window_s=2.0)
    buffer.open(1)
    started = time.perf_counter()
    for chunk in chunks:
        for frame in decoder.feed(chunk):
            if frame.type != FrameType.RADIO_PACKET:
                continue
            packet = RadioPacket.parse(frame.body)
            try:
                handset, answer = decode_air_payload(packet.payload)
            except AirPayloadError:
                buffer.count_invalid()
                continue
            buffer.offer(handset, answer, "bench", 0.0, packet.clock_us)
    elapsed = time.perf_counter() - started
    assert buffer.heard == frames
    return frames / elapsed


def loop_frames_per_s(
    chunks: list[bytes], frames: int, window_s: float, *, shortcuts: bool, c_cobs: bool = False
) -> float:
    """The same work as one loop with the buffer's rules inline on dictionaries.

    Without ``shortcuts`` it is the plain loop a newcomer would write (every block
    through the COBS decoder, every payload decoded); with them, a COBS block whose
    code byte is its length is taken as the frame and each payload is decoded once.
    ``c_cobs``: every block through the ``cobs`` package's C decoder instead.
    """
    decoded: dict[bytes, tuple[str, str] | None] = {}
    latest: dict[str, str] = {}
    heard_at: dict[str, float] = {}
    counts = dict.fromkeys(ANSWERS, 0)
    heard = votes = duplicates = invalid = 0
    pending, host_time = b"", 0.0
    crc = binascii.crc_hqx
    started = time.perf_counter()
    for chunk in chunks:
        host_time += 0.001
        blocks = (pending + chunk).split(b"\x00")
        pending = blocks.pop()
        for block in blocks:
            if not block:
                continue
            if c_cobs:
                try:
                    raw = c_cobs_decode(block)
                except CDecodeError:
                    continue
            else:
                raw = block[1:] if shortcuts and block[0] == len(block) else cobs_decode(block)
            if len(raw) < 9 or crc(raw, 0xFFFF) or raw[0] != FrameType.RADIO_PACKET:
                continue
            _clock_us, _rssi = RADIO_HEADER.unpack_from(raw, 2)
            heard += 1
            payload = raw[7:-2]
            vote = decoded.get(payload, False) if shortcuts else False
            if vote is False:
                try:
                    vote = decoded[payload] = tuple(decode_air_payload(payload))
                except AirPayloadError:
                    vote = decoded[payload] = None
            if vote is None:
                invalid += 1
                continue
            handset, answer = vote
            previous = latest.get(handset)
            if previous == answer:
                last_heard, heard_at[handset] = heard_at[handset], host_time
                if host_time - last_heard <= window_s:
                    duplicates += 1
                    continue
            else:
                if previous is not None:
                    counts[previous] -= 1
                counts[answer] += 1
                latest[handset], heard_at[handset] = answer, host_time
            votes += 1
    elapsed = time.perf_counter() - started
    assert heard == frames == votes + duplicates + invalid
    return frames / elapsed


def run(frames: int, handsets: int, seed: int) -> dict[str, object]:
    stream = make_stream(frames, handsets, seed)
    session = LinkSession("bench")
    buffer = VoteBuffer(window_s=2.0)
    buffer.open(1)
    pipeline = VotePipeline(buffer)
    chunks = [stream[i : i + READ_CHUNK_BYTES] for i in range(0, len(stream), READ_CHUNK_BYTES)]
    host_time = 0.0
    started = time.perf_counter()
    for chunk in chunks:
        host_time += 0.001
        pipeline.ingest(session.on_bytes(chunk, host_time))
    elapsed = time.perf_counter() - started
    snapshot = buffer.snapshot()
    assert snapshot.heard == frames == session.decoder.stats.frames, "frames lost in the pipeline"
    frames_per_s = frames / elapsed
    naive = naive_frames_per_s(chunks, frames)
    plain = loop_frames_per_s(chunks, frames, buffer.window_s, shortcuts=False)
    inlined = loop_frames_per_s(chunks, frames, buffer.window_s, shortcuts=True)
    c_loop = loop_frames_per_s(chunks, frames, buffer.window_s, shortcuts=False, c_cobs=True)
    bytes_per_frame = len(stream) / frames
    serial_ceiling = SERIAL_115200_BYTES_PER_S / bytes_per_frame
    return {
        "benchmark": "pipeline",
        "hot_path": "compiled" if hot_path_modes.loaded_compiled(VoteBuffer) else "pure",
        "frames": frames,
        "handsets": handsets,
        "seconds": round(elapsed, 3),
        "frames_per_s": round(frames_per_s),
        "votes_accepted": snapshot.votes,
        "duplicates": snapshot.duplicates,
        "voters": snapshot.voters,
        "bytes_per_frame": round(bytes_per_frame, 2),
        "naive_frames_per_s": round(naive),
        "ratio_to_naive": round(frames_per_s / naive, 2),
        "plain_loop_frames_per_s": round(plain),
        "vs_plain_loop": round(frames_per_s / plain, 2),
        "inlined_loop_frames_per_s": round(inlined),
        "vs_inlined_loop": round(frames_per_s / inlined, 2),
        "c_cobs_loop_frames_per_s": round(c_loop),
        "vs_c_cobs_loop": round(frames_per_s / c_loop, 2),
        "ratio_to_usb_base_ceiling": round(frames_per_s / USB_BASE_CEILING_VOTES_PER_S, 1),
        "ratio_to_vendor_rating": round(frames_per_s / VENDOR_RATED_VOTES_PER_S, 1),
        "ratio_to_115200_baud_link": round(frames_per_s / serial_ceiling, 1),
        "core_share_at_usb_ceiling": round(USB_BASE_CEILING_VOTES_PER_S / frames_per_s, 5),
        "target_vs_plain_loop": TARGET_VS_PLAIN_LOOP,
        "meets_target": frames_per_s / plain >= TARGET_VS_PLAIN_LOOP and frames_per_s >= c_loop,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--frames", type=int, default=1_000_000)
    parser.add_argument("--handsets", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if hot_path_modes.is_child():
        print(json.dumps(run(args.frames, args.handsets, args.seed)))
        return
    result = hot_path_modes.pure_and_compiled(
        __file__,
        "frames_per_s",
        TARGET_FRAMES_PER_S,
        higher_is_better=True,
        also=("vs_inlined_loop",),
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
