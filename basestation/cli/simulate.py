"""``basestation simulate``: a class on a pseudo-terminal or in a capture file."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

import click

from basestation.cli.options import stop_on_signals

CHANNELS = [a + b for a in "ABCD" for b in "ABCD"]
FIRMWARES = {
    "link": None,
    "iskipper-capture": "iclicker",
    "iskipper-in-one-package": "iclicker",
    "turning-clicker": "turningpoint",
    "link-avr": "iclicker",
}
"""Receiver firmwares ``simulate --pty`` can behave like (simulators/firmwares.py), and
the one radio each hears (None: either)."""


@click.command()
@click.option("--pty", "use_pty", is_flag=True, help="Serve a pseudo-terminal that speaks link v1.")
@click.option(
    "--capture",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the whole class to this capture file instead (.gz compresses).",
)
@click.option(
    "--unplug",
    metavar="ROUND:AT:SECONDS",
    help="With --capture: the receiver is away for SECONDS from AT in ROUND (from 1).",
)
@click.option("--students", type=click.IntRange(min=0), default=300, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--questions", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--revote/--no-revote", default=False, help="Give each question a second round.")
@click.option("--loss", type=click.FloatRange(0, 1), default=0.0, show_default=True)
@click.option("--corrupt", type=click.FloatRange(0, 1), default=0.0, show_default=True)
@click.option(
    "--speed",
    type=click.FloatRange(min=0.001),
    default=1.0,
    show_default=True,
    help="Play class time this many times faster.",
)
@click.option(
    "--truth",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the ground truth of every round here as JSON.",
)
@click.option(
    "--firmware",
    type=click.Choice(list(FIRMWARES)),
    default="link",
    show_default=True,
    help="With --pty: which receiver firmware to behave like.",
)
@click.option(
    "--radio",
    type=click.Choice(["iclicker", "turningpoint"]),
    help="The handsets: iClicker (default) or TurningPoint ResponseCards.",
)
@click.option(
    "--instructor",
    help="With --pty: an instructor remote with this handset ID; "
    "type a-e and Enter on this terminal to press its buttons.",
)
@click.option(
    "--channel",
    type=click.Choice(CHANNELS),
    default="AA",
    show_default=True,
    help="With --firmware link-avr: the handsets' channel.",
)
@click.option(
    "--events",
    type=click.Path(path_type=Path, dir_okay=False),
    help="With --firmware link-avr: the board's report (acknowledgements, rounds) as JSON lines.",
)
@click.option("--phones", type=click.IntRange(min=1), help="Play N students on phones.")
@click.option("--url", help="With --phones: the web receiver's address (http://127.0.0.1:8765/).")
@click.option("--code", "round_code", default="", help="With --phones: the round code shown.")
@click.option(
    "--codes",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="With --phones: the CSV of `roster codes` (each phone signs in as one student).",
)
@click.option("--key", default="", help="With --phones: the answer most of them give.")
@click.option("--votes", type=click.IntRange(1, 10), default=1, help="Votes per phone.")
def simulate(
    use_pty: bool,
    capture: Path | None,
    unplug: str | None,
    students: int,
    seed: int,
    questions: int,
    revote: bool,
    loss: float,
    corrupt: float,
    speed: float,
    truth: Path | None,
    firmware: str,
    radio: str | None,
    instructor: str | None,
    channel: str,
    events: Path | None,
    phones: int | None,
    url: str | None,
    round_code: str,
    codes: Path | None,
    key: str,
    votes: int,
) -> None:
    """Play a class on a pseudo-terminal (a round each time a poll opens), write it to a
    capture file, or play students on phones against a web receiver (--phones)."""
    from simulators.pty_receiver import PtyReceiver
    from simulators.scenario import ClassScenario

    if phones is not None:
        _play_phones(phones, url, round_code, codes, key.upper(), votes, seed)
        return
    if use_pty == (capture is not None):
        raise click.UsageError("choose one of --pty, --capture FILE and --phones N")
    heard_by_firmware = FIRMWARES[firmware]
    if radio is not None and heard_by_firmware is not None and radio != heard_by_firmware:
        raise click.UsageError(
            f"the {firmware} firmware hears {heard_by_firmware} handsets, not {radio}"
        )
    radio = radio or heard_by_firmware or "iclicker"
    scenario = ClassScenario(
        students=students,
        seed=seed,
        questions=questions,
        revote=revote,
        loss=loss,
        corrupt=corrupt,
        radio=radio,
    )
    if truth is not None:
        truth.write_text(json.dumps(scenario.truth(), indent=1))
    if capture is not None:
        from simulators.capture_scenario import write_scenario_capture

        written = write_scenario_capture(capture, scenario, _parse_unplug(unplug))
        click.echo(f"wrote {written} packets in {len(scenario.rounds())} polls to {capture}")
        return
    if firmware == "link-avr":
        if instructor is not None:
            raise click.UsageError("--instructor works with --firmware link, not link-avr")
        _serve_avr_board(scenario, speed, channel, events)
        return
    if channel != "AA" or events is not None:
        raise click.UsageError("--channel and --events go with --firmware link-avr")
    from simulators.firmwares import firmware_emulator

    rounds = scenario.rounds()
    emulator, protocol = firmware_emulator(firmware, rounds, speed, radio)
    receiver = PtyReceiver(emulator)
    click.echo(receiver.path)
    sys.stdout.flush()
    if instructor is not None:
        _instructor_keys(emulator, instructor, radio, firmware)
    click.echo(
        f"serving {students} handsets, {len(rounds)} rounds on {receiver.path}; "
        f"open serial://{receiver.path}?protocol={protocol} and start a poll; "
        "Ctrl-C stops",
        err=True,
    )
    click.echo(_duration_hint(rounds, speed, receiver.path, protocol), err=True)
    stop = stop_on_signals()
    try:
        receiver.run(until=stop)
    finally:
        receiver.close()


def _duration_hint(rounds: Any, speed: float, path: str, protocol: str) -> str:
    """A serial receiver does not say when a class has finished voting: ``record`` ends
    by ``--duration``, long enough for a round here."""
    longest = max((max((t.time for t in r.transmissions), default=0.0) for r in rounds), default=0)
    seconds = math.ceil(longest / speed) + 2
    return (
        f"a round lasts about {seconds} s: basestation record --receiver "
        f"'serial://{path}?protocol={protocol}' --duration {seconds}"
    )


def _serve_avr_board(scenario: Any, speed: float, channel: str, events: Path | None) -> None:
    """Our firmware on the emulated chip (simulators/avr_board.py), until a signal."""
    import shutil
    import tempfile
    import time

    from simulators.avr_board import AvrBoard, BoardError

    folder = Path(tempfile.mkdtemp(prefix="basestation-board-"))
    stop = stop_on_signals()
    try:
        rounds = scenario.rounds()
        with AvrBoard(rounds, folder, speed=speed, channel=channel, events=events) as board:
            click.echo(board.path)
            sys.stdout.flush()
            click.echo(
                f"our link v1 firmware on an emulated ATmega328P + RFM69 at {board.path}, "
                f"{scenario.students} handsets on channel {channel}; open "
                f"serial://{board.path}?protocol=link and start a poll; Ctrl-C stops",
                err=True,
            )
            click.echo(_duration_hint(rounds, speed, board.path, "link"), err=True)
            while not stop.is_set() and board.process.poll() is None:
                time.sleep(0.2)  # not stop.wait(): its handler sets it on this thread
            if board.process.poll() not in (None, 0):
                raise click.ClickException("the emulated board stopped: see its message above")
    except BoardError as error:
        raise click.ClickException(str(error)) from error
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _instructor_keys(emulator: Any, instructor: str, radio: str, firmware: str) -> None:
    """Lines typed on stdin press the simulated remote's buttons (``a``..``e``)."""
    import threading
    import time

    from firmware_protocol.handset_id import HandsetIdError, parse_handset_id
    from simulators.link_receiver import LinkReceiverEmulator
    from simulators.radio import payload_for

    if not isinstance(emulator, LinkReceiverEmulator):
        raise click.UsageError(f"--instructor works with --firmware link, not {firmware}")
    try:
        remote = parse_handset_id(instructor)
    except HandsetIdError as error:
        raise click.BadParameter(str(error), param_hint="--instructor") from error

    def keys() -> None:
        for line in sys.stdin:
            for key in line.strip().upper():
                if key in "ABCDE":
                    emulator.press(payload_for(radio, remote, key), time.monotonic())
                    click.echo(f"remote {remote}: {key}", err=True)

    threading.Thread(target=keys, name="remote-keys", daemon=True).start()
    click.echo(f"instructor remote {remote}: type a-e and Enter to press its buttons", err=True)


