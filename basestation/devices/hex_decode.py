"""``basestation decode``: hex text in, one JSON-ready dict per item out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from firmware_protocol.iclicker_air import AirPayloadError, decode_air_payload
from firmware_protocol.iclicker_base import (
    BaseReportParser,
    BaseVariant,
    CommandEcho,
    PolledBatch,
    PollSummary,
    VoteRecord,
)
from firmware_protocol.link import FrameType, LinkDecoder, LinkStats
from firmware_protocol.link_messages import (
    Hello,
    LinkBodyError,
    RadioPacket,
    Reply,
    Status,
    parse_log,
)


def parse_hex(text: str) -> bytes:
    cleaned = text.replace(":", " ").replace(",", " ")
    if cleaned.lower().startswith("0x"):
        cleaned = cleaned[2:]
    try:
        return bytes.fromhex(cleaned)
    except ValueError:
        raise ValueError(f"not hex bytes: {text.strip()!r}") from None


def hex_line_bytes(line: str) -> bytes | list[dict[str, Any]]:
    """The bytes of one input line, or the items to print instead: none for a blank
    line or a ``#`` comment, an error for text that is not hex."""
    text = line.split("#", 1)[0].strip()
    if not text:
        return []
    try:
        return parse_hex(text)
    except ValueError as error:
        return [{"error": str(error)}]


def decode_hex_line(kind: str, line: str) -> list[dict[str, Any]]:
    """The items in one line of hex."""
    data = hex_line_bytes(line)
    if isinstance(data, list):
        return data
    if kind == "radio":
        return [describe_radio(data)]
    return describe_link(data)


def describe_radio(payload: bytes) -> dict[str, Any]:
    try:
        handset, answer = decode_air_payload(payload)
    except AirPayloadError as error:
        return {"error": str(error), "payload": payload.hex()}
    return {"handset": handset, "answer": answer}


def describe_link(data: bytes) -> list[dict[str, Any]]:
    decoder = LinkDecoder()
    frames = decoder.feed(data if data.endswith(b"\x00") else data + b"\x00")
    items = [describe_frame(frame.type, frame.seq, frame.body) for frame in frames]
    items += [{"error": reason} for reason in _drop_reasons(decoder.stats)]
    return items or [{"error": "no frame in these bytes"}]


def describe_frame(frame_type: int, seq: int, body: bytes) -> dict[str, Any]:
    try:
        name = FrameType(frame_type).name
    except ValueError:
        return {
            "type": f"0x{frame_type:02X}",
            "seq": seq,
            "body": body.hex(),
            "error": "unknown frame type",
        }
    item: dict[str, Any] = {"type": name, "seq": seq}
    try:
        if frame_type == FrameType.RADIO_PACKET:
            packet = RadioPacket.parse(body)
            item |= {
                "clock_us": packet.clock_us,
                "rssi": packet.rssi,
                "payload": packet.payload.hex(),
            }
            item |= describe_radio(packet.payload)
        elif frame_type == FrameType.HELLO:
            item |= asdict(Hello.parse(body))
        elif frame_type == FrameType.STATUS:
            item |= asdict(Status.parse(body))
        elif frame_type == FrameType.REPLY:
            item |= asdict(Reply.parse(body))
        elif frame_type == FrameType.LOG:
            item["text"] = parse_log(body)
        elif body:
            item["body"] = body.hex()
    except LinkBodyError as error:
        item["error"] = str(error)
    return item


def _drop_reasons(stats: LinkStats) -> list[str]:
    reasons = {
        "bad_crc": "bad CRC",
        "bad_cobs": "bad COBS block",
        "too_short": "frame shorter than 4 bytes",
        "too_long": "frame longer than 255 bytes",
    }
    return [text for field, text in reasons.items() for _ in range(getattr(stats, field))]


def usb_report_decoder(variant: str) -> Callable[[str], list[dict[str, Any]]]:
    """A decoder of 64-byte base reports that keeps its parser's counters across lines."""
    parser = BaseReportParser(BaseVariant(variant))

    def decode(line: str) -> list[dict[str, Any]]:
        report = hex_line_bytes(line)
        if isinstance(report, list):
            return report
        junk_before, unknown_before = parser.junk_records, parser.unknown_reports
        items = [_describe_base_event(event) for event in parser.parse(report)]
        items += [{"error": "junk record (button outside A-E)"}] * (
            parser.junk_records - junk_before
        )
        items += [{"error": "unknown report"}] * (parser.unknown_reports - unknown_before)
        return items

    return decode


def _describe_base_event(event: object) -> dict[str, Any]:
    if isinstance(event, VoteRecord):
        return {"event": "vote", "handset": event.handset, "answer": event.answer, "seq": event.seq}
    if isinstance(event, CommandEcho):
        return {"event": "echo", "command": bytes(event.command).hex()}
    if isinstance(event, PollSummary):
        return {"event": "poll-summary", "report": event.raw.rstrip(b"\x00").hex()}
    if isinstance(event, PolledBatch):
        return {
            "event": "polled",
            "more": event.more,
            "votes": [{"handset": r.handset, "answer": r.answer} for r in event.records],
        }
    return {"event": type(event).__name__}
