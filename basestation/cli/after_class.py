"""The after-class commands: sessions, exports, keys, rosters,
grading rules and imports. They read and edit the database; no receiver involved."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from basestation import db
from basestation.cli.options import db_option, output_options, resolve_db
from basestation.db.errors import StoreError
from basestation.textsafe import shown


@click.command()
@db_option
@click.option("--json", "as_json", is_flag=True)
@click.option("--course", help="Only the sessions of this course.")
def sessions(db_path: Path | None, as_json: bool, course: str | None) -> None:
    """List the recorded sessions."""
    from basestation.afterclass.export import list_sessions

    try:
        with db.Reader(resolve_db(db_path)) as reader:
            rows = [
                row for row in list_sessions(reader) if course is None or row["course"] == course
            ]
    except StoreError as error:
        raise click.ClickException(str(error)) from error
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        key: row[key]
                        for key in (
                            "session",
                            "started_at",
                            "course",
                            "title",
                            "questions",
                            "votes",
                        )
                    }
                    for row in rows
                ]
            )
        )
        return
    if not rows:
        click.echo("no sessions yet")
    for row in rows:
        label = shown(" ".join(str(part) for part in (row["course"], row["title"]) if part))
        click.echo(
            f"{row['session']:>4}  {row['started_at']}  {row['questions']:>3} questions  "
            f"{row['votes']:>6} votes  {label}"
        )


SPREADSHEET_FORMATS = ("csv", "students", "gradebook", "attendance")
"""CSV files that people open in a spreadsheet. Written to a file they start with a
UTF-8 BOM, which Excel needs to read UTF-8 (and Canvas's and Moodle's importers and
Python's ``utf-8-sig`` take); Blackboard's file is left as its guide shows it."""


@click.command()
@db_option
@click.option(
    "--session",
    "session_ids",
    type=int,
    multiple=True,
    help="A session (repeat for several; a gradebook then has a column each).",
)
@click.option("--course", help="Every session of this course (a term's gradebook).")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["csv", "json", "students", "gradebook", "attendance"]),
    default="json",
    show_default=True,
    help="csv/json: every vote; students: one "
    "row per student and question; gradebook: points for an LMS import; "
    "attendance: questions answered per student and session",
)
@click.option(
    "--lms",
    type=click.Choice(["canvas", "moodle", "blackboard", "generic"]),
    default="generic",
    show_default=True,
    help="Gradebook layout.",
)
@click.option("--column", help="Gradebook column name of a single session.")
@click.option(
    "--total",
    "total_only",
    metavar="NAME",
    help="Gradebook: one column of this name, the sum of the sessions, instead of one each.",
)
@output_options("The file to write (mode 0600); default: standard output.")
def export(
    db_path: Path | None,
    session_ids: tuple[int, ...],
    course: str | None,
    output_format: str,
    lms: str,
    column: str | None,
    total_only: str | None,
    output: Path | None,
    force: bool,
) -> None:
    """Export sessions: their votes, per-student results, a gradebook or attendance."""
    from basestation.afterclass.export_command import run_export
    from basestation.outfiles import OutputError

    database = resolve_db(db_path)
    try:
        with db.Reader(database) as reader:
            text = run_export(
                reader, list(session_ids), course, output_format, lms, column, total_only
            )
        if output is None:
            # on a terminal, a name's control characters are shown, never obeyed; into a
            # pipe or a file the export goes as it is
            terminal = sys.stdout.isatty()
            click.echo(
                "".join(f"{shown(line)}\n" for line in text.splitlines()) if terminal else text,
                nl=False,
            )
            return
        from basestation.outfiles import private_output

        if output_format in SPREADSHEET_FORMATS and lms != "blackboard":
            text = "\ufeff" + text  # UTF-8 with a BOM: Excel then shows every name intact
        with private_output(output, database=database, force=force) as stream:
            stream.write(text)
    except (StoreError, OutputError, ValueError) as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"wrote {output}", err=True)


@click.command("import-classic")
@db_option
@click.option("--course", help="Course name of the imported sessions.")
@click.option("--replace", is_flag=True, help="Import a file already imported anew.")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def import_classic_command(
    db_path: Path | None, course: str | None, replace: bool, paths: tuple[Path, ...]
) -> None:
    """Import iClicker Classic session files (L*.xml), or a whole SessionData/ folder."""
    from basestation.formats.classic_import import ClassicImportError, classic_files, import_classic

    files = classic_files(list(paths))
    problems = []
    with (
        db.Store(resolve_db(db_path)) as store,
        click.progressbar(files, label="importing", file=sys.stderr, show_pos=True) as bar,
    ):
        said = []
        for path in bar:
            try:
                said.append(import_classic(store, path, course, replace)[1])
            except (ClassicImportError, StoreError) as error:
                problems.append(str(error))
    for line in said:
        click.echo(shown(line))
    for problem in problems:
        click.echo(f"skipped: {shown(problem)}", err=True)
    if problems:
        raise click.ClickException(
            f"{len(problems)} of {len(files)} file(s) skipped (above); the others were imported"
        )


@click.command()
@db_option
@click.option("--course", default="", help="Course the rules apply to.")
@click.option("--participation-percent", type=click.FloatRange(0, 100))
@click.option("--participation-points", type=click.FloatRange(min=0))
@click.option("--answer-points", type=click.FloatRange(min=0))
@click.option("--correct-points", type=click.FloatRange(min=0))
def grading(
    db_path: Path | None,
    course: str,
    participation_percent: float | None,
    participation_points: float | None,
    answer_points: float | None,
    correct_points: float | None,
) -> None:
    """Show or set a course's grading rules."""
    from dataclasses import asdict, replace

    from basestation.afterclass.grading import GradingRules
    from basestation.db.roster import grading_rules, set_grading_rules

    changes = {
        name: value
        for name, value in (
            ("participation_percent", participation_percent),
            ("participation_points", participation_points),
            ("answer_points", answer_points),
            ("correct_points", correct_points),
        )
        if value is not None
    }
    with db.Store(resolve_db(db_path)) as store:
        stored = store.call(grading_rules, course)
        rules = GradingRules(**stored) if stored else GradingRules()
        if changes:
            rules = replace(rules, **changes)
            store.call(set_grading_rules, course, asdict(rules))
    click.echo(json.dumps({"course": course, **asdict(rules)}))


@click.command()
@db_option
@click.option("--session", "session_id", type=int, required=True)
@click.option(
    "--question",
    "number",
    type=click.IntRange(min=1),
    required=True,
    help="Question number within the session, from 1.",
)
@click.argument("answer")
def key(db_path: Path | None, session_id: int, number: int, answer: str) -> None:
    """Set or correct the key of a question after class: one of its choices (A, B, …),
    several (AC), or none."""
    from basestation.db.commands import set_key_by_number

    value = None if answer.lower() == "none" else answer.upper()
    try:
        db.Reader(resolve_db(db_path)).close()  # an existing database, never a new one
        with db.Store(resolve_db(db_path)) as store:
            store.call(set_key_by_number, session_id, number, value)
    except StoreError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"session {session_id}, question {number}: correct answer {value or 'none'}")


