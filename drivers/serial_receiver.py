"""Serial receivers through pyserial's ``serial_for_url``.

``serial:///dev/ttyACM0?baud=115200&protocol=link`` (our firmware, default),
``protocol=iskipper`` (both public iSkipper firmwares) or ``protocol=turningpoint``
(the public turning-clicker sketch). Any URL pyserial
opens works too: ``loop://``, ``socket://host:port``, ``rfc2217://host:port``.
"""

from __future__ import annotations

import errno
import time
from typing import Any

import serial

from drivers.base import Receiver
from drivers.errors import (
    DeviceGone,
    NoSuchDevice,
    PermissionDenied,
    ReceiverError,
    ReceiverUrlError,
)
from drivers.iskipper_session import IskipperSession
from drivers.link_session import LinkSession
from drivers.packets import PacketKind, RawPacket
from drivers.turning_session import TurningSketchSession
from drivers.url import ReceiverUrl
from firmware_protocol.link import FrameType
from firmware_protocol.link_messages import encode_channel

PROTOCOLS = ("link", "iskipper", "turningpoint")
EXPECTED_ANSWERS = {
    "link": "a link v1 HELLO",
    "iskipper": "an iSkipper prompt, banner or Captured line",
    "turningpoint": "the turning-clicker boot banner or an incoming: line",
}
Session = LinkSession | IskipperSession | TurningSketchSession
DEFAULT_BAUD = 115_200
PORT_TIMEOUT_S = 0.02
"""How long one read of the port blocks; the base class loops to the caller's deadline."""


PYSERIAL_OPTIONS = {
    "loop": frozenset({"logging"}),
    "socket": frozenset({"logging"}),
    "rfc2217": frozenset({"logging", "ign_set_control", "poll_modem", "timeout"}),
    "spy": frozenset({"file", "color", "raw", "all"}),
    "alt": frozenset({"class"}),
    "hwgrep": frozenset({"n", "skip_busy"}),
}
"""The options pyserial's own URL handlers take (pyserial's URL handlers documentation)."""


