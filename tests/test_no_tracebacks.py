"""Bad input gets a one-line error, never a traceback: each case seen in the field, and
fuzzing of every reader of outside data (USB reports, rosters, Classic files, captures)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from basestation.cli import main
from basestation.formats.classic_import import ClassicImportError, read_classic_session
from basestation.formats.roster import RosterError, parse_roster
from drivers.capture import CaptureError, read_capture
from firmware_protocol.iclicker_base import BaseReportParser, BaseVariant

DATA = Path(__file__).parent / "data"


def invoke(*args: str, stdin: bytes | None = None) -> Result:
    result = CliRunner().invoke(main, list(args), input=stdin)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result


def one_line_error(result: Result) -> str:
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1, result.output
    return lines[0]


def test_a_short_report_of_an_older_base() -> None:
    result = invoke("decode", "--as", "usb-report", "--variant", "polled", stdin=b"02 18 01\n")
    assert result.exit_code == 0


def test_decode_input_that_is_not_text() -> None:
    result = invoke("decode", "--as", "radio", stdin=b"\xff\xfe\x00zz\n14 8C 29 75 3E\n")
    items = [json.loads(line) for line in result.output.splitlines()]
    assert result.exit_code == 0 and "error" in items[0]
    assert items[1] == {"handset": "A24653B7", "answer": "B"}


def test_a_roster_cell_longer_than_csv_allows(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text('student id,handset\n"s1","' + "x" * 200_000 + '"\n')
    result = invoke("roster", "import", "--db", str(tmp_path / "c.db"), str(roster))
    assert result.exit_code == 1 and result.output.startswith("Error: the roster was not")
    assert "line 2: field larger than field limit" in result.output


def test_a_report_into_a_missing_folder(tmp_path: Path) -> None:
    copy = tmp_path / "class.db"  # a writable copy: reading it upgrades it
    copy.write_bytes((DATA / "release-0.1.0.sqlite").read_bytes())
    error = one_line_error(
        invoke(
            "report", "--db", str(copy), "--session", "1", "-o", "/nonexistent-folder/report.html"
        )
    )
    assert "cannot write /nonexistent-folder/report.html" in error


def test_a_truncated_gz_capture(tmp_path: Path) -> None:
    whole = (DATA / "noisy-room.cap.gz").read_bytes()
    cut = tmp_path / "cut.cap.gz"
    cut.write_bytes(whole[: len(whole) // 2])
    error = one_line_error(
        invoke("record", "--receiver", f"replay://{cut}", "--db", str(tmp_path / "c.db"))
    )
    assert "damaged or cut short" in error


def test_a_capture_with_a_time_that_is_not_a_number(tmp_path: Path) -> None:
    capture = tmp_path / "nan.cap"
    capture.write_text(
        json.dumps({"capture": "basestation", "version": 1, "receiver": "r", "started_at": 0})
        + "\n"
        + '{"t": NaN, "kind": "iclicker-air", "payload": "148c29753e", '
        '"receiver": "r", "rx_us": null, "rssi": null}\n'
    )
    error = one_line_error(
        invoke("record", "--receiver", f"replay://{capture}", "--db", str(tmp_path / "c.db"))
    )
    assert "not a finite number" in error and ":2:" in error


reports = st.one_of(
    st.binary(max_size=64),
    st.binary(max_size=12).map(lambda b: b"\x02\x18" + b),
    st.binary(max_size=62).map(lambda b: b"\x02\x13" + b),
)


@settings(max_examples=600)
@given(reports, st.sampled_from(list(BaseVariant)))
def test_usb_report_parser_never_raises(report: bytes, variant: BaseVariant) -> None:
    for event in BaseReportParser(variant).parse(report):
        assert event is not None


@settings(max_examples=300)
@given(st.text(max_size=400))
def test_roster_reader_raises_only_roster_errors(text: str) -> None:
    try:
        parse_roster(text)
    except RosterError as error:
        assert str(error)


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.one_of(
        st.binary(max_size=300),
        st.text(max_size=200).map(
            lambda t: f"<ses><p qn='{t}'><v id='{t}' ans='{t}'/></p></ses>".encode()
        ),
    )
)
def test_classic_reader_raises_only_import_errors(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "L2612011005.xml"
    path.write_bytes(data)
    try:
        read_classic_session(path)
    except ClassicImportError as error:
        assert str(error)


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.one_of(
            st.text(max_size=60),
            st.dictionaries(
                st.sampled_from(["t", "kind", "payload", "receiver", "event", "rx_us", "seq"]),
                st.one_of(st.none(), st.integers(), st.floats(allow_nan=True), st.text(max_size=8)),
                max_size=6,
            ).map(json.dumps),
        ),
        max_size=6,
    ),
    st.booleans(),
)
def test_capture_reader_raises_only_capture_errors(
    tmp_path: Path, lines: list[str], zipped: bool
) -> None:
    header = json.dumps({"capture": "basestation", "version": 1, "receiver": "r", "started_at": 0})
    text = "\n".join([header, *lines]) + "\n"
    path = tmp_path / ("c.cap.gz" if zipped else "c.cap")
    if zipped:
        path.write_bytes(gzip.compress(text.encode())[: max(10, len(text) // 2)])
    else:
        path.write_text(text)
    try:
        read_capture(path)
    except CaptureError as error:
        assert str(error)


@pytest.mark.parametrize("text", ["", "\ufeff", "\n\n"])
def test_empty_rosters(text: str) -> None:
    with pytest.raises(RosterError):
        parse_roster(text)
