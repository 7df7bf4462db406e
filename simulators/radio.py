"""The radio between handsets and a receiver (iClicker 900 MHz or TurningPoint 2.4 GHz):
retransmissions, loss, corruption, devices that are no handset."""

from __future__ import annotations

import random
from dataclasses import dataclass

from firmware_protocol import turningpoint
from firmware_protocol.iclicker_air import encode_air_payload
from simulators.classroom import LETTERS, Press

ICLICKER = "iclicker"
TURNINGPOINT = "turningpoint"
RADIOS = (ICLICKER, TURNINGPOINT)


def payload_for(radio: str, handset: str, answer: str) -> bytes:
    """What the handset sends for ``answer`` (A-E): an iClicker air payload, or a
    ResponseCard frame of key 1..5."""
    if radio == TURNINGPOINT:
        return turningpoint.encode_frame(handset, turningpoint.KEY_LABELS[LETTERS.index(answer)])
    return encode_air_payload(handset, answer)


@dataclass(frozen=True, slots=True)
class Transmission:
    """One copy of a press as the receiver hears it (``payload`` may be corrupted)."""

    time: float
    handset: str
    answer: str
    payload: bytes
    intact: bool


@dataclass(frozen=True)
class RadioModel:
    """Each press is sent ``1..max_copies`` times, ``spacing_s`` apart (a handset
    retransmits until acknowledged). Each copy is lost with probability ``loss``
    or arrives with one flipped bit with probability ``corrupt``. A handset stops
    retransmitting an answer once its student presses another button.
    """

    loss: float = 0.0
    corrupt: float = 0.0
    max_copies: int = 3
    spacing_s: float = 0.06
    rogue: float = 0.0
    """Share of extra packets from devices that are no valid handset: the checksum
    is right but the answer nibble means nothing (counted as invalid, never a vote)."""
    radio: str = ICLICKER

    def transmit(self, presses: tuple[Press, ...] | list[Press], seed: int) -> list[Transmission]:
        """Every copy the receiver hears, in time order."""
        rng = random.Random(seed)
        next_press_time = _next_press_times(presses)
        heard: list[Transmission] = []
        for index, press in enumerate(presses):
            payload = payload_for(self.radio, press.handset, press.answer)
            stop = next_press_time[index]
            for copy in range(rng.randint(1, self.max_copies)):
                at = press.time + copy * self.spacing_s * rng.uniform(0.7, 1.3)
                if at >= stop:
                    break
                if rng.random() < self.loss:
                    continue
                if rng.random() < self.corrupt:
                    heard.append(
                        Transmission(
                            at, press.handset, press.answer, _flip_one_bit(payload, rng), False
                        )
                    )
                else:
                    heard.append(Transmission(at, press.handset, press.answer, payload, True))
        for _ in range(round(len(presses) * self.rogue)):
            heard.append(_rogue_transmission(rng, presses, self.radio))
        heard.sort(key=lambda t: t.time)
        return heard


def heard_final_answers(transmissions: list[Transmission]) -> dict[str, str]:
    """Ground truth: per handset, the answer of the last intact copy heard."""
    latest: dict[str, str] = {}
    for transmission in transmissions:
        if transmission.intact:
            latest[transmission.handset] = transmission.answer
    return latest


def _next_press_times(presses: tuple[Press, ...] | list[Press]) -> list[float]:
    following: dict[str, float] = {}
    result = [0.0] * len(presses)
    for index in range(len(presses) - 1, -1, -1):
        press = presses[index]
        result[index] = following.get(press.handset, float("inf"))
        following[press.handset] = press.time
    return result


def _flip_one_bit(payload: bytes, rng: random.Random) -> bytes:
    corrupted = bytearray(payload)
    bit = rng.randrange(len(payload) * 8)
    corrupted[bit // 8] ^= 1 << (bit % 8)
    return bytes(corrupted)


def _rogue_transmission(
    rng: random.Random, presses: tuple[Press, ...] | list[Press], radio: str = ICLICKER
) -> Transmission:
    last = max((p.time for p in presses), default=1.0)
    if radio == TURNINGPOINT:  # a question key, or a key byte no handset sends; CRC right
        body = rng.randbytes(3) + bytes((rng.choice((ord("?"), ord("K"), 0x00)),))
        frame = body + turningpoint.crc16(turningpoint.BASE_ADDRESS + body).to_bytes(2, "big")
        return Transmission(rng.uniform(0, last), "rogue", "?", frame, False)
    raw = bytearray(rng.randbytes(4))
    raw[3] = (raw[3] & 0xF0) | rng.choice((0x0, 0x3, 0x4, 0x7, 0x9))  # no answer has these
    payload = bytes(raw) + bytes(((raw[0] + raw[1] + raw[2] + raw[3]) & 0xFF,))
    return Transmission(rng.uniform(0, last), "rogue", "?", payload, False)
