"""The after-class commands: sessions, exports, keys, analysis, reports, rosters,
grading rules and imports. They read and edit the database; no receiver involved."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import click

from basestation.cli import db_option, main, resolve_db
from basestation.store import StoreError


@main.command()
@db_option
@click.option("--json", "as_json", is_flag=True)
def sessions(db_path: Path | None, as_json: bool) -> None:
    """List the recorded sessions."""
    from basestation.export import list_sessions, open_existing

    try:
        rows = list_sessions(open_existing(resolve_db(db_path)))
    except StoreError as error:
        raise click.ClickException(str(error)) from error
    if as_json:
        click.echo(json.dumps([{key: row[key] for key in ("session", "started_at", "questions",
                                                          "votes")} for row in rows]))
        return
    if not rows:
        click.echo("no sessions yet")
    for row in rows:
        label = " ".join(str(part) for part in (row["course"], row["title"]) if part)
        click.echo(f"{row['session']:>4}  {row['started_at']}  {row['questions']:>3} questions  "
                   f"{row['votes']:>6} votes  {label}")


@main.command()
@db_option
@click.option("--session", "session_id", type=int, required=True)
@click.option("--format", "output_format",
              type=click.Choice(["csv", "json", "students", "gradebook"]), default="json",
              show_default=True, help="csv/json: every vote; students: one row per student "
              "and question; gradebook: points for an LMS import")
@click.option("--lms", type=click.Choice(["canvas", "moodle", "blackboard", "generic"]),
              default="generic", show_default=True, help="Gradebook layout.")
@click.option("--column", help="Gradebook column name (default: clicker session N).")
@click.option("-o", "--output", type=click.File("w"), default="-")
def export(db_path: Path | None, session_id: int, output_format: str, lms: str,
           column: str | None, output: Any) -> None:
    """Export a session: its votes, per-student results, or a gradebook."""
    from basestation.export import open_existing, session_export, write_votes_csv
    from basestation.grade_export import grades_json, write_gradebook_csv, write_students_csv
    from basestation.grading import grade_session

    try:
        db = open_existing(resolve_db(db_path))
        if output_format in ("students", "gradebook"):
            grades = grade_session(db, session_id)
            if output_format == "students":
                write_students_csv(grades, output)
            else:
                write_gradebook_csv(grades, output, lms, column or f"clicker session {session_id}")
            return
        data = session_export(db, session_id)
        data["students"] = grades_json(grade_session(db, session_id))
    except StoreError as error:
        raise click.ClickException(str(error)) from error
    if output_format == "json":
        output.write(json.dumps(data, indent=1) + "\n")
    else:
        write_votes_csv(data, output)


@main.group()
def roster() -> None:
    """The class roster: students and their handsets."""


@roster.command("import")
@db_option
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def roster_import(db_path: Path | None, source: Path) -> None:
    """Import a roster CSV (all or nothing; each problem is named with its line)."""
    from basestation.roster import RosterError, parse_roster
    from basestation.roster_store import import_roster
    from basestation.store import Store

    try:
        entries = parse_roster(source.read_text(encoding="utf-8-sig"))
    except (RosterError, UnicodeDecodeError) as error:
        raise click.ClickException(str(error)) from error
    with Store(resolve_db(db_path)) as store:
        counts = store.call(lambda db: import_roster(db, entries))
    click.echo(f"imported {counts['students']} students with {counts['handsets']} handset IDs")


@roster.command("assign")
@db_option
@click.argument("handset")
@click.argument("student_id")
@click.option("--session", "session_id", type=int, help="A loaner for this session only.")
def roster_assign(db_path: Path | None, handset: str, student_id: str,
                  session_id: int | None) -> None:
    """Give HANDSET to STUDENT_ID (its earlier votes count for them too)."""
    from basestation.export import open_existing
    from basestation.roster_store import assign_handset

    try:
        assign_handset(open_existing(resolve_db(db_path)), handset, student_id, session_id)
    except StoreError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{handset} -> {student_id}" + (f" in session {session_id}" if session_id else ""))


@main.command()
@db_option
@click.option("--session", "session_id", type=int, required=True)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="The HTML file to write.")
def report(db_path: Path | None, session_id: int, output: Path) -> None:
    """A self-contained HTML report of a session, with a chart per question."""
    from basestation.export import open_existing
    from basestation.report import render_report
    from basestation.session_analysis import analyze_session

    try:
        analysis = analyze_session(open_existing(resolve_db(db_path)), session_id)
    except StoreError as error:
        raise click.ClickException(str(error)) from error
    output.write_text(render_report(analysis, f"Session {session_id}"), encoding="utf-8")
    click.echo(f"wrote {output}")


@main.command("import-classic")
@db_option
@click.option("--course", help="Course name of the imported sessions.")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_classic_command(db_path: Path | None, course: str | None, files: tuple[Path, ...]
                           ) -> None:
    """Import iClicker Classic session files (L*.xml) as sessions."""
    from basestation.classic_import import ClassicImportError, import_classic
    from basestation.store import Store

    with Store(resolve_db(db_path)) as store:
        for path in files:
            try:
                session_id = store.call(functools.partial(import_classic, path=path,
                                                          course=course))
            except ClassicImportError as error:
                raise click.ClickException(str(error)) from error
            click.echo(f"{path} -> session {session_id}")


@main.command()
@db_option
@click.option("--course", default="", help="Course the rules apply to.")
@click.option("--participation-percent", type=click.FloatRange(0, 100))
@click.option("--participation-points", type=click.FloatRange(min=0))
@click.option("--answer-points", type=click.FloatRange(min=0))
@click.option("--correct-points", type=click.FloatRange(min=0))
def grading(db_path: Path | None, course: str, participation_percent: float | None,
            participation_points: float | None, answer_points: float | None,
            correct_points: float | None) -> None:
    """Show or set a course's grading rules."""
    from dataclasses import asdict, replace

    from basestation.grading import rules_for, set_rules
    from basestation.store import Store

    changes = {name: value for name, value in (
        ("participation_percent", participation_percent),
        ("participation_points", participation_points), ("answer_points", answer_points),
        ("correct_points", correct_points)) if value is not None}
    with Store(resolve_db(db_path)) as store:
        rules = store.call(lambda db: rules_for(db, course))
        if changes:
            rules = replace(rules, **changes)
            store.call(lambda db: set_rules(db, course, rules))
    click.echo(json.dumps({"course": course, **asdict(rules)}))


