"""``basestation groups``: discussion groups of neighbours after a question's vote 1."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from basestation import db
from basestation.cli.options import db_option, resolve_db
from basestation.db import StoreError
from basestation.textsafe import shown


@click.command()
@db_option
@click.option("--session", "session_id", type=int, required=True)
@click.option("--question", type=int, help="Which question (default: the latest polled).")
@click.option("--size", type=click.Choice(["2", "3"]), default="2", show_default=True)
@click.option(
    "--seats",
    "seats_file",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="CSV of the session's seating: a Student ID (or Handset) column and a Seat (C12); "
    "without it, the seat column of the course's roster.",
)
@click.option(
    "--store",
    is_flag=True,
    help="Keep these groups with the poll (analyze then "
    "compares the revote of mixed and same-answer groups).",
)
@click.option("--json", "as_json", is_flag=True)
def groups(
    db_path: Path | None,
    session_id: int,
    question: int | None,
    size: str,
    seats_file: Path | None,
    store: bool,
    as_json: bool,
) -> None:
    """Groups of neighbours for the discussion after vote 1, as many as possible holding
    different answers; beside it, how many plain neighbour pairs would have."""
    from basestation.afterclass.grouping import form_groups, is_mixed, mixed_share
    from basestation.afterclass.session_analysis import load_rounds
    from basestation.cli.options import load_seating

    try:
        with db.Reader(resolve_db(db_path)) as reader:
            course = reader.session(session_id)["course"]
            questions = [q for q in reader.questions(session_id) if load_rounds(reader, q["id"])]
            chosen = [q for q in questions if question in (None, q["number"])]
            if not chosen:
                raise click.ClickException(
                    f"session {session_id} has no polled question {question or ''}".strip()
                )
            asked = chosen[-1]
            first_round = load_rounds(reader, asked["id"])[0]
            answers = first_round.latest
            names = {
                h["handset"]: (s["student_id"], s["name"] or "")
                for s in reader.students()
                for h in reader.handsets_of_students().get(s["id"], [])
            }
    except StoreError as error:
        raise click.ClickException(str(error)) from error
    seat_of = load_seating(resolve_db(db_path), course, seats_file)
    if not seat_of:
        raise click.UsageError("no seats known: give --seats FILE or a roster with a Seat column")
    seated = {seat_of[h]: a for h, a in answers.items() if h in seat_of}
    who = {seat_of[h]: h for h in answers if h in seat_of}
    unseated = sorted(h for h in answers if h not in seat_of)
    keys = asked["correct"] or ""
    grouping = form_groups(seated, int(size), keys)
    report: dict[str, Any] = {
        "session": session_id,
        "question": asked["number"],
        "size": int(size),
        "groups": [
            {
                "seats": [str(seat) for seat in group],
                "students": [names.get(who[seat], (who[seat], ""))[0] for seat in group],
                "answers": [seated[seat] for seat in group],
                "mixed": is_mixed(group, seated),
            }
            for group in grouping.groups
        ],
        "without_seat": [names.get(h, (h, ""))[0] for h in unseated],
        "mixed_share": round(grouping.mixed_share(seated), 3),
        "neighbour_pairs_mixed_share": round(mixed_share(grouping.baseline, seated), 3),
    }
    if store:
        from basestation.db.groups import store_groups

        kept = [[(who[seat], str(seat)) for seat in group] for group in grouping.groups]
        try:
            with db.Store(resolve_db(db_path)) as writer:
                writer.call(store_groups, first_round.poll, kept)
        except StoreError as error:
            raise click.ClickException(str(error)) from error
    if as_json:
        click.echo(json.dumps(report))
        return
    click.echo(
        f"Question {asked['number']}, vote 1: {len(seated)} seated voters in "
        f"{len(grouping.groups)} groups of {size}"
        + (f"; {len(unseated)} without a seat" if unseated else "")
    )
    for number, group in enumerate(report["groups"], 1):
        members = "  ".join(
            f"{seat} {shown(student)} {answer}"
            for seat, student, answer in zip(
                group["seats"], group["students"], group["answers"], strict=True
            )
        )
        click.echo(f"  {number:3d}. {members}" + ("   mixed" if group["mixed"] else ""))
    if unseated:
        click.echo("  without a seat: " + ", ".join(shown(s) for s in report["without_seat"]))
    click.echo(
        f"mixed groups: {report['mixed_share']:.0%} (plain neighbour pairs along the rows: "
        f"{report['neighbour_pairs_mixed_share']:.0%})"
    )
