"""Raw packets to votes: decode each packet and offer it to the vote buffer.

This is the hot path of the base station; the pipeline benchmark measures it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from basestation.decoding import PacketDecodeError, PacketDecoder
from basestation.votes import VoteBuffer
from drivers.packets import PacketKind, RawPacket
from firmware_protocol.iclicker_air import PING

log = logging.getLogger(__name__)


class VotePipeline:
    """Decoder in front of a :class:`VoteBuffer`; counts pings and packets.

    Presses of the ``instructor`` handset are handed to ``on_instructor`` (once per
    press, not per retransmission) and never counted as votes.
    """

    def __init__(self, buffer: VoteBuffer, instructor: str | None = None,
                 on_instructor: Callable[[str], None] | None = None) -> None:
        self.buffer = buffer
        self.decoder = PacketDecoder()
        self.packets = 0
        self.pings = 0
        self.instructor = instructor
        self.on_instructor = on_instructor
        self._instructor_last: tuple[str, float] = ("", float("-inf"))

    def ingest(self, packets: Sequence[RawPacket]) -> None:
        self.packets += len(packets)
        air_lookup = self.decoder.air.lookup
        memo_get = self.decoder.air.memo.get
        offer = self.buffer.offer
        air = PacketKind.ICLICKER_AIR
        resent = PacketKind.BASE_RESENT
        ping, instructor = PING, self.instructor
        for packet in packets:
            kind, payload, receiver, host_time, receiver_time_us, _rssi = packet
            if kind is air:
                decoded = memo_get(payload) or air_lookup(payload)
                if isinstance(decoded, str):
                    log.debug("dropped packet: %s", decoded)
                    self.buffer.count_invalid()
                    continue
            elif kind is resent:
                self.buffer.count_duplicate()
                continue
            else:
                try:
                    decoded = self.decoder.decode(packet)
                except PacketDecodeError as error:
                    log.debug("dropped packet: %s", error)
                    self.buffer.count_invalid()
                    continue
            handset, answer = decoded
            if answer == ping:
                self.pings += 1
                continue
            if handset == instructor:
                self._instructor_press(answer, host_time)
                continue
            offer(handset, answer, receiver, host_time, receiver_time_us)

    def _instructor_press(self, answer: str, host_time: float) -> None:
        last_answer, last_time = self._instructor_last
        self._instructor_last = (answer, host_time)
        if answer == last_answer and host_time - last_time <= self.buffer.window_s:
            return  # a retransmission of the same press
        if self.on_instructor is not None:
            self.on_instructor(answer)
