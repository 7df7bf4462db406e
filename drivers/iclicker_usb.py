"""``iclicker://``: the iClicker USB base station, through pyusb.

``iclicker://`` opens the first base found; ``iclicker://1881:0150`` picks by
USB IDs, ``?serial=…`` or ``?bus=1&address=7`` pick one base among several,
``?channel=AB`` tunes it. The driver detaches the kernel HID driver, runs the
init sequence, starts and stops polls, shows the poll state and the number of
handsets heard on the base's LCD (throttled), and hands on each vote record as the
base sent it, with its sequence number (re-sent records are the vote buffer's to
recognise). pyusb
is not thread-safe, so every device call holds one lock.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import usb.core
import usb.util

from drivers.base import Receiver
from drivers.errors import (
    NoSuchDevice,
    ReceiverError,
    ReceiverUrlError,
)
from drivers.packets import PacketKind, RawPacket
from drivers.url import ReceiverUrl
from drivers.usb_backends import backend_for_url, backend_parameters, usb_error
from firmware_protocol.iclicker_base import (
    STOP_POLL_COMMANDS,
    BaseReportParser,
    BaseVariant,
    CommandEcho,
    PolledBatch,
    VoteRecord,
    lcd_command,
    open_commands,
    pad_report,
    poll_votes_command,
    set_channel_commands,
    start_poll_commands,
    variant_from_manufacturer,
)

VENDOR_ID = 0x1881
BASE_PRODUCT_IDS = (0x0150, 0x0805)  # 0x0152 is the hub some bases include, not a base
ENDPOINT_IN = 0x83
INTERFACE = 0
REPORT_BYTES = 64
COMMAND_TIMEOUT_MS = 1000
LCD_MIN_INTERVAL_S = 0.4
LIBUSB_HINT = (
    "pyusb found no libusb backend: install libusb 1.0 (Debian/Ubuntu: "
    "sudo apt install libusb-1.0-0; macOS: brew install libusb); "
    "`basestation doctor` checks the rest"
)


class IClickerReceiver(Receiver):
    scheme = "iclicker"
    parameters = frozenset({"channel", "backend", "bus", "address", "serial"})

    @classmethod
    def accepted_parameters(cls, url: ReceiverUrl) -> frozenset[str]:
        return cls.parameters | backend_parameters(url)

    def __init__(
        self, url: ReceiverUrl, *, auto_reconnect: bool = True, backend: Any = None
    ) -> None:
        super().__init__(url, auto_reconnect=auto_reconnect)
        self.backend = backend if backend is not None else backend_for_url(url)
        self.product_ids = _product_ids(url)
        self.channel = url.param("channel", "AA").upper()
        set_channel_commands(self.channel)  # a bad channel fails here, before any I/O
        self.variant = BaseVariant.PUSHED
        self.records = 0
        self._lock = threading.Lock()
        self._device: Any = None
        self._parser = BaseReportParser()
        self._heard: set[str] = set()
        self._poll_index = 0
        self._batches = 0
        self._pending: list[RawPacket] = []
        self._lcd_shown: tuple[str, str] = ("", "")
        self._lcd_at = 0.0
        self._echoed = False

    # -- opening ------------------------------------------------------------------------
    def _open(self) -> None:
        with self._lock:
            device = self._find()
            try:
                if device.is_kernel_driver_active(INTERFACE):
                    device.detach_kernel_driver(INTERFACE)
                device.set_configuration()
                usb.util.claim_interface(device, INTERFACE)
                manufacturer = usb.util.get_string(device, device.iManufacturer)
            except usb.core.USBError as error:
                usb.util.dispose_resources(device)
                raise usb_error(error, "opening the iClicker base") from error
            self._device = device
            self._echoed = False
            self.variant = variant_from_manufacturer(manufacturer)
            self._parser = BaseReportParser(self.variant)
            for command in open_commands(self.channel, self.instructor):
                self._send(command)
            self._drain()
            self._lcd_shown = ("", "")
            self._show("basestation", f"channel {self.channel}", force=True)

    def _find(self) -> Any:
        try:
            found = list(
                usb.core.find(find_all=True, backend=self.backend, custom_match=self._matches)
            )
        except usb.core.NoBackendError as error:
            raise ReceiverError(LIBUSB_HINT) from error
        if not found:
            wanted = ", ".join(f"{VENDOR_ID:04X}:{pid:04X}" for pid in self.product_ids)
            raise NoSuchDevice(
                f"no iClicker base found (looked for USB {wanted}): is it "
                "plugged in? `basestation doctor` explains what it sees"
            )
        return found[0]

    def _matches(self, device: Any) -> bool:
        if device.idVendor != VENDOR_ID or device.idProduct not in self.product_ids:
            return False
        params = self.url.params
        if "bus" in params and str(device.bus) != params["bus"]:
            return False
        if "address" in params and str(device.address) != params["address"]:
            return False
        if "serial" in params:
            try:
                return bool(usb.util.get_string(device, device.iSerialNumber) == params["serial"])
            except (usb.core.USBError, ValueError):
                return False
        return True

    def _close(self) -> None:
        with self._lock:
            device, self._device = self._device, None
            if device is not None:
                usb.util.dispose_resources(device)

    # -- polls ----------------------------------------------------------------------------
    def _open_poll(self) -> None:
        with self._lock:
            for command in start_poll_commands():
                self._send(command)
            self._drain()
            self._show("Poll open", f"Heard {len(self._heard)}", force=True)

    def _close_poll(self) -> None:
        with self._lock:
            for command in STOP_POLL_COMMANDS:
                self._send(command)
            self._drain()
            self._show("Poll closed", f"Heard {len(self._heard)}", force=True)
            self._heard.clear()
            self._poll_index = 0

    def _set_channel(self, channel: str) -> None:
        self.channel = channel
        with self._lock:
            for command in set_channel_commands(channel):
                self._send(command)
            self._drain()

    def _set_instructor(self, handset: str) -> None:
        """The vendor's software names the remote inside the open sequence: run it again."""
        with self._lock:
            for command in open_commands(self.channel, handset):
                self._send(command)
            self._drain()

    def show_text(self, line1: str, line2: str = "") -> None:
        """Put two lines on the base's display (throttled: the display garbles otherwise)."""
        with self._lock:
            self._show(line1, line2)

    # -- reading --------------------------------------------------------------------------
    def _read(self, timeout: float) -> list[RawPacket]:
        polled = self.variant is BaseVariant.POLLED and self.poll_open
        with self._lock:
            packets, self._pending = self._pending, []
            if polled:
                packets += self._ask_for_records(timeout)
            else:
                report = self._read_report(timeout)
                if report is not None:
                    packets += self._packets(report, time.time())
            if self.poll_open:
                self._show("Poll open", f"Heard {len(self._heard)}")
        if polled and not packets:
            time.sleep(timeout)  # nothing new: ask again at the next read, not in a busy loop
        return packets

    def _ask_for_records(self, timeout: float) -> list[RawPacket]:
        """Older bases: request the records from the next index; read until the batch."""
        self._send(poll_votes_command(self._poll_index))
        deadline = time.monotonic() + timeout
        packets: list[RawPacket] = []
        batches_before = self._batches
        while self._batches == batches_before:
            report = self._read_report(max(0.001, deadline - time.monotonic()))
            if report is None:
                break
            packets += self._packets(report, time.time())
        return packets

    def _read_report(self, timeout: float) -> bytes | None:
        try:
            data = self._device.read(ENDPOINT_IN, REPORT_BYTES, timeout=max(1, int(timeout * 1000)))
        except usb.core.USBTimeoutError:
            return None
        except usb.core.USBError as error:
            raise usb_error(error, "reading from the iClicker base") from error
        return bytes(data)

    def _packets(self, report: bytes, host_time: float) -> list[RawPacket]:
        packets = []
        label = self._label()
        heard = self._heard
        votes = self._parser.pushed_votes(report)
        if votes is not None:  # the common report: two records, no object for either
            self.records += len(votes)
            kind, new_tuple = PacketKind.BASE_RECORD, tuple.__new__
            for raw, handset, seq in votes:
                heard.add(handset)
                packets.append(
                    new_tuple(RawPacket, (kind, raw, label, host_time, None, None, seq, 1))
                )
            return packets
        for event in self._parser.parse(report):
            records: tuple[VoteRecord, ...] = ()
            if isinstance(event, CommandEcho):
                self._echoed = True
            elif isinstance(event, VoteRecord):
                records = (event,)
            elif isinstance(event, PolledBatch):
                self._batches += 1
                records = event.records
                self._poll_index += len(records)
            self.records += len(records)
            for record in records:
                heard.add(record.handset)
                packets.append(
                    RawPacket(
                        PacketKind.BASE_RECORD, record.raw, label, host_time, None, None, record.seq
                    )
                )
        return packets

    def _drain(self) -> None:
        """Read the echoes (and the junk a channel change brings) that commands caused;
        votes among them wait for the next read."""
        while (report := self._read_report(0.02)) is not None:
            self._pending += self._packets(report, time.time())

    def _send(self, command: bytes) -> None:
        try:
            self._device.ctrl_transfer(
                0x21, 0x09, 0x0200, INTERFACE, pad_report(command), timeout=COMMAND_TIMEOUT_MS
            )
        except usb.core.USBError as error:
            raise usb_error(error, "sending a command to the iClicker base") from error

    def _show(self, line1: str, line2: str, force: bool = False) -> None:
        now = time.monotonic()
        if (line1, line2) == self._lcd_shown or (
            not force and now - self._lcd_at < LCD_MIN_INTERVAL_S
        ):
            return
        self._send(lcd_command(1, line1))
        self._send(lcd_command(2, line2))
        self._lcd_shown, self._lcd_at = (line1, line2), now

    def _label(self) -> str:
        device = self._device
        return f"iclicker:{device.bus}-{device.address}" if device is not None else "iclicker"

    def describe(self) -> str:
        return f"iClicker USB base ({self.variant}, channel {self.channel})"

    def _proven(self) -> bool:
        return self._echoed

    def expected_answer(self) -> str:
        return "an echo of its commands"

    def stats(self) -> dict[str, int]:
        return {
            "records": self.records,
            "junk_records": self._parser.junk_records,
            "unknown_reports": self._parser.unknown_reports,
        }


def _product_ids(url: ReceiverUrl) -> tuple[int, ...]:
    if not url.target:
        return BASE_PRODUCT_IDS
    vendor, _, product = url.target.partition(":")
    try:
        if int(vendor, 16) != VENDOR_ID:
            raise ValueError
        return (int(product, 16),)
    except ValueError:
        raise ReceiverUrlError(f"{url.text}: expected iclicker://1881:<product id>") from None
