"""The commands of the lecture: record and watch (run: cli/run_command.py)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from basestation.cli.options import (
    ReceiverUrlProblem,
    band_option,
    choices_option,
    db_option,
    receiver_of,
    resolve_db,
    stop_on_signals,
)
from basestation.db import StoreError
from basestation.peer_instruction import DiscussionBand
from drivers.errors import ReceiverError, ReceiverUrlError


@click.command()
@click.option(
    "--receiver",
    "receiver_urls",
    required=True,
    multiple=True,
    help="Receiver URL: serial:///dev/ttyACM0, sim://300?seed=7, …",
)
@db_option
@click.option("--question", help="Text of the question (for the record).")
@click.option(
    "--questions",
    "questions_file",
    type=click.Path(path_type=Path, exists=True),
    help="A prepared question set (text2qti, GIFT, a bank's folder): with --number.",
)
@click.option(
    "--number", type=click.IntRange(min=1), help="Which question of --questions to poll (from 1)."
)
@click.option("--session", type=int, help="Continue this session instead of starting one.")
@click.option("--revote", is_flag=True, help="A second round of the session's latest question.")
@click.option("--duration", type=click.FloatRange(min=0), help="Stop after this many seconds.")
@click.option("--course", help="Course name of a new session.")
@click.option(
    "--capture",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write what the receiver sent to this capture file (.gz compresses).",
)
@click.option(
    "--anonymous", is_flag=True, help="A new session whose votes are never linked to students."
)
@click.option("--channel", help="Radio channel AA..DD (the handsets' setting).")
@choices_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def record(
    receiver_urls: tuple[str, ...],
    db_path: Path | None,
    question: str | None,
    questions_file: Path | None,
    number: int | None,
    session: int | None,
    revote: bool,
    duration: float | None,
    course: str | None,
    capture: Path | None,
    anonymous: bool,
    channel: str | None,
    choices: int,
    as_json: bool,
) -> None:
    """Record one poll until DURATION ends, the receiver ends, or Ctrl-C / SIGTERM."""
    from basestation.cli.recording import RecordRequest, record_poll
    from basestation.live.polls import PollStateError

    if revote and session is None:
        raise click.UsageError("--revote needs --session ID")
    receiver = receiver_of(receiver_urls)
    prepared = _prepared_question(questions_file, number, question)
    if anonymous and capture is not None:
        raise click.UsageError(
            "a capture holds every handset's ID: it cannot be made of an --anonymous session"
        )
    request = RecordRequest(
        receiver_urls,
        resolve_db(db_path),
        question,
        session,
        revote,
        duration,
        course,
        capture,
        anonymous,
        channel,
        prepared,
        choices,
        receiver,
    )
    stop = stop_on_signals()
    if not as_json:
        click.echo(
            f"recording from {' + '.join(receiver_urls)} into {request.db_path}; Ctrl-C stops",
            err=True,
        )
    try:
        live = LiveCount() if sys.stderr.isatty() else None
        result = record_poll(
            request,
            stop,
            on_notice=lambda notice: click.echo(
                f"\nnote: {notice}" if live else f"note: {notice}", err=True
            ),
            on_progress=live,
        )
        if live is not None:
            live.done()
    except ReceiverUrlError as error:
        raise ReceiverUrlProblem(str(error)) from None
    except (ReceiverError, StoreError, PollStateError) as error:
        raise click.ClickException(str(error)) from error
    if as_json:
        click.echo(json.dumps(result))
        if "store_error" in result:
            raise click.ClickException(result["store_error"])
        return
    click.echo(
        f"session {result['session']}, question {result['question']}, "
        f"round {result['round']} (poll {result['poll']}), "
        f"stopped by {result['stopped_by']}"
    )
    for answer, count in result["counts"].items():
        click.echo(f"  {answer}: {count}")
    click.echo(
        f"voters {result['voters']}, votes {result['votes']}, duplicates "
        f"{result['duplicates']}, invalid {result['invalid']}, late {result['late']}"
    )
    if "store_error" in result:
        raise click.ClickException(result["store_error"])


class LiveCount:
    """``record``'s running count on a terminal's stderr, one line rewritten in place."""

    def __call__(self, snapshot: Any) -> None:
        click.echo(
            f"\r  {snapshot.voters} voters, {snapshot.votes} votes, "
            f"{snapshot.duplicates} duplicates, {snapshot.invalid} invalid   ",
            err=True,
            nl=False,
        )

    def done(self) -> None:
        click.echo("", err=True)


def _prepared_question(
    questions_file: Path | None, number: int | None, question: str | None
) -> Any:
    """Question ``number`` of a prepared set, or None when none is asked for."""
    if (questions_file is None) != (number is None):
        raise click.UsageError("--questions FILE and --number N go together")
    if questions_file is None or number is None:
        return None
    if question is not None:
        raise click.UsageError("choose one of --question and --questions")
    questions = load_prepared(questions_file)
    if number > len(questions):
        raise click.ClickException(
            f"{questions_file} has {len(questions)} question(s), not {number}"
        )
    return questions[number - 1]


def load_prepared(path: Path) -> list[Any]:
    """A prepared set, read and checked whole before anything starts: what was left out
    is said on stderr, a question that cannot be shown stops here, not in front of the
    class."""
    from basestation.formats.question_file import (
        QuestionFileError,
        check_prepared,
        read_questions,
    )
    from basestation.textsafe import shown

    notes: list[str] = []
    try:
        questions = read_questions(path, notes)
        check_prepared(path, questions)
    except QuestionFileError as error:
        raise click.ClickException(shown(str(error))) from error
    finally:
        for note in notes:
            click.echo(shown(note), err=True)
    return questions


def tell_what_was_saved(done: Any) -> None:
    """After the dashboard: the session, where it is, and what to try next."""
    click.echo(f"session {done.session_id}: {done.questions} question(s) saved in {done.db_path}")
    click.echo(
        f"next: basestation analyze --session {done.session_id} --db {done.db_path}"
        f"   (or: basestation report --session {done.session_id} --db {done.db_path})"
    )
    if done.store_error:
        raise click.ClickException(done.store_error)


@click.command()
@db_option
@click.option("--hide-results", is_flag=True, help="Start with the bars hidden.")
@band_option
def watch(db_path: Path | None, hide_results: bool, band: DiscussionBand) -> None:
    """Follow the poll being recorded into the database, read-only (the TA's view)."""
    from basestation.live.follower import DatabaseFollower
    from basestation.tui.watch_app import WatchApp

    try:
        follower = DatabaseFollower(resolve_db(db_path))
    except StoreError as error:
        raise click.ClickException(str(error)) from error
    try:
        WatchApp(follower, hide_results=hide_results, band=band).run()
    finally:
        follower.close()
