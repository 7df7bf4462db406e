"""The host side of receiver link v1: turns bytes into raw packets, commands into bytes."""

from __future__ import annotations

import logging
from dataclasses import asdict

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


class LinkSession:
    """State of one connection: the decoder, the device's HELLO and STATUS, command seq."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.decoder = LinkDecoder()
        self.hello: Hello | None = None
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
        """Every radio packet completed by ``data``; other frames update the session."""
        packets: list[RawPacket] = []
        receiver = self.receiver
        unpack = RADIO_HEADER.unpack_from
        air = self.radio_kind
        new_tuple = tuple.__new__
        radio, shortest, unknown_rssi = RADIO_PACKET, _RADIO_MIN_FRAME, RSSI_UNKNOWN
        for raw in self.decoder.feed_raw(data):
            if raw[0] == radio:
                if len(raw) < shortest:
                    self.bad_bodies += 1
                    continue
                clock_us, rssi = unpack(raw, 2)
                # tuple.__new__ skips the named tuple's Python-level constructor: this runs
                # once per frame, hundreds of thousands of times a second in the benchmark
                payload = raw[_PAYLOAD_START:-2]
                packets.append(new_tuple(RawPacket, (
                    air, payload, receiver, host_time, clock_us,
                    None if rssi == unknown_rssi else rssi, None)))
            else:
                self._control_frame(raw[0], raw[2:-2])
                receiver, air = self.receiver, self.radio_kind
        return packets

    def _control_frame(self, frame_type: int, body: bytes) -> None:
        try:
            if frame_type == FrameType.HELLO:
                self.hello = Hello.parse(body)
                log.info("receiver %s: %s", self.receiver, asdict(self.hello))
            elif frame_type == FrameType.STATUS:
                self.status = Status.parse(body)
            elif frame_type == FrameType.REPLY:
                reply = Reply.parse(body)
                self.replies = [*self.replies[-15:], reply]
                if not reply.ok:
                    log.warning("receiver %s refused command %d: %s", self.receiver,
                                reply.answered_seq, reply.text)
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
