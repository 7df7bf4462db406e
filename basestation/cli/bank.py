"""``basestation bank``: share questions with what happened when they were used."""

from __future__ import annotations

import json
from pathlib import Path

import click

from basestation.cli.options import db_option, resolve_db
from basestation.db import StoreError

FORMATS = ("bank", "text2qti", "gift")


@click.group()
def bank() -> None:
    """Question banks: export questions with their history, import a colleague's, list."""


@bank.command("export")
@db_option
@click.option(
    "--out",
    "output",
    type=click.Path(path_type=Path),
    required=True,
    help="The bank's folder (or the .md / .gift file with --format).",
)
@click.option(
    "--session",
    "session_ids",
    type=int,
    multiple=True,
    help="Only the questions of this session (repeat for several).",
)
@click.option("--course", help="Only the questions of this course's sessions.")
@click.option(
    "--origin",
    default="unnamed",
    help="Who or where these uses come from, kept with each (e.g. 'Physics, Univ. X').",
)
@click.option(
    "--course-label", help="The course name each use is given (default: the session's course)."
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="bank",
    show_default=True,
    help="bank: a folder with history; text2qti or gift: the questions only, for Canvas or Moodle.",
)
def export(
    db_path: Path | None,
    output: Path,
    session_ids: tuple[int, ...],
    course: str | None,
    origin: str,
    course_label: str | None,
    output_format: str,
) -> None:
    """Write the questions of chosen sessions (default: every question known here), each
    with the history of its uses: counts only, never a student or a handset."""
    from basestation import db
    from basestation.afterclass.bank_history import bank_entries
    from basestation.formats.bank import SHARED_FILE, SHARED_FOLDER, write_bank, write_images
    from basestation.formats.question_errors import QuestionFileError
    from basestation.formats.quiz_gift import write_gift
    from basestation.formats.quiz_text2qti import write_text2qti
    from basestation.outfiles import make_folder, write_atomically

    try:
        with db.Reader(resolve_db(db_path)) as reader:
            sessions = set(session_ids) or None
            if course is not None:
                sessions = (sessions or set()) | {
                    row["session"] for row in reader.course_sessions(course)
                }
            entries = bank_entries(
                reader, origin=origin, sessions=sessions, course_label=course_label
            )
    except StoreError as error:
        raise click.ClickException(str(error)) from error
    if not entries:
        raise click.ClickException(
            "no question with words in those sessions (questions "
            "need a text: run --questions FILE, or t on the dashboard)"
        )
    questions = [entry.question for entry in entries]
    try:
        if output_format == "bank":
            write_bank(output, entries)
        elif output_format == "gift":
            write_atomically(output, write_gift(questions).encode("utf-8"), SHARED_FILE)
        else:
            make_folder(output.parent, SHARED_FOLDER)
            quiz = write_text2qti(questions, output.stem).encode("utf-8")
            write_atomically(output, quiz, SHARED_FILE)
            write_images(output.parent, questions)  # the quiz's images go beside it
    except (OSError, QuestionFileError) as error:
        raise click.ClickException(f"cannot write {output}: {error}") from error
    uses = sum(len(entry.uses) for entry in entries)
    click.echo(f"wrote {len(entries)} question(s) with {uses} use(s) to {output}")


@bank.command("import")
@db_option
@click.argument("source", type=click.Path(exists=True, path_type=Path))
def import_bank(db_path: Path | None, source: Path) -> None:
    """Merge a colleague's bank (a folder), or a question file (text2qti, GIFT), into the
    database: each use keeps its origin; a use already here is not added again."""
    from basestation import db
    from basestation.db.bank import add_bank
    from basestation.formats.bank import BankEntry, read_bank, use_json
    from basestation.formats.question_errors import QuestionFileError
    from basestation.formats.question_file import read_questions
    from basestation.textsafe import shown

    notes: list[str] = []
    try:
        entries = (
            read_bank(source, notes)
            if source.is_dir()
            else [BankEntry(question, ()) for question in read_questions(source, notes)]
        )
    except QuestionFileError as error:
        _tell(notes)
        raise click.ClickException(shown(str(error))) from error
    _tell(notes)
    batch = [(entry.question, [use_json(use) for use in entry.uses]) for entry in entries]
    try:
        with db.Store(resolve_db(db_path)) as store:
            added = store.call(add_bank, batch)  # one transaction: the whole bank or nothing
    except StoreError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"imported {len(entries)} question(s), {added} new use(s) from {shown(str(source))}")


@bank.command("show")
@db_option
@click.argument("source", required=False, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True)
def show(db_path: Path | None, source: Path | None, as_json: bool) -> None:
    """List a bank's questions (a folder, or the database's) with their record."""
    from basestation import db
    from basestation.afterclass.bank_history import bank_entries
    from basestation.formats.bank import read_bank, record_text
    from basestation.formats.question_errors import QuestionFileError
    from basestation.textsafe import shown

    try:
        if source is not None:
            entries = read_bank(source)
        else:
            with db.Reader(resolve_db(db_path)) as reader:
                entries = bank_entries(reader, origin="here")
    except (QuestionFileError, StoreError) as error:
        raise click.ClickException(str(error)) from error
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "id": e.question.bank_id,
                        "text": e.question.text,
                        "uses": len(e.uses),
                        "record": record_text(e.uses),
                    }
                    for e in entries
                ]
            )
        )
        return
    for entry in entries:
        question = entry.question
        tags = f"  [{shown(', '.join(question.tags))}]" if question.tags else ""
        click.echo(f"{question.bank_id}  {shown(question.text)[:70]}{tags}")
        click.echo(f"    {shown(record_text(entry.uses))}")


def _tell(notes: list[str]) -> None:
    """What was left out of a file from elsewhere, a line each, on stderr."""
    from basestation.textsafe import shown

    for note in notes:
        click.echo(shown(note), err=True)
