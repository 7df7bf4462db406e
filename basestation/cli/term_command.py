"""``basestation term``: the term's picture of a course."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from basestation.cli.options import FORCE_HELP, db_option, resolve_db
from basestation.db import StoreError


@click.command()
@db_option
@click.option("--course", required=True, help="The course whose sessions make the term.")
@click.option(
    "--absent-sessions",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Name the students who have not answered in this many last sessions.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option(
    "--html",
    "html_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write the term's page with charts (private: it names students).",
)
@click.option("--force", is_flag=True, help=FORCE_HELP)
def term(
    db_path: Path | None,
    course: str,
    absent_sessions: int,
    as_json: bool,
    html_path: Path | None,
    force: bool,
) -> None:
    """Response rate per session and question, who has not answered lately, the share of
    the roster taking part, response times and each question's normalized gain."""
    from basestation import db
    from basestation.afterclass.term import term_picture

    try:
        with db.Reader(resolve_db(db_path)) as reader:
            picture = term_picture(reader, course, absent_sessions)
    except StoreError as error:
        raise click.ClickException(str(error)) from error
    if not picture["sessions"]:
        raise click.ClickException(
            f"no session of the course {course!r} (`basestation sessions` lists them)"
        )
    if html_path is not None:
        _write_page(picture, html_path, resolve_db(db_path), force)
    if as_json:
        click.echo(json.dumps(picture))
        return
    _print(picture)


def _write_page(picture: dict[str, Any], path: Path, database: Path, force: bool) -> None:
    from basestation.afterclass.term_report import render_term
    from basestation.outfiles import OutputError, private_output

    try:
        with private_output(path, database=database, force=force) as stream:
            stream.write(render_term(picture))
    except OutputError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"wrote {path}", err=True)


def _print(picture: dict[str, Any]) -> None:
    from basestation.peer_instruction import gain_text
    from basestation.textsafe import shown

    def percent(value: float | None) -> str:
        return "-" if value is None else f"{value:.0%}"

    roster = f"roster of {picture['roster']}" if picture["roster"] else "no roster"
    click.echo(
        f"Term of {shown(picture['course'])}: {len(picture['sessions'])} session(s), "
        f"{roster}; {percent(picture['roster_share'])} of the roster took part"
    )
    click.echo(f"rates are of the {picture['rates_of']}")
    for session in picture["sessions"]:
        times = session["response_times"]
        click.echo(
            f"  session {session['session']} {shown(session['label'])}: {session['voters']} "
            f"voters ({percent(session['response_rate'])}), first vote median "
            f"{times['median_s']} s, 90th percentile {times['p90_s']} s"
            + ("  [anonymous]" if session["anonymous"] else "")
            + (
                f"  ({session['unregistered']} handset(s) of nobody on the roster)"
                if session["unregistered"]
                else ""
            )
        )
        for question in session["questions"]:
            click.echo(
                f"      Q{question['question']} {percent(question['response_rate'])}"
                f"  {shown(question['text'] or '')[:60]}"
            )
    for gain in picture["gains"]:
        click.echo(
            f"  gain {gain['date']} Q{gain['question']}: {gain_text(gain['gain'], gain['paired'])}"
        )
    absent = picture["absent"]
    if absent is None:
        click.echo(
            "who has not answered lately cannot be told (no roster, or only "
            "anonymous sessions lately)"
        )
        return
    click.echo(
        f"{len(absent)} student(s) have not answered in the last "
        f"{picture['absent_sessions']} session(s)"
    )
    for student in absent:
        click.echo(f"  {shown(student['student_id'])}  {shown(student['name'])}")
