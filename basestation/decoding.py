"""Raw packets from any driver to (handset, answer), through the pure codecs."""

from __future__ import annotations

from drivers.packets import PacketKind, RawPacket
from firmware_protocol.iclicker_air import AirPacket, AirPayloadError, CachedAirDecoder
from firmware_protocol.iclicker_base import decode_vote_payload
from firmware_protocol.iskipper import IskipperLineError, parse_iskipper_line


class PacketDecodeError(ValueError):
    """A packet that carries no valid vote."""


class PacketDecoder:
    def __init__(self) -> None:
        self.air = CachedAirDecoder()

    def decode(self, packet: RawPacket) -> AirPacket:
        """The vote or ping in ``packet``; raises :class:`PacketDecodeError`."""
        try:
            if packet.kind is PacketKind.ICLICKER_AIR:
                return self.air.decode(packet.payload)
            if packet.kind is PacketKind.BASE_RECORD:
                return AirPacket(*decode_vote_payload(packet.payload))
            if packet.kind is PacketKind.ISKIPPER_LINE:
                decoded = parse_iskipper_line(packet.payload)
                if decoded is None:
                    raise PacketDecodeError(f"not a vote line: {packet.payload!r}")
                return decoded
        except (AirPayloadError, IskipperLineError, ValueError) as error:
            raise PacketDecodeError(str(error)) from error
        raise PacketDecodeError(f"no decoder for packets of kind {packet.kind}")