@main.command()
@db_option
@click.option("--session", "session_id", type=int, required=True)
@click.option("--question", "number", type=click.IntRange(min=1), required=True,
              help="Question number within the session, from 1.")
@click.argument("answer", type=click.Choice(["A", "B", "C", "D", "E", "none"],
                                            case_sensitive=False))
def key(db_path: Path | None, session_id: int, number: int, answer: str) -> None:
    """Set or correct the correct answer of a question after class."""
    from basestation.export import open_existing
    from basestation.session_analysis import set_answer_key

    value = None if answer.lower() == "none" else answer.upper()
    try:
        db = open_existing(resolve_db(db_path))
        set_answer_key(db, session_id, number, value)
    except StoreError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"session {session_id}, question {number}: correct answer {value or 'none'}")


@main.command()
@db_option
@click.option("--session", "session_id", type=int, required=True)
@click.option("--json", "as_json", is_flag=True)
def analyze(db_path: Path | None, session_id: int, as_json: bool) -> None:
    """Peer Instruction figures of a session: tallies, percent correct, switching, gain."""
    from basestation.export import open_existing
    from basestation.session_analysis import analyze_session

    try:
        report = analyze_session(open_existing(resolve_db(db_path)), session_id)
    except StoreError as error:
        raise click.ClickException(str(error)) from error
    if as_json:
        click.echo(json.dumps(report))
        return
    for question in report["questions"]:
        click.echo(f"Question {question['question']} (correct {question['correct'] or '-'})")
        for figures in question["rounds"]:
            counts = "  ".join(f"{a} {c}" for a, c in figures["counts"].items())
            right = figures["percent_correct"]
            click.echo(f"  vote {figures['round']}: {figures['voters']} voters  {counts}"
                       + ("" if right is None else f"  {right}% correct"))
        if "paired" in question:
            switches = question["switches"]
            gain = question["gain"]
            click.echo(f"  {question['paired']} voted twice"
                       + ("" if switches is None else
                          f"; RR {switches['RR']} WR {switches['WR']} RW {switches['RW']} "
                          f"WW {switches['WW_same']}+{switches['WW_diff']}")
                       + ("" if gain is None else f"; normalized gain {gain:.2f}"))
        click.echo(f"  {question.get('hint', '')}")
