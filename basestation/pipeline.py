"""Raw packets to votes: decode each packet and offer it to the vote buffer.

This is the hot path of the base station; the pipeline benchmark measures it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from basestation.decoding import PacketDecodeError, PacketDecoder
from basestation.votes import VoteBuffer
from drivers.packets import PacketKind, RawPacket
from firmware_protocol.iclicker_air import PING

log = logging.getLogger(__name__)


class VotePipeline:
    """Decoder in front of a :class:`VoteBuffer`; counts pings and packets."""

    def __init__(self, buffer: VoteBuffer) -> None:
        self.buffer = buffer
        self.decoder = PacketDecoder()
        self.packets = 0
        self.pings = 0

    def ingest(self, packets: Sequence[RawPacket]) -> None:
        self.packets += len(packets)
        air_lookup = self.decoder.air.lookup
        offer = self.buffer.offer
        air = PacketKind.ICLICKER_AIR
        for packet in packets:
            kind, payload, receiver, host_time, receiver_time_us, _rssi = packet
            if kind is air:
                decoded = air_lookup(payload)
                if isinstance(decoded, str):
                    log.debug("dropped packet: %s", decoded)
                    self.buffer.count_invalid()
                    continue
            else:
                try:
                    decoded = self.decoder.decode(packet)
                except PacketDecodeError as error:
                    log.debug("dropped packet: %s", error)
                    self.buffer.count_invalid()
                    continue
            handset, answer = decoded
            if answer == PING:
                self.pings += 1
                continue
            offer(handset, answer, receiver, host_time, receiver_time_us)
