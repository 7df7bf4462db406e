"""``basestation demo``: a simulated class, a question and its revote, shown live."""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from pathlib import Path

from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from basestation.afterclass.session_analysis import by_group_kind
from basestation.assembly import open_station
from basestation.db.groups import store_groups
from basestation.domain import DEFAULT_ANSWERS as ANSWERS
from basestation.domain import PreparedQuestion
from basestation.live.discussion import discussion_groups, seating_with_told
from basestation.live.station import Station
from basestation.live.votes import BufferSnapshot
from basestation.peer_instruction import compare_rounds, gain_text
from drivers.registry import receiver_for_url
from simulators.scenario import ClassScenario
from simulators.sim_receiver import SimReceiver

BAR_WIDTH = 40
TAIL_S = 0.5
DEMO_HINT = "demo: simulated handsets are voting (after vote 1, g groups neighbours)"
DEMO_ROW = 20
"""Seats per row of the simulated hall."""


def demo_db_path() -> Path:
    """A fresh private folder, so the demo never mixes with real class data."""
    return Path(tempfile.mkdtemp(prefix="basestation-demo-")) / "demo.db"


DEMO_LOSS = 0.03


def demo_url(students: int, seed: int, speed: float, questions: int = 1) -> str:
    return (
        f"sim://{students}?seed={seed}&speed={speed}&questions={questions}&revote=1"
        f"&loss={DEMO_LOSS}&end=0&seats={DEMO_ROW}"
    )


def demo_questions(students: int, seed: int, questions: int) -> list[PreparedQuestion]:
    """The simulated class's questions, each with the key its script was written with."""
    scenario = ClassScenario(
        students=students, seed=seed, questions=questions, revote=True, loss=DEMO_LOSS
    )
    return [
        PreparedQuestion(f"Demo question {scheduled.question}", correct=scheduled.correct)
        for scheduled in scenario.rounds()
        if scheduled.round == 1
    ]


def run_demo(
    db_path: Path,
    *,
    students: int,
    seed: int,
    speed: float,
    stop: threading.Event,
    temporary: bool = False,
) -> None:
    """The text-only demo: a question and its revote, tallies printed as they change."""
    console = Console(stderr=False)
    receiver = receiver_for_url(demo_url(students, seed, speed))
    if not isinstance(receiver, SimReceiver):
        raise TypeError(f"the demo needs a simulated class, not {receiver.describe()}")
    correct = receiver.emulator.rounds[0].correct
    console.print(f"[b]Demo[/b]: {students} simulated handsets, database {db_path}")
    with open_station(receiver, db_path) as station:
        station.polls.start_session(course="Demo", title="Peer Instruction demo")
        station.polls.add_question("Demo question", correct=correct)
        finals: list[dict[str, str]] = []
        groups: dict[str, int] = {}
        for round_number in (1, 2):
            if stop.is_set():
                break
            station.open_poll() if round_number == 1 else station.revote()
            _play_round(console, station, receiver, round_number, stop)
            finals.append(station.buffer.latest())
            station.close_poll()
            if round_number == 1:
                groups = _discussion_groups(console, station, receiver, finals[0], correct)
        station.polls.finish()
    if len(finals) == 2:
        console.print(_switch_summary(finals[0], finals[1], correct))
        for kind, figures in by_group_kind(finals[0], finals[1], correct, groups, ANSWERS).items():
            right = figures["percent_correct"]
            words = "same-answer groups" if kind == "same" else "mixed groups"
            console.print(
                f"  in {words} ({figures['groups']}): "
                + ("" if right is None else f"{right[0]}% -> {right[1]}% correct, ")
                + f"normalized gain {gain_text(figures['gain'], figures['paired'])}"
            )
    if temporary:
        console.print("The temporary database is removed now (keep one with --db FILE).")
    else:
        console.print(f"Stored in {db_path}: try `basestation analyze --session 1 --db {db_path}`")


def _discussion_groups(
    console: Console,
    station: Station,
    receiver: SimReceiver,
    first: dict[str, str],
    correct: str,
) -> dict[str, int]:
    """Groups of neighbours after vote 1, as ``g`` forms them, kept with the poll."""
    seats = seating_with_told({}, receiver.seats_told())
    formed = discussion_groups(1, first, seats, 2, correct)
    poll = station.polls.last_poll
    if formed is None or poll is None:
        return {}
    station.store.call(store_groups, poll.id, formed.kept)
    console.print(
        f"Discussion in {len(formed.kept)} groups of neighbours; "
        f"{formed.mixed_share:.0%} of them hold different answers."
    )
    return {h: number for number, group in enumerate(formed.kept, 1) for h, _ in group}


def _play_round(
    console: Console,
    station: Station,
    receiver: SimReceiver,
    round_number: int,
    stop: threading.Event,
) -> None:
    started = time.monotonic()
    finished_at: float | None = None
    title = "vote 1" if round_number == 1 else "revote (after discussion)"
    live_view = sys.stdout.isatty()
    last_line = 0.0
    with (
        Live(console=console, refresh_per_second=10, transient=False)
        if live_view
        else _NoLive() as live
    ):
        while not stop.is_set():
            station.pump(0.05)
            snapshot = station.buffer.snapshot()
            elapsed = time.monotonic() - started
            if live_view:
                live.update(render(snapshot, title, elapsed))
            elif time.monotonic() - last_line >= 1.0:
                last_line = time.monotonic()
                console.print(_plain_line(snapshot, title, elapsed))
            if receiver.round_finished:
                finished_at = finished_at or time.monotonic()
                if time.monotonic() - finished_at >= TAIL_S:
                    break
    if not live_view:
        console.print(_plain_line(station.buffer.snapshot(), title, time.monotonic() - started))


class _NoLive:
    def __enter__(self) -> _NoLive:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, renderable: object) -> None:
        return None


def render(snapshot: BufferSnapshot, title: str, elapsed: float) -> Group:
    total = max(snapshot.voters, 1)
    table = Table.grid(padding=(0, 1))
    for answer, count in snapshot.counts.items():
        share = count / total
        bar = "█" * round(share * BAR_WIDTH)
        table.add_row(
            Text(answer, style="bold"),
            Text(bar.ljust(BAR_WIDTH), style="cyan"),
            f"{count:>4}",
            f"{share:6.1%}",
        )
    header = Text(f"{title}: {snapshot.voters} voters, {elapsed:5.1f} s", style="bold")
    footer = Text(
        f"votes {snapshot.votes}  duplicates {snapshot.duplicates}  invalid {snapshot.invalid}",
        style="dim",
    )
    return Group(header, table, footer)


def _plain_line(snapshot: BufferSnapshot, title: str, elapsed: float) -> str:
    counts = "  ".join(f"{answer} {count}" for answer, count in snapshot.counts.items())
    return f"{title} {elapsed:5.1f} s: {snapshot.voters} voters  {counts}"


def _switch_summary(first: dict[str, str], second: dict[str, str], correct: str) -> str:
    comparison = compare_rounds(first, second, correct)
    if not comparison.paired:
        return "nobody voted in both rounds"
    return (
        f"Correct answer {correct}. Of {comparison.paired} handsets that voted twice, "
        f"{comparison.paired_correct_first or 0:.0%} were right in vote 1 and "
        f"{comparison.paired_correct_second or 0:.0%} after discussion; "
        f"{comparison.changed} changed their answer."
    )
