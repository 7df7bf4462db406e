"""Importing iClicker Classic session files."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from basestation.cli import main

SESSION_XML = """<?xml version="1.0" encoding="UTF-8"?>
<ssn ssnn="Lecture 3">
  <p qn="Q1" cans="B" isDel="N">
    <v id="#A24653B7" ans="B" scr="2"/>
    <v id="#428071B3" ans="C" scr="1"/>
    <v id="#3E81BE01" ans="" scr="0"/>
  </p>
  <p qn="Q2" cans="" isDel="Y">
    <v id="#A24653B7" ans="A" scr="2"/>
  </p>
  <p qn="Q3" cans="A" isDel="N">
    <v id="#A24653B7" ans="A" scr="2"/>
    <v id="#6E501DB3" ans="A" scr="2"/>
    <v id="#81BE3F" ans="D" scr="1"/>
  </p>
</ssn>
"""


def test_import_then_analyze(tmp_path: Path) -> None:
    source = tmp_path / "L2609211005.xml"
    source.write_text(SESSION_XML)
    db = str(tmp_path / "c.db")
    runner = CliRunner()
    result = runner.invoke(main, ["import-classic", "--db", db, "--course", "PHYS", str(source)])
    assert result.exit_code == 0, result.output
    analysis = json.loads(runner.invoke(main, ["analyze", "--db", db, "--session", "1",
                                               "--json"]).output)
    first, second = analysis["questions"]
    assert (first["correct"], second["correct"]) == ("B", "A")
    assert first["rounds"][0]["counts"] == {"A": 0, "B": 1, "C": 1, "D": 0, "E": 0}
    assert first["rounds"][0]["percent_correct"] == 50.0
    assert second["rounds"][0]["counts"]["A"] == 2
    sessions = json.loads(runner.invoke(main, ["sessions", "--db", db, "--json"]).output)
    assert sessions[0]["started_at"].startswith("2026-09-21")
    exported = json.loads(runner.invoke(main, ["export", "--db", db, "--session", "1"]).output)
    handsets = {v["handset"] for p in exported["polls"] for v in p["votes"]}
    # leading zeros the file dropped are put back
    assert handsets == {"A24653B7", "428071B3", "6E501DB3", "0081BE3F"}


def test_not_a_session_file_is_a_clear_error(tmp_path: Path) -> None:
    for name, content in (("a.xml", "<ssn></ssn>"), ("b.xml", "<ssn><p")):
        path = tmp_path / name
        path.write_text(content)
        result = CliRunner().invoke(main, ["import-classic", "--db", str(tmp_path / "c.db"),
                                           str(path)])
        assert result.exit_code == 1
        assert "not an iClicker Classic session" in result.output or "not readable XML" in \
            result.output
