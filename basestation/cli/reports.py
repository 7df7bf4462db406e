"""The commands that read a session back: ``analyze`` and ``report``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from basestation import db
from basestation.cli.options import band_option, db_option, output_options, resolve_db
from basestation.db import StoreError
from basestation.domain import SEVERAL_KEYS_RULE, correct_answers, key_text
from basestation.peer_instruction import (
    CHANGE_MEANING,
    GAIN_MEANING,
    DiscussionBand,
    expected_text,
)


@click.command()
@db_option
@click.option("--session", "session_id", type=int, required=True)
@click.option("--json", "as_json", is_flag=True)
@band_option
def analyze(db_path: Path | None, session_id: int, as_json: bool, band: DiscussionBand) -> None:
    """Peer Instruction figures of a session: tallies, percent correct, switching, gain."""
    from basestation.afterclass.session_analysis import analyze_session, confidence_line
    from basestation.peer_instruction import gain_text
    from basestation.textsafe import shown

    try:
        with db.Reader(resolve_db(db_path)) as reader:
            report = analyze_session(reader, session_id, band)
    except StoreError as error:
        raise click.ClickException(str(error)) from error
    if as_json:
        click.echo(json.dumps(report))
        return
    expected = expected_text(report["roster_size"], report["handsets_seen"])
    click.echo(f"Response rates are of {expected}; discussion band {report['band']} %.")
    for question in report["questions"]:
        text = f": {shown(question['text'])}" if question.get("text") else ""
        key = key_text(question["correct"])
        click.echo(f"Question {question['question']} (correct {key}){text}")
        if len(correct_answers(question["correct"])) > 1:
            click.echo(f"  scored: {SEVERAL_KEYS_RULE}")
        for figures in question["rounds"]:
            counts = "  ".join(f"{a} {c}" for a, c in figures["counts"].items())
            right = figures["percent_correct"]
            rate = figures["response_rate"]
            click.echo(
                f"  vote {figures['round']}: {figures['voters']} voters"
                + ("" if rate is None else f" ({rate:.0%})")
                + f"  {counts}"
                + ("" if right is None else f"  {right}% correct")
            )
        if "paired" in question:
            switches = question["switches"]
            gain = question["gain"]
            click.echo(
                f"  {question['paired']} voted twice"
                + (
                    ""
                    if switches is None
                    else f"; RR {switches['RR']} WR {switches['WR']} RW {switches['RW']} "
                    f"WW {switches['WW_same']}+{switches['WW_diff']}"
                )
                + f"; normalized gain {gain_text(gain, question['paired'])}"
                + (
                    ""
                    if question.get("normalized_change") is None
                    else f"; normalized change {question['normalized_change']:+.0%}"
                )
            )
        for kind, words in (("mixed", "mixed groups"), ("same", "same-answer groups")):
            if kind in question.get("by_group", {}):
                click.echo(
                    f"  after discussion in {words}: {_kind_line(question['by_group'][kind])}"
                )
        for figures in question.get("by_confidence", []):
            click.echo(f"  {confidence_line(figures)}")
        click.echo(f"  {question.get('hint', '')}")
    if any("paired" in question for question in report["questions"]):
        click.echo(f"The {GAIN_MEANING}; the {CHANGE_MEANING}.")


def _kind_line(figures: dict[str, Any]) -> str:
    """``12 groups, 24 voted twice: 40.0% -> 70.0% correct, gain 50%``."""
    from basestation.peer_instruction import gain_text

    right = figures["percent_correct"]
    return (
        f"{figures['groups']} groups, {figures['paired']} voted twice"
        + ("" if right is None else f": {right[0]}% -> {right[1]}% correct")
        + f", normalized gain {gain_text(figures['gain'], figures['paired'])}"
    )


@click.command()
@db_option
@click.option("--session", "session_id", type=int, help="A session's page.")
@click.option("--course", help="Instead: the term's page of this course (it names students).")
@output_options("The HTML file to write (mode 0600).", required=True)
@band_option
def report(
    db_path: Path | None,
    session_id: int | None,
    course: str | None,
    output: Path,
    force: bool,
    band: DiscussionBand,
) -> None:
    """A self-contained HTML report: a session's, with a chart per question, or the term's
    of a course (as ``term --html``)."""
    from basestation.outfiles import OutputError, private_output

    if (session_id is None) == (course is None):
        raise click.UsageError("choose one of --session ID and --course NAME")
    try:
        with db.Reader(resolve_db(db_path)) as reader:
            page = (
                _session_page(reader, session_id, band)
                if session_id is not None
                else _term_page(reader, course or "")
            )
    except StoreError as error:
        raise click.ClickException(str(error)) from error
    try:
        with private_output(output, database=resolve_db(db_path), force=force) as stream:
            stream.write(page)
    except OutputError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"wrote {output}")


def _session_page(reader: Any, session_id: int, band: DiscussionBand) -> str:
    from basestation.afterclass.report import render_report
    from basestation.afterclass.session_analysis import analyze_session

    return render_report(analyze_session(reader, session_id, band), f"Session {session_id}")


def _term_page(reader: Any, course: str) -> str:
    from basestation.afterclass.term import term_picture
    from basestation.afterclass.term_report import render_term

    picture = term_picture(reader, course)
    if not picture["sessions"]:
        raise click.ClickException(f"no session of the course {course!r}")
    return render_term(picture)
