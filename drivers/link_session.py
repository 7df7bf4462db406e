"""The host side of receiver link v1: turns bytes into raw packets, commands into bytes."""

from __future__ import annotations

import logging
from dataclasses import asdict
from itertools import chain, compress
from operator import itemgetter, ne

from drivers.packets import PacketKind, RawPacket
from firmware_protocol.link import FrameType, LinkDecoder, encode_frame
from firmware_protocol.link_messages import (
    RADIO_HEADER,
    RADIO_TURNINGPOINT,
    RSSI_UNKNOWN,
    Hello,
    LinkBodyError,
    Reply,
    Status,
    parse_log,
)

log = logging.getLogger(__name__)
_PAYLOAD_START = 2 + RADIO_HEADER.size  # type and seq come first in a frame
_RADIO_MIN_FRAME = _PAYLOAD_START + 2
RADIO_PACKET = int(FrameType.RADIO_PACKET)
_frame_type = itemgetter(0)
_payload_of = itemgetter(slice(_PAYLOAD_START, -2))


class LinkSession:
    """State of one connection: the decoder, the device's HELLO and STATUS, command seq."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.decoder = LinkDecoder()
        self.hello: Hello | None = None
        self.hellos = 0
        """HELLOs received: one after each start of the device, and one per GET_INFO."""
        self.status: Status | None = None
        self.replies: list[Reply] = []
        self.bad_bodies = 0
        self.unknown_types = 0
        self._seq = 0

    @property
    def radio_kind(self) -> PacketKind:
        """What the receiver's radio hears, as its HELLO says (iClicker until then)."""
        if self.hello is not None and self.hello.radio == RADIO_TURNINGPOINT:
            return PacketKind.TURNINGPOINT_FRAME
        return PacketKind.ICLICKER_AIR

    @property
    def proven(self) -> bool:
        """A HELLO came: this is a link v1 receiver."""
        return self.hello is not None

    @property
    def receiver(self) -> str:
        return f"link:{self.hello.receiver_id:08X}" if self.hello else self.label

    def command(self, frame_type: FrameType, body: bytes = b"") -> bytes:
        frame = encode_frame(frame_type, self._seq, body)
        self._seq = (self._seq + 1) & 0xFF
        return frame

    def on_bytes(self, data: bytes, host_time: float) -> list[RawPacket]:
        """Every radio packet completed by ``data``; other frames update the session.
        The same payload heard again right after itself in this read is handed on once,
        with its number of copies."""
        raws = self.decoder.feed_raw(data)
        if not raws:
            return []
        if (
            bytes(map(_frame_type, raws)).count(RADIO_PACKET) != len(raws)
            or min(map(len, raws)) < _RADIO_MIN_FRAME
        ):
            return self._mixed_frames(raws, host_time)
        # The common read, radio packets only: copies found and counted in C, and one
        # packet built per run of copies
        payloads = list(map(_payload_of, raws))
        starts = list(compress(range(len(payloads)), map(ne, payloads, chain((None,), payloads))))
        ends = starts[1:]
        ends.append(len(payloads))
        receiver, air = self.receiver, self.radio_kind
        unpack, unknown_rssi, new_tuple = RADIO_HEADER.unpack_from, RSSI_UNKNOWN, tuple.__new__
        packets: list[RawPacket] = []
        for start, end in zip(starts, ends, strict=True):
            clock_us, rssi = unpack(raws[start], 2)
            # tuple.__new__ skips the named tuple's Python-level constructor: this runs
            # for every packet, hundreds of thousands of times a second in the benchmark
            packets.append(
                new_tuple(
                    RawPacket,
                    (
                        air,
                        payloads[start],
                        receiver,
                        host_time,
                        clock_us,
                        None if rssi == unknown_rssi else rssi,
                        None,
                        end - start,
                    ),
                )
            )
        return packets

    def _mixed_frames(self, raws: list[bytes], host_time: float) -> list[RawPacket]:
        """Frames one by one, in order: control frames change the receiver's label and
        radio for the packets after them."""
        packets: list[RawPacket] = []
        receiver, air = self.receiver, self.radio_kind
        for raw in raws:
            if raw[0] != RADIO_PACKET:
                self._control_frame(raw[0], raw[2:-2])
                receiver, air = self.receiver, self.radio_kind
            elif len(raw) < _RADIO_MIN_FRAME:
                self.bad_bodies += 1
            else:
                clock_us, rssi = RADIO_HEADER.unpack_from(raw, 2)
                packets.append(
                    RawPacket(
                        air,
                        raw[_PAYLOAD_START:-2],
                        receiver,
                        host_time,
                        clock_us,
                        None if rssi == RSSI_UNKNOWN else rssi,
                    )
                )
        return packets

    def _control_frame(self, frame_type: int, body: bytes) -> None:
        try:
            if frame_type == FrameType.HELLO:
                self.hello = Hello.parse(body)
                self.hellos += 1
                log.info("receiver %s: %s", self.receiver, asdict(self.hello))
            elif frame_type == FrameType.STATUS:
                self.status = Status.parse(body)
            elif frame_type == FrameType.REPLY:
                reply = Reply.parse(body)
                self.replies = [*self.replies[-15:], reply]
                if not reply.ok:
                    log.warning(
                        "receiver %s refused command %d: %s",
                        self.receiver,
                        reply.answered_seq,
                        reply.text,
                    )
            elif frame_type == FrameType.LOG:
                log.info("receiver %s says: %s", self.receiver, parse_log(body))
            else:
                self.unknown_types += 1
        except LinkBodyError as error:
            self.bad_bodies += 1
            log.warning("receiver %s: %s", self.receiver, error)

    def stats(self) -> dict[str, int]:
        stats = self.decoder.stats
        return {
            "frames": stats.frames,
            "bad_crc": stats.bad_crc,
            "bad_cobs": stats.bad_cobs,
            "too_short": stats.too_short,
            "too_long": stats.too_long,
            "bad_bodies": self.bad_bodies,
            "unknown_types": self.unknown_types,
            "receiver_dropped": self.status.packets_dropped if self.status else 0,
        }
