"""A pyusb backend that serves emulated iClicker bases, so that the real USB
driver runs unchanged: it enumerates devices, answers descriptor and HID
SET_REPORT control transfers, and interrupt reads from endpoint 0x83.
"""

from __future__ import annotations

import array
import errno
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import usb.backend
import usb.core

from simulators.iclicker_base_emulator import EmulatedBase
from simulators.sim_receiver import SCENARIO_PARAMETERS

VENDOR_ID = 0x1881
PRODUCT_ID = 0x0150
ENDPOINT_IN = 0x83
STRING_MANUFACTURER, STRING_PRODUCT, STRING_SERIAL = 1, 2, 3
LANGID_EN_US = 0x0409
GET_DESCRIPTOR = 0x06
HID_SET_REPORT = 0x09


@dataclass
class _Slot:
    base: EmulatedBase
    bus: int
    address: int
    kernel_driver: bool = True
    claimed: bool = False


class EmulatedBaseBackend(usb.backend.IBackend):  # type: ignore[misc]
    """Holds the emulated bases plugged into this imaginary USB bus."""

    def __init__(self, *bases: EmulatedBase) -> None:
        self._slots = [_Slot(base, 1, 10 + index) for index, base in enumerate(bases)]
        self._next_address = 10 + len(bases)

    @property
    def bases(self) -> list[EmulatedBase]:
        return [slot.base for slot in self._slots]

    def unplug(self, base: EmulatedBase) -> None:
        base.unplug()

    def replug(self, base: EmulatedBase) -> None:
        """Plug back in; like a real bus, the device gets a new address."""
        for slot in self._slots:
            if slot.base is base:
                slot.address = self._next_address
                slot.kernel_driver = True
                slot.claimed = False
                self._next_address += 1
        base.replug()

    # -- enumeration and descriptors ------------------------------------------------
    def enumerate_devices(self) -> list[_Slot]:
        return [slot for slot in self._slots if slot.base.plugged]

    def get_device_descriptor(self, dev: _Slot) -> SimpleNamespace:
        return SimpleNamespace(
            bLength=18,
            bDescriptorType=1,
            bcdUSB=0x0110,
            bDeviceClass=0,
            bDeviceSubClass=0,
            bDeviceProtocol=0,
            bMaxPacketSize0=8,
            idVendor=VENDOR_ID,
            idProduct=PRODUCT_ID,
            bcdDevice=0x0100,
            iManufacturer=STRING_MANUFACTURER,
            iProduct=STRING_PRODUCT,
            iSerialNumber=STRING_SERIAL,
            bNumConfigurations=1,
            address=dev.address,
            bus=dev.bus,
            port_number=1,
            port_numbers=(1,),
            speed=2,
        )

    def get_configuration_descriptor(self, dev: _Slot, config: int) -> SimpleNamespace:
        return SimpleNamespace(
            bLength=9,
            bDescriptorType=2,
            wTotalLength=34,
            bNumInterfaces=1,
            bConfigurationValue=1,
            iConfiguration=0,
            bmAttributes=0x80,
            bMaxPower=50,
            extra_descriptors=[],
        )

    def get_interface_descriptor(
        self, dev: _Slot, intf: int, alt: int, config: int
    ) -> SimpleNamespace:
        return SimpleNamespace(
            bLength=9,
            bDescriptorType=4,
            bInterfaceNumber=0,
            bAlternateSetting=0,
            bNumEndpoints=1,
            bInterfaceClass=3,
            bInterfaceSubClass=0,
            bInterfaceProtocol=0,
            iInterface=0,
            extra_descriptors=[],
        )

    def get_endpoint_descriptor(
        self, dev: _Slot, ep: int, intf: int, alt: int, config: int
    ) -> SimpleNamespace:
        return SimpleNamespace(
            bLength=7,
            bDescriptorType=5,
            bEndpointAddress=ENDPOINT_IN,
            bmAttributes=0x03,
            wMaxPacketSize=64,
            bInterval=1,
            bRefresh=0,
            bSynchAddress=0,
            extra_descriptors=[],
        )

    # -- handles ------------------------------------------------------------------------
    def open_device(self, dev: _Slot) -> _Slot:
        self._alive(dev)
        return dev

    def close_device(self, dev_handle: _Slot) -> None:
        dev_handle.claimed = False

    def set_configuration(self, dev_handle: _Slot, config_value: int) -> None:
        self._alive(dev_handle)

    def get_configuration(self, dev_handle: _Slot) -> int:
        self._alive(dev_handle)
        return 1

    def claim_interface(self, dev_handle: _Slot, intf: int) -> None:
        self._alive(dev_handle)
        if dev_handle.kernel_driver:
            raise usb.core.USBError("Resource busy", errno=errno.EBUSY)
        dev_handle.claimed = True

    def release_interface(self, dev_handle: _Slot, intf: int) -> None:
        dev_handle.claimed = False

    def is_kernel_driver_active(self, dev_handle: _Slot, intf: int) -> bool:
        self._alive(dev_handle)
        return dev_handle.kernel_driver

    def detach_kernel_driver(self, dev_handle: _Slot, intf: int) -> None:
        self._alive(dev_handle)
        dev_handle.kernel_driver = False

    def attach_kernel_driver(self, dev_handle: _Slot, intf: int) -> None:
        dev_handle.kernel_driver = True

    # -- transfers ------------------------------------------------------------------------
    def ctrl_transfer(
        self,
        dev_handle: _Slot,
        bmRequestType: int,
        bRequest: int,
        wValue: int,
        wIndex: int,
        data: Any,
        timeout: int,
    ) -> int:
        self._alive(dev_handle)
        if bmRequestType == 0x80 and bRequest == GET_DESCRIPTOR and wValue >> 8 == 3:
            return _fill(data, self._string_descriptor(dev_handle.base, wValue & 0xFF))
        if bmRequestType == 0x21 and bRequest == HID_SET_REPORT:
            dev_handle.base.command(bytes(data))
            return len(data)
        raise usb.core.USBError("Pipe error", errno=errno.EPIPE)

    def intr_read(self, dev_handle: _Slot, ep: int, intf: int, buff: Any, timeout: int) -> int:
        self._alive(dev_handle)
        if not dev_handle.claimed:
            raise usb.core.USBError("Resource busy: interface not claimed", errno=errno.EBUSY)
        report = dev_handle.base.read_report(timeout / 1000 if timeout else 1.0)
        self._alive(dev_handle)
        if report is None:
            raise usb.core.USBTimeoutError("Operation timed out", errno=errno.ETIMEDOUT)
        return _fill(buff, report)

    @staticmethod
    def _string_descriptor(base: EmulatedBase, index: int) -> bytes:
        if index == 0:
            return bytes((4, 3)) + LANGID_EN_US.to_bytes(2, "little")
        text = {
            STRING_MANUFACTURER: base.manufacturer,
            STRING_PRODUCT: "iClicker Base",
            STRING_SERIAL: base.serial_number,
        }.get(index, "")
        encoded = text.encode("utf-16-le")
        return bytes((2 + len(encoded), 3)) + encoded

    @staticmethod
    def _alive(dev: _Slot) -> None:
        if not dev.base.plugged:
            raise usb.core.USBError(
                "No such device (it may have been disconnected)", errno=errno.ENODEV
            )