@click.command()
@click.argument("journal", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--db",
    "db_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The database to put the votes into (default: the one the file names).",
)
def recover(journal: Path, db_path: Path | None) -> None:
    """Put the votes of a rescue file (``<db>.unsaved-….jsonl``) into the database, once."""
    from basestation.db.lock import holds_recorder
    from basestation.db.rescue import mark_recovered, put_back, read_journal

    try:
        read_journal(journal)  # a clear error for a file that is not one
        target = db_path or _journal_database(journal)
        holder = holds_recorder(target)
        if holder is not None:
            raise StoreError(
                f"{holder.split(';')[0]}; the recorder puts rescue files back "
                "itself when it starts, or run this once it has stopped"
            )
        with db.Store(target) as store:
            result = store.call(put_back, journal)
        done = mark_recovered(journal)
    except StoreError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"put {result.votes_added} votes into {target} ({result.votes_already_stored} "
        f"were already there, {result.steps} poll updates, {result.polls_closed} polls "
        f"closed, {result.unreadable_lines} unreadable lines); {journal} is now {done}"
    )


def _journal_database(journal: Path) -> Path:
    """The database the journal's header names (it may lie in another folder)."""
    from basestation.db.rescue import journal_database

    named = journal_database(journal)
    return Path(named) if named else journal.with_name(journal.name.split(".unsaved-")[0])
