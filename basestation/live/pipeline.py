"""Raw packets to votes: decode each packet and offer it to the vote buffer.

This is the hot path of the base station; the pipeline benchmark measures it.
Every counting rule is the buffer's; this module only decodes and drops pings.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from basestation.live.decoding import PING, PacketDecodeError, PacketDecoder
from basestation.live.votes import VoteBuffer
from drivers.packets import PacketKind, RawPacket

log = logging.getLogger(__name__)
_AIR, _RECORD = PacketKind.ICLICKER_AIR, PacketKind.BASE_RECORD
_CONFIDENCE = PacketKind.PHONE_CONFIDENCE


class VotePipeline:
    """Decoder in front of a :class:`VoteBuffer`; counts the packets it was handed."""

    def __init__(self, buffer: VoteBuffer) -> None:
        self.buffer = buffer
        self.decoder = PacketDecoder()
        self.packets = 0
        # bound once: a USB base hands on two records a read, so what each call sets up
        # costs as much as the records themselves
        self._lookup_air = self.decoder.lookup_air
        self._lookup_record = self.decoder.lookup_record
        self._offer = buffer.offer
        self.on_confidence: Callable[[str, str], None] | None = None
        """Told of a phone's (voter, confidence) for its vote in the open poll."""

    def ingest(self, packets: Sequence[RawPacket]) -> None:
        decoder, buffer, offer = self.decoder, self.buffer, self._offer
        lookup_air, lookup_record = self._lookup_air, self._lookup_record
        memo_get, record_get = decoder.memo.get, decoder.record_memo.get  # renewed by turns
        air, record, ping = _AIR, _RECORD, PING
        heard = 0
        for packet in packets:
            kind, payload, receiver, host_time, receiver_time_us, _rssi, base_seq, copies = packet
            heard += copies
            if kind is air or kind is record:
                decoded = (
                    (memo_get(payload) or lookup_air(payload))
                    if kind is air
                    else (record_get(payload[:6]) or lookup_record(payload))
                )
                if isinstance(decoded, str):
                    log.debug("dropped packet: %s", decoded)
                    buffer.count_invalid(copies)
                    continue
            elif kind is _CONFIDENCE:
                self._confidence(packet)
                continue
            else:
                try:
                    decoded = decoder.decode(packet)
                except PacketDecodeError as error:
                    log.debug("dropped packet: %s", error)
                    buffer.count_invalid(copies)
                    continue
            handset, answer = decoded
            if answer == ping:
                continue
            outcome = offer(handset, answer, receiver, host_time, receiver_time_us, base_seq)
            if copies != 1:
                buffer.heard_again(outcome, copies - 1)
        self.packets += heard

    def _confidence(self, packet: RawPacket) -> None:
        try:
            voter, confidence = self.decoder.decode_confidence(packet)
        except PacketDecodeError as error:
            log.debug("dropped packet: %s", error)
            self.buffer.count_invalid(packet.copies)
            return
        if self.on_confidence is not None:
            self.on_confidence(voter, confidence)