def _fill(buffer: array.array[int], data: bytes) -> int:
    count = min(len(buffer), len(data))
    buffer[:count] = array.array("B", data[:count])
    return count


def emulated_backend_for_url(url: Any) -> EmulatedBaseBackend:
    """``iclicker://?backend=emulated``: a simulated base playing a seeded class
    (``students``, ``seed``, ``speed``, ``variant``, ``loss``, …); registered as the
    ``emulated`` entry point of ``basestation.usb_backends``."""
    from drivers.errors import ReceiverUrlError
    from firmware_protocol.iclicker_base import BaseVariant
    from simulators.sim_receiver import scenario_from_url, speed_from_url

    scenario = scenario_from_url(url, url.int_param("students", 300))
    try:
        variant = BaseVariant(url.param("variant", "pushed"))
    except ValueError:
        raise ReceiverUrlError(f"{url.text}: variant must be pushed or polled") from None
    base = EmulatedBase(
        scenario.rounds(), variant=variant, speed=speed_from_url(url), seed=scenario.seed
    )
    return EmulatedBaseBackend(base)


emulated_backend_for_url.parameters = SCENARIO_PARAMETERS | {  # type: ignore[attr-defined]
    "students",
    "variant",
}
"""The URL parameters it reads, which the driver's check of a URL asks for."""
