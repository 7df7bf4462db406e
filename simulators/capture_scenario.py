"""Write a capture straight from a simulated class, with no clock: the files CI replays."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from drivers.capture import open_capture
from drivers.packets import PacketKind, RawPacket
from simulators.scenario import ClassScenario

RECEIVER_LABEL = "link:0000BA5E"
CLOSE_AFTER_LAST_S = 2.0
DISCUSSION_S = 20.0
START_EPOCH = 1_790_000_000.0


@dataclass(frozen=True)
class Unplug:
    """The receiver is away from ``at`` for ``seconds`` (class time) in ``round_index``."""

    round_index: int
    at: float
    seconds: float


def write_scenario_capture(
    path: Path, scenario: ClassScenario, unplug: Unplug | None = None
) -> int:
    """Every round of ``scenario`` as a capture; returns the number of packets written."""
    writer = open_capture(path, RECEIVER_LABEL, started_at=START_EPOCH)
    clock, written = START_EPOCH, 0
    try:
        for index, scheduled in enumerate(scenario.rounds()):
            writer.event("poll-open", clock)
            times = [t.time for t in scheduled.transmissions]
            if unplug is not None and unplug.round_index == index:
                back = unplug.at + unplug.seconds
                # handsets keep retransmitting while nobody answers: all heard, in their
                # original order, the moment it is back
                times = [back if unplug.at <= t < back else t for t in times]
                writer.event("gone", clock + unplug.at)
                writer.event("back", clock + back)
            kind = (
                PacketKind.TURNINGPOINT_FRAME
                if scenario.radio == "turningpoint"
                else PacketKind.ICLICKER_AIR
            )
            packets = [
                RawPacket(kind, t.payload, RECEIVER_LABEL, clock + at, int(at * 1e6))
                for t, at in zip(scheduled.transmissions, times, strict=True)
            ]
            packets.sort(key=lambda packet: packet.host_time)
            writer.packets(packets)
            written += len(packets)
            end = max(times, default=0.0) + CLOSE_AFTER_LAST_S
            writer.event("poll-close", clock + end)
            clock += end + DISCUSSION_S
    finally:
        writer.close()
    return written