class SerialReceiver(Receiver):
    scheme = "serial"
    parameters = frozenset({"baud", "protocol"})

    @classmethod
    def accepted_parameters(cls, url: ReceiverUrl) -> frozenset[str]:
        handler = url.target.partition("://")[0].lower() if "://" in url.target else ""
        return cls.parameters | PYSERIAL_OPTIONS.get(handler, frozenset())

    def __init__(self, url: ReceiverUrl, *, auto_reconnect: bool = True) -> None:
        super().__init__(url, auto_reconnect=auto_reconnect)
        self.protocol = url.param("protocol", "link")
        if self.protocol not in PROTOCOLS:
            raise ReceiverUrlError(
                f"{url.text}: protocol={self.protocol!r}; choose one of {', '.join(PROTOCOLS)}"
            )
        self.baud = url.int_param("baud", DEFAULT_BAUD)
        self.port = url.target + url.query_without("baud", "protocol")
        if not url.target:
            raise ReceiverUrlError(f"{url.text}: no port given, e.g. serial:///dev/ttyACM0")
        self._serial: Any = None
        self._session: Session = self._new_session()
        self._channel: str | None = None
        self._hellos_seen = 0

    def _new_session(self) -> Session:
        label = f"serial:{self.url.target}"
        if self.protocol == "link":
            return LinkSession(label)
        if self.protocol == "iskipper":
            return IskipperSession(label)
        return TurningSketchSession(label)

    @property
    def transport(self) -> Any:
        """The open pyserial port (``loop://`` tests write into it), or None."""
        return self._serial

    @property
    def session(self) -> Session:
        return self._session

    def _open(self) -> None:
        try:
            port = serial.serial_for_url(
                self.port, baudrate=self.baud, timeout=PORT_TIMEOUT_S, do_not_open=True
            )
            port.open()
        except serial.SerialException as error:
            raise _translate_open_error(self.port, error) from error
        except (OSError, ValueError, KeyError) as error:  # pyserial's URL handlers raise all three
            raise ReceiverError(f"cannot open {self.port}: {error}") from None
        self._serial = port
        self._session = self._new_session()
        self._hellos_seen = 0
        if isinstance(self._session, LinkSession):
            self._write(self._session.command(FrameType.GET_INFO))

    def _close(self) -> None:
        port, self._serial = self._serial, None
        if port is not None:
            port.close()

    def _read(self, wait: float) -> list[RawPacket]:
        port = self._serial
        try:
            waiting = port.in_waiting
            if not waiting and wait <= 0:
                return []  # asked for what is there already: nothing
            data = port.read(waiting or 1)  # blocks at most PORT_TIMEOUT_S
            if data and port.in_waiting:
                data += port.read(port.in_waiting)
        except serial.SerialException as error:
            raise DeviceGone(f"{self.port} stopped answering: {error}") from error
        if not data:
            return []
        packets = self._session.on_bytes(data, time.time())
        if isinstance(self._session, LinkSession) and self._session.hellos != self._hellos_seen:
            self._hellos_seen = self._session.hellos
            self._restore_after_hello(self._session)
        if isinstance(self._session, IskipperSession):
            self._write(self._session.take_outgoing())
        return packets

    def _open_poll(self) -> None:
        self._link_command(FrameType.OPEN_POLL)

    def _close_poll(self) -> None:
        self._link_command(FrameType.CLOSE_POLL)

    def turningpoint_only(self) -> bool:
        if self.protocol == "turningpoint":
            return True
        session = self._session
        return (
            isinstance(session, LinkSession) and session.radio_kind is PacketKind.TURNINGPOINT_FRAME
        )

    def _restore_after_hello(self, session: LinkSession) -> None:
        """A HELLO may come from a receiver that just started again (opening an Arduino's
        port resets it; so do a watchdog and a power glitch) and forgot what it was told:
        its channel, and that a poll is open. Telling it again changes nothing if it had
        not forgotten."""
        hello = session.hello
        if self._channel is not None and hello is not None and hello.channel != self._channel:
            self._link_command(FrameType.SET_CHANNEL, encode_channel(self._channel))
        if self.poll_open:
            self._link_command(FrameType.OPEN_POLL)

    def _set_channel(self, channel: str) -> None:
        self._channel = channel
        if isinstance(self._session, IskipperSession):
            self._session.set_channel(channel)
            self._write(self._session.take_outgoing())
        self._link_command(FrameType.SET_CHANNEL, encode_channel(channel))

    def _proven(self) -> bool:
        return self._session.proven

    def _device_notices(self) -> list[str]:
        if isinstance(self._session, IskipperSession):
            notices, self._session.notices = self._session.notices, []
            return notices
        return []

    def expected_answer(self) -> str:
        return EXPECTED_ANSWERS[self.protocol]

    def _link_command(self, frame_type: FrameType, body: bytes = b"") -> None:
        if isinstance(self._session, LinkSession) and self._serial is not None:
            self._write(self._session.command(frame_type, body))

    def _write(self, data: bytes) -> None:
        if not data:
            return
        try:
            self._serial.write(data)
        except (serial.SerialException, OSError) as error:
            raise DeviceGone(f"{self.port} stopped answering: {error}") from error

    def describe(self) -> str:
        return f"{self.port} ({self.protocol}, {self.baud} baud)"

    def stats(self) -> dict[str, int]:
        return self._session.stats()


def _translate_open_error(port: str, error: serial.SerialException) -> ReceiverError:
    code = getattr(error, "errno", None)
    if code == errno.ENOENT or "No such file" in str(error):
        return NoSuchDevice(
            f"no serial port {port}: is the receiver plugged in? "
            "`basestation devices` lists what is connected"
        )
    if code in (errno.EACCES, errno.EPERM) or "Permission denied" in str(error):
        return PermissionDenied(
            f"permission denied opening {port}: add yourself to the group that owns it "
            "(usually `sudo usermod -aG dialout $USER`, then log out and in again)"
        )
    if code == errno.EBUSY:
        return ReceiverError(f"{port} is in use by another program; close it and retry")
    return ReceiverError(f"cannot open {port}: {error}")
