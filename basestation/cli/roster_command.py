"""``basestation roster``: the class roster, its students and their handsets."""

from __future__ import annotations

import csv
from pathlib import Path

import click

from basestation import db
from basestation.cli.options import db_option, output_options, resolve_db
from basestation.db.errors import StoreError
from basestation.textsafe import shown


@click.group()
def roster() -> None:
    """The class roster: students and their handsets."""


@roster.command("import")
@db_option
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--move", is_flag=True, help="Move handsets another student registered.")
@click.option(
    "--course", help="The course this roster is of (its grades then list only these students)."
)
def roster_import(db_path: Path | None, source: Path, move: bool, course: str | None) -> None:
    """Import a roster CSV (all or nothing; each problem is named with its line)."""
    from basestation.formats.roster import RosterError, parse_roster
    from basestation.formats.roster_file import read_roster_text
    from basestation.formats.roster_store import import_roster

    try:
        entries = parse_roster(read_roster_text(source))
        with db.Store(resolve_db(db_path)) as store:
            done = import_roster(store, entries, move, course, source.name)
    except (RosterError, StoreError) as error:
        raise click.ClickException(str(error)) from error
    also = done.forms
    click.echo(
        f"imported {done.students} students and {done.registered} handsets"
        + (f" ({also} more ID{'s' * (also != 1)}: forms LMS tools also register)" if also else "")
    )
    for line in changes_lines(done.changes):
        click.echo(f"  {line}")
    if any(entry.seat for entry in entries) and not course:
        click.echo("  seats are kept per course: import again with --course to keep them")


CHANGE_WORDS = {
    "added": "new students",
    "updated": "students whose name or email changed",
    "handsets_added": "new handsets",
    "handsets_moved": "handsets moved to another student",
    "not_in_file": "students of the course not in the file (kept)",
}


def changes_lines(changes: dict[str, list[str]], most: int = 8) -> list[str]:
    """``new students: 2 (s41, s42)``, one line per kind of change that happened."""
    lines = []
    for kind, words in CHANGE_WORDS.items():
        items = changes.get(kind, [])
        if items:
            listed = ", ".join(shown(str(item)) for item in items[:most])
            more = f", … {len(items) - most} more" if len(items) > most else ""
            lines.append(f"{words}: {len(items)} ({listed}{more})")
    return lines or ["nothing changed"]


@roster.command("codes")
@db_option
@click.option("--course", required=True, help="The course whose students get codes.")
@output_options(
    "The CSV to hand out through the LMS (Student ID, Name, Code; mode 0600).", required=True
)
def roster_codes(db_path: Path | None, course: str, output: Path, force: bool) -> None:
    """A new personal code for each student of the course, to sign in on a phone
    (web:// receiver). Only hashes are kept: codes made before stop working."""
    from basestation.db.phones import make_codes
    from basestation.outfiles import OutputError, private_output

    try:
        db.Reader(resolve_db(db_path)).close()  # an existing database, never a new one
        with db.Store(resolve_db(db_path)) as store:
            made = store.call(make_codes, course)
    except StoreError as error:
        raise click.ClickException(str(error)) from error
    try:
        with private_output(output, database=resolve_db(db_path), force=force) as stream:
            stream.write("\ufeff")  # Excel reads the names as UTF-8
            writer = csv.writer(stream, lineterminator="\r\n")
            writer.writerow(["Student ID", "Name", "Code"])
            writer.writerows(made)
    except OutputError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"wrote {len(made)} codes for {shown(course)} to {output}; "
        "each student's earlier code no longer works"
    )


@roster.command("assign")
@db_option
@click.argument("handset")
@click.argument("student_id")
@click.option("--session", "session_id", type=int, help="A loaner for this session only.")
@click.option("--move", is_flag=True, help="Take the handset from the student it belongs to.")
def roster_assign(
    db_path: Path | None, handset: str, student_id: str, session_id: int | None, move: bool
) -> None:
    """Give HANDSET to STUDENT_ID (its earlier votes count for them too)."""
    from basestation.formats.roster_store import assign_handset

    try:
        db.Reader(resolve_db(db_path)).close()  # an existing database, never a new one
        with db.Store(resolve_db(db_path)) as store:
            handset = assign_handset(store, handset, student_id, session_id, move)
    except StoreError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{handset} -> {student_id}" + (f" in session {session_id}" if session_id else ""))


@roster.command("show")
@db_option
@click.option("--course", help="This course's students only.")
@click.option("--json", "as_json", is_flag=True)
def roster_show(db_path: Path | None, course: str | None, as_json: bool) -> None:
    """The students as stored, each with their handsets and the other forms of their IDs."""
    import json

    from basestation.timefmt import local_datetime

    try:
        with db.Reader(resolve_db(db_path)) as reader:
            students = reader.students(course)
            handsets = reader.handsets_of_students()
            last = reader.last_roster_import(course)
    except StoreError as error:
        raise click.ClickException(str(error)) from error
    changes = json.loads(last["changes"]) if last else None
    if as_json:
        rows = [
            {
                "student_id": s["student_id"],
                "name": s["name"],
                "email": s["email"],
                "handsets": handsets.get(s["id"], []),
                "seat": s.get("seat"),
            }
            for s in students
        ]
        last_import = (
            {"at": last["at"], "source": last["source"], "course": last["course"] or None}
            | {"changes": changes}
            if last
            else None
        )
        click.echo(json.dumps({"students": rows, "last_import": last_import}))
        return
    registered = forms = 0
    for student in students:
        owned = handsets.get(student["id"], [])
        mine = [h["handset"] for h in owned if h["form"] == "registered"]
        other = [f"{h['handset']} ({h['form']})" for h in owned if h["form"] != "registered"]
        registered, forms = registered + len(mine), forms + len(other)
        click.echo(
            f"{shown(student['student_id'])}  {shown(student['name'] or '')}  "
            + (", ".join(mine) or "no handset")
            + (f"  also: {', '.join(other)}" if other else "")
            + (f"  seat {shown(student['seat'])}" if student.get("seat") else "")
        )
    click.echo(f"{len(students)} students, {registered} handsets, {forms} other ID forms")
    if last and changes is not None:
        click.echo(
            f"last import: {shown(last['source'] or 'a roster')} at {local_datetime(last['at'])}"
            + (f" for {shown(last['course'])}" if last["course"] else "")
        )
        for line in changes_lines(changes):
            click.echo(f"  {line}")
