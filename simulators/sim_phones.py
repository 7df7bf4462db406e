"""``sim://300?phones=50``: fifty of the class vote on phones instead of clickers, in
the same process (no HTTP), so CI replays mixed classes and their captures. Each of
those students' first copy of an answer becomes a phone vote (a phone sends once);
the voter is the phone handset a student without a clicker has."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from drivers.packets import PacketKind, RawPacket
from firmware_protocol.iclicker_air import AirPayloadError, decode_air_payload
from firmware_protocol.phone import encode_phone_vote
from simulators.classroom import ClassroomModel
from simulators.scenario import ClassScenario


def phone_voter_of(handset: str) -> str:
    return "P-" + hashlib.sha256(handset.encode()).hexdigest()[:10].upper()


class PhoneMix:
    def __init__(self, scenario: ClassScenario, phones: int, receiver: str) -> None:
        handsets = (
            ClassroomModel(scenario.students, seed=scenario.seed).handsets[:phones]
            if phones and scenario.radio == "iclicker"
            else []
        )
        self.students = {handset: phone_voter_of(handset) for handset in handsets}
        self.receiver = f"{receiver} (phones)"
        self.sent: set[tuple[str, str]] = set()

    def convert(self, packets: Sequence[RawPacket]) -> list[RawPacket]:
        out: list[RawPacket] = []
        for packet in packets:
            if packet.kind is not PacketKind.ICLICKER_AIR:
                out.append(packet)
                continue
            try:
                handset, answer = decode_air_payload(packet.payload)
            except AirPayloadError:
                out.append(packet)
                continue
            voter = self.students.get(handset)
            if voter is None:
                out.append(packet)
            elif answer in "ABCDE" and (voter, answer) not in self.sent:
                self.sent.add((voter, answer))
                payload = encode_phone_vote(voter, answer)
                out.append(
                    RawPacket(PacketKind.PHONE_VOTE, payload, self.receiver, packet.host_time)
                )
        return out
