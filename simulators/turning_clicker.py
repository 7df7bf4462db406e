"""The public turning-clicker sketch (nickmooney/turning-clicker, an Arduino Nano with
an nRF24L01+) as a state machine, for a pseudo-terminal.

Built from the sketch's behaviour (``../shared/reference/receivers.md`` §3): opening
the port resets the Nano; it prints ``*** booting ***``, the radio's register dump
and empty lines; then, for each frame whose CRC it checked, ``incoming: <6 bytes>
--> <key>`` and the acknowledgement it sends, ``outgoing: <ID> 06 <CRC>``. A round
of the class plays after each reset.
"""

from __future__ import annotations

from dataclasses import dataclass

from firmware_protocol import turningpoint
from simulators.iskipper_firmware import BOOT_S, LineFirmware

REGISTER_DUMP = (
    b"STATUS\t\t = 0x0e RX_DR=0 TX_DS=0 MAX_RT=0 RX_P_NO=7 TX_FULL=0\r\n"
    b"RX_ADDR_P0-1\t = 0x563412 0xc2c2c2c2c2\r\n"
    b"RF_CH\t\t = 0x29\r\n"
    b"RF_SETUP\t = 0x07\r\n"
    b"CONFIG\t\t = 0x0f\r\n"
    b"Data Rate\t = 1MBPS\r\n"
    b"Model\t\t = nRF24L01+\r\n"
    b"CRC Length\t = Disabled\r\n"
    b"PA Power\t = PA_MAX\r\n"
)


@dataclass
class TurningClicker(LineFirmware):
    _banner_due: float | None = None

    def receive(self, data: bytes, now: float) -> None:
        """The sketch reads nothing from the host."""

    def _reset(self, now: float) -> None:
        self._banner_due = now + BOOT_S / 2
        self._play_next_round(now + BOOT_S)

    def _tick(self, now: float) -> None:
        if self._banner_due is not None and now >= self._banner_due:
            self._outbox += b"*** booting ***\r\n" + REGISTER_DUMP + b"\r\n\r\n"
            self._banner_due = None

    def _timer(self) -> float | None:
        return self._banner_due

    def _heard(self, payload: bytes, intact: bool) -> bool:
        """The sketch checks each frame's CRC itself and prints only those that pass."""
        body, crc = payload[:4], payload[4:]
        return len(payload) == 6 and turningpoint.crc16(
            turningpoint.BASE_ADDRESS + body
        ) == int.from_bytes(crc, "big")

    def _line(self, index: int, handset: str, answer: str, payload: bytes) -> bytes:
        ack = turningpoint.ack_frame(payload[:3].hex())
        return turningpoint.format_sketch_line(payload) + f"outgoing: {ack.hex()}\r\n".encode()
