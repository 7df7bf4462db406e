"""A receiver on the other end of a pseudo-terminal, in a process of its own: link v1
frames of ``--handsets`` handsets at ``--rate`` per second, one frame per write, as a
receiver's USB serial port hands them over (each arrives on its own, so a driver
blocked on the port wakes once per packet). Its own CPU is not the dashboard's.

Run by ``benchmarks/dashboard.py``; ``--fd`` is the pty's master end, inherited.
"""

from __future__ import annotations

import argparse
import os
import random
import select
import time

from firmware_protocol.handset_id import handset_id_from_bytes
from firmware_protocol.iclicker_air import ANSWERS, encode_air_payload
from firmware_protocol.link import FrameType, encode_frame
from firmware_protocol.link_messages import Hello, RadioPacket

FRAMES = 20_000


def payloads(handsets: int, seed: int) -> list[bytes]:
    """Air payloads of ``handsets`` handsets changing their minds."""
    rng = random.Random(seed)
    ids = [
        handset_id_from_bytes(rng.randrange(256), rng.randrange(256), i % 256)
        for i in range(handsets)
    ]
    return [encode_air_payload(rng.choice(ids), rng.choice(ANSWERS)) for _ in range(FRAMES)]


def radio_frame(number: int, clock_us: int, payload: bytes) -> bytes:
    return encode_frame(
        FrameType.RADIO_PACKET, number & 0xFF, RadioPacket(clock_us, -50, payload).encode()
    )


def frames(handsets: int, seed: int) -> list[bytes]:
    """Ready-made frames (their clock is their number)."""
    return [radio_frame(i, i, payload) for i, payload in enumerate(payloads(handsets, seed))]


def feed(fd: int, rate: float, handsets: int, seed: int, epoch: float) -> None:
    """HELLO, then paced frames until the host closes its end (or this is killed). Each
    frame's receiver clock is when it was written: microseconds of the monotonic clock
    (shared by the processes of one machine) since ``epoch``."""
    paced = payloads(handsets, seed)
    hello = encode_frame(FrameType.HELLO, 0, Hello(1, (1, 0, 0), 0xBE7C4, 0, "AA").encode())
    started, sent = time.monotonic(), 0
    while True:
        readable, _, _ = select.select([fd], [], [], 0)
        if readable:  # the host's commands: GET_INFO (answered with HELLO), OPEN_POLL
            try:
                if FrameType.GET_INFO.to_bytes(1, "big") in os.read(fd, 4096):
                    os.write(fd, hello)
            except OSError:
                return
        due = int((time.monotonic() - started) * rate)
        if sent >= due:
            time.sleep(
                0.1 if rate <= 0 else max(0.0, (sent + 1) / rate - (time.monotonic() - started))
            )
            continue
        clock_us = int((time.monotonic() - epoch) * 1e6)
        try:
            os.write(fd, radio_frame(sent, clock_us, paced[sent % FRAMES]))
        except OSError:
            return
        sent += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fd", type=int, required=True)
    parser.add_argument("--rate", type=float, required=True)
    parser.add_argument("--handsets", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--epoch", type=float, required=True, help="a time.monotonic() value")
    args = parser.parse_args()
    feed(args.fd, args.rate, args.handsets, args.seed, args.epoch)


if __name__ == "__main__":
    main()
