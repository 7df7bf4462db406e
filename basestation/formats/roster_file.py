"""Reading a roster file as the registrar's or the LMS's software saved it: UTF-8 with
or without a BOM, UTF-16, or a Windows code page (Excel's "CSV"), told apart by their
BOM or by charset-normalizer."""

from __future__ import annotations

import codecs
from pathlib import Path

from charset_normalizer import from_bytes

from basestation.formats.roster import RosterError
from basestation.formats.untrusted import UntrustedFileError, read_file

PREFERRED = "cp1252"
BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def read_roster_text(path: Path) -> str:
    try:
        data = read_file(path)  # a regular file of a bounded size: never a FIFO or a device
    except UntrustedFileError as error:
        raise RosterError([str(error)]) from None
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return _decoded(data, encoding)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    matches = from_bytes(data)
    best = matches.best()
    if best is None or best.encoding is None:
        raise RosterError(
            [f"{path}: cannot tell the file's text encoding; save it as UTF-8 and import it again"]
        )
    tied = {m.encoding for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)}
    # short files fit several code pages equally: Excel's own (Windows-1252) wins a tie
    return _decoded(data, PREFERRED if PREFERRED in tied else best.encoding)


def _decoded(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise RosterError(
            [
                f"line {line}: not valid {encoding} text ({error.reason}); save "
                "the file as UTF-8 and import it again"
            ]
        ) from None
