"""The receiver tools: decode, devices, doctor."""

from __future__ import annotations

import json
from typing import Any

import click


@click.command()
@click.option("--as", "kind", type=click.Choice(["link", "radio", "usb-report"]), required=True)
@click.option(
    "--variant",
    type=click.Choice(["pushed", "polled"]),
    default="pushed",
    show_default=True,
    help="For usb-report: newer (pushed) or older (polled) base.",
)
@click.argument("source", type=click.File("rb"), default="-")
def decode(kind: str, variant: str, source: Any) -> None:
    """Decode hex bytes, one item per line, into JSON lines."""
    from basestation.devices.hex_decode import decode_hex_line, usb_report_decoder

    decode_usb = usb_report_decoder(variant)
    for raw in source:
        line = raw.decode("utf-8", errors="replace")  # not text: an error line, no crash
        items = decode_usb(line) if kind == "usb-report" else decode_hex_line(kind, line)
        for item in items:
            click.echo(json.dumps(item))


@click.command()
def devices() -> None:
    """List the receivers this machine can see."""
    from basestation.devices.doctor import list_devices

    list_devices(click.echo)


@click.command()
@click.argument("port", required=False)
def doctor(port: str | None) -> None:
    """Find and explain what stands in the way of using a receiver (every one this
    machine sees, or PORT alone, e.g. /dev/ttyUSB0)."""
    from basestation.devices.doctor import diagnose, diagnose_port

    if port is None:
        diagnose(click.echo)
    elif not diagnose_port(click.echo, port):
        raise SystemExit(1)
