"""``basestation demo``: the dashboard on a simulated class (the demo itself is
:mod:`basestation.cli.demo`, imported only when it runs)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from basestation.cli.live import tell_what_was_saved
from basestation.cli.options import ReceiverUrlProblem, db_option, stop_on_signals
from basestation.db import StoreError
from drivers.errors import ReceiverError, ReceiverUrlError


@click.command()
@db_option
@click.option("--students", type=click.IntRange(min=1), default=300, show_default=True)
@click.option("--seed", type=int, default=7, show_default=True)
@click.option("--speed", type=click.FloatRange(min=0.01), default=4.0, show_default=True)
@click.option("--plain", is_flag=True, help="Print tallies as text instead of the dashboard.")
@click.option(
    "--receiver",
    "receiver_urls",
    multiple=True,
    help="Receivers to use instead of the simulated class (repeat for several).",
)
def demo(
    db_path: Path | None,
    students: int,
    seed: int,
    speed: float,
    plain: bool,
    receiver_urls: tuple[str, ...],
) -> None:
    """The dashboard on a simulated class of 300 handsets (a private temporary database,
    removed afterwards unless --db names one)."""
    import shutil

    from basestation.assembly import run_dashboard
    from basestation.cli.demo import DEMO_HINT, demo_db_path, demo_questions, demo_url, run_demo

    db = db_path or demo_db_path()
    plain = plain or not sys.stdout.isatty()
    if plain and receiver_urls:
        raise click.UsageError("the plain demo plays its own class: drop --receiver")
    try:
        if plain:
            run_demo(
                db,
                students=students,
                seed=seed,
                speed=speed,
                stop=stop_on_signals(),
                temporary=db_path is None,
            )
            return
        prepared = [] if receiver_urls else demo_questions(students, seed, DEMO_QUESTIONS)
        done = run_dashboard(
            receiver_urls or demo_url(students, seed, speed, DEMO_QUESTIONS),
            db,
            course="Demo",
            start_poll=True,
            prepared=prepared,
            hint=DEMO_HINT,
        )
    except ReceiverUrlError as error:
        raise ReceiverUrlProblem(str(error)) from None
    except (ReceiverError, StoreError) as error:
        raise click.ClickException(str(error)) from error
    finally:
        if db_path is None:
            shutil.rmtree(db.parent, ignore_errors=True)
    if db_path is None:
        click.echo(
            f"demo session {done.session_id}: {done.questions} question(s); the "
            "temporary database was removed (keep one with --db FILE)"
        )
        return
    tell_what_was_saved(done)


DEMO_QUESTIONS = 5
