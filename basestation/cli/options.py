"""What several commands share: the --db option and a stop event for signals."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from basestation.live.discussion import DiscussionSettings
    from drivers.base import Receiver

from basestation.paths import default_db_path
from basestation.peer_instruction import DEFAULT_BAND, DiscussionBand
from basestation.seats import Seat

DB_OPTION_HELP = "SQLite database file (default: $BASESTATION_DB or the user data directory)"


def db_option(function: Any) -> Any:
    return click.option(
        "--db",
        "db_path",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        help=DB_OPTION_HELP,
    )(function)


FORCE_HELP = "Replace a file basestation did not write."


def output_options(
    help: str, *, required: bool = False
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``-o/--output FILE`` (``help`` says what it holds) and ``--force``: the one pair
    of options of every command that writes a file."""

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        command = click.option("--force", is_flag=True, help=FORCE_HELP)(command)
        return click.option(
            "-o",
            "--output",
            type=click.Path(path_type=Path, dir_okay=False),
            required=required,
            help=help,
        )(command)

    return decorate


def resolve_db(db_path: Path | None) -> Path:
    return db_path if db_path is not None else default_db_path()


def stop_on_signals() -> threading.Event:
    """An event set by SIGINT or SIGTERM, so a poll is closed cleanly on either.

    The handler runs on the main thread: the main thread may test it (``is_set``) but must
    never block in its ``wait``, whose lock the handler would then wait for forever."""
    from basestation.cli.interrupts import interrupted_early

    stop = threading.Event()
    if interrupted_early():
        stop.set()  # Ctrl-C came while the program started: the poll ends at once

    def handler(signum: int, frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)
    return stop


class ReceiverUrlProblem(click.ClickException):
    """A receiver URL that cannot be right (a typo'd parameter, a bad value): a usage
    error, exit status 2, before anything is opened or written."""

    exit_code = 2


def receiver_of(urls: tuple[str, ...] | list[str]) -> Receiver | None:
    """The receiver the URLs name, built (never opened) before anything is said, opened
    or written, so a typo or a bad value stops the command there: ReceiverUrlProblem
    (exit 2). None when no URL is given."""
    if not urls:
        return None
    from drivers.errors import ReceiverUrlError
    from drivers.registry import receiver_for_urls

    try:
        return receiver_for_urls(list(urls))
    except ReceiverUrlError as error:
        raise ReceiverUrlProblem(str(error)) from None


def _band(context: click.Context, parameter: click.Parameter, value: str) -> DiscussionBand:
    try:
        return DiscussionBand.parse(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


band_option = click.option(
    "--band",
    default=str(DEFAULT_BAND),
    envvar="BASESTATION_BAND",
    show_default=True,
    callback=_band,
    help="Percent right on vote 1 where peer discussion pays off (discuss, then revote); "
    "below it explain first, above it move on. Also $BASESTATION_BAND.",
)

choices_option = click.option(
    "--choices",
    type=click.IntRange(2, 10),
    help="Choices of an ad-hoc question, A to the Nth letter (a prepared one has its own): "
    "5, or 10 (A-J) when every receiver hears TurningPoint ResponseCards; a press beyond "
    "them is counted as out of range, never as a vote.",
)


def discussion_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--seats FILE``, ``--group-size`` and ``--auto-close``: the step between the votes."""
    command = click.option(
        "--auto-close",
        is_flag=True,
        envvar="BASESTATION_AUTO_CLOSE",
        help="Start a 15 s closing countdown once 90 % of the expected voters (the "
        "roster, else the last round's voters) have voted.",
    )(command)
    command = click.option(
        "--group-size",
        type=click.IntRange(2, 3),
        default=2,
        show_default=True,
        envvar="BASESTATION_GROUP_SIZE",
        help="Students per discussion group (g after vote 1).",
    )(command)
    return click.option(
        "--seats",
        "seats_file",
        type=click.Path(path_type=Path, dir_okay=False, exists=True),
        help="CSV of the seating (Student ID or Handset, Seat like C12); the course "
        "roster's seat column is used too.",
    )(command)


def discussion_settings(
    db_path: Path, course: str | None, seats_file: Path | None, group_size: int, auto_close: bool
) -> DiscussionSettings:
    from basestation.live.discussion import DiscussionSettings
    from basestation.live.pacing import CLOSING_S

    seats = load_seating(db_path, course, seats_file)
    return DiscussionSettings(seats, group_size, CLOSING_S if auto_close else None)


def load_seating(db_path: Path, course: str | None, seats_file: Path | None) -> dict[str, Seat]:
    """Handset -> seat for the lecture; a seating that cannot be read stops the command
    before anything is opened, naming the file and the line."""
    from basestation.afterclass.seating import seating_for
    from basestation.db import StoreError
    from basestation.seats import SeatError

    try:
        return seating_for(db_path, course, seats_file)
    except (SeatError, ValueError) as error:
        where = seats_file if seats_file is not None else "the roster"
        raise click.ClickException(f"{where}: {error}") from None
    except StoreError as error:
        raise click.ClickException(str(error)) from error
