"""``basestation run``: the live dashboard on a receiver, for a whole lecture."""

from __future__ import annotations

from pathlib import Path

import click

from basestation.cli.live import load_prepared, tell_what_was_saved
from basestation.cli.options import (
    ReceiverUrlProblem,
    band_option,
    choices_option,
    db_option,
    discussion_options,
    discussion_settings,
    receiver_of,
    resolve_db,
)
from basestation.db import StoreError
from basestation.peer_instruction import DiscussionBand
from drivers.errors import ReceiverError, ReceiverUrlError


@click.command()
@click.option(
    "--receiver",
    "receiver_urls",
    multiple=True,
    help="Receiver URL, once per receiver (default: the first one found).",
)
@db_option
@click.option("--course", help="Course name of the session.")
@click.option("--instructor", help="Handset ID of the instructor remote (never counted).")
@click.option("--countdown", type=click.FloatRange(min=1), help="Close each poll after N seconds.")
@click.option("--hide-results", is_flag=True, help="Start with the bars hidden (projector).")
@click.option(
    "--anonymous", is_flag=True, help="Votes of this session are never linked to students."
)
@click.option(
    "--capture",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write what the receiver sent to this capture file (.gz compresses).",
)
@click.option(
    "--questions",
    "questions_file",
    type=click.Path(path_type=Path, exists=True),
    help="Prepared questions (text2qti, GIFT, a bank's folder, or one per line): "
    "n opens the next one.",
)
@choices_option
@band_option
@discussion_options
def run(
    receiver_urls: tuple[str, ...],
    db_path: Path | None,
    course: str | None,
    instructor: str | None,
    countdown: float | None,
    hide_results: bool,
    anonymous: bool,
    capture: Path | None,
    questions_file: Path | None,
    choices: int,
    band: DiscussionBand,
    seats_file: Path | None,
    group_size: int,
    auto_close: bool,
) -> None:
    """Open the live dashboard on a receiver."""
    from basestation.assembly import run_dashboard
    from basestation.cli.interrupts import interrupted_early
    from drivers.discovery import NOTHING_FOUND, find_receiver
    from firmware_protocol.handset_id import HandsetIdError, parse_handset_id

    if interrupted_early():  # Ctrl-C while it started: no dashboard, nothing recorded
        raise click.exceptions.Abort()
    receiver = receiver_of(receiver_urls)
    prepared = load_prepared(questions_file) if questions_file else []

    if not receiver_urls:
        from basestation.devices.doctor import usb_bases

        ready = [base.url for base in usb_bases() or [] if base.problem is None]
        found = find_receiver()
        if ready:
            receiver_urls = (ready[0],)
        elif found is not None:
            receiver_urls = (found.url,)
        else:
            raise click.ClickException(NOTHING_FOUND)
    if anonymous and capture is not None:
        raise click.UsageError(
            "a capture holds every handset's ID: it cannot be made of an --anonymous session"
        )
    try:
        instructor_id = parse_handset_id(instructor) if instructor else None
    except HandsetIdError as error:
        raise click.BadParameter(str(error), param_hint="--instructor") from error
    try:
        done = run_dashboard(
            receiver or receiver_urls,
            resolve_db(db_path),
            course=course,
            instructor=instructor_id,
            countdown=countdown,
            hide_results=hide_results,
            anonymous=anonymous,
            capture=capture,
            prepared=prepared,
            choices=choices,
            band=band,
            discussion=discussion_settings(
                resolve_db(db_path), course, seats_file, group_size, auto_close
            ),
        )
    except ReceiverUrlError as error:
        raise ReceiverUrlProblem(str(error)) from None
    except (ReceiverError, StoreError) as error:
        raise click.ClickException(str(error)) from error
    tell_what_was_saved(done)