def _play_phones(
    phones: int,
    url: str | None,
    round_code: str,
    codes: Path | None,
    key: str,
    votes: int,
    seed: int,
) -> None:
    """Sign in, vote (``votes`` times each), print what was counted as JSON."""
    import csv

    from simulators.phones import PhoneClass, PhoneRefused

    if not url:
        raise click.UsageError("--phones needs --url (what `record` printed)")
    students: list[tuple[str, str]] = []
    if codes is not None:
        with codes.open(encoding="utf-8-sig", newline="") as stream:
            students = [(row["Student ID"], row["Code"]) for row in csv.DictReader(stream)]
    room = PhoneClass(url, phones, round_code, seed=seed, key=key, votes_each=votes)
    room.students = students
    try:
        played, answers = room.play()
    except (PhoneRefused, OSError) as error:
        raise click.ClickException(f"a phone was refused: {error}") from None
    latencies = sorted(t for phone in played for t in phone.latencies)
    click.echo(
        json.dumps(
            {
                "phones": phones,
                "votes": len(latencies),
                "answers": {a: answers.count(a) for a in sorted(set(answers))},
                "p50_ms": round(1000 * latencies[len(latencies) // 2], 1),
                "p99_ms": round(
                    1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], 1
                ),
            }
        )
    )


def _parse_unplug(text: str | None) -> Any:
    from simulators.capture_scenario import Unplug

    if text is None:
        return None
    try:
        round_number, at, seconds = text.split(":")
        return Unplug(int(round_number) - 1, float(at), float(seconds))
    except ValueError:
        raise click.BadParameter(
            "expected ROUND:AT:SECONDS, e.g. 1:10:5", param_hint="--unplug"
        ) from None
