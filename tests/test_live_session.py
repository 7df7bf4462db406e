"""The live session behind the dashboard: commands, countdown, instructor presses, escaping."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from basestation.assembly import live_session, open_station
from basestation.cli import main
from basestation.live.pipeline import VotePipeline
from basestation.live.votes import VoteBuffer
from basestation.tui.widgets.status import question_text
from drivers.base import Receiver
from drivers.packets import PacketKind, RawPacket
from drivers.registry import receiver_for_url
from drivers.url import parse_receiver_url
from firmware_protocol.iclicker_air import encode_air_payload
from simulators.classroom import ClassroomModel

INSTRUCTOR = "A24653B7"


def air(handset: str, answer: str, at: float) -> RawPacket:
    return RawPacket(PacketKind.ICLICKER_AIR, encode_air_payload(handset, answer), "r", at)


def test_instructor_presses_are_commands_once_per_press_and_never_votes() -> None:
    presses: list[str] = []
    buffer = VoteBuffer(instructor=INSTRUCTOR, on_instructor=presses.append)
    buffer.open(1)
    pipeline = VotePipeline(buffer)
    pipeline.ingest(
        [
            air(INSTRUCTOR, "A", 0.0),
            air(INSTRUCTOR, "A", 0.1),
            air("428071B3", "B", 0.2),
            air(INSTRUCTOR, "D", 0.3),
            air(INSTRUCTOR, "A", 5.0),
        ]
    )
    assert presses == ["A", "D", "A"]
    assert buffer.snapshot().voters == 1 and INSTRUCTOR not in buffer.latest()


def test_countdown_closes_the_poll(tmp_path: Path) -> None:
    now = [100.0]
    receiver = receiver_for_url("sim://20?seed=1&speed=500&end=0")
    with open_station(receiver, tmp_path / "c.db") as station:
        station.polls.start_session()
        live = live_session(station, clock=lambda: now[0], countdown_s=30)
        live.start_poll()
        live.step()
        assert live.state().poll_open and live.state().remaining_s == 30
        now[0] += 31
        live.step()
        state = live.state()
        assert not state.poll_open and state.remaining_s is None
        assert (1, 1) in live.round_answers
        live.stop()


def test_question_text_is_shown_literally_never_as_markup(tmp_path: Path) -> None:
    receiver = receiver_for_url("sim://5?end=0")
    with open_station(receiver, tmp_path / "m.db") as station:
        station.polls.start_session()
        station.polls.add_question("[bold red]x[/] & [link=http://a]y[/link]")
        live = live_session(station)
        assert "[bold red]x[/] & [link=http://a]y[/link]" in question_text(live.state()).plain
        live.stop()


def test_run_without_a_receiver_says_what_it_looked_for() -> None:
    from drivers.discovery import serial_candidates

    if serial_candidates():
        pytest.skip("a serial receiver is plugged in here")
    result = CliRunner().invoke(main, ["run"])
    assert result.exit_code == 1
    assert "iClicker USB bases" in result.output and "serial" in result.output
    assert "sim://300" in result.output


HOSTILE_QUESTION = "\x1b]0;pwned\x07Which\tforce?\x1b[2J\u202e"
HOSTILE_COURSE = "\x1b[31mPHYS 101"


def test_control_characters_never_reach_the_terminal(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    result = CliRunner().invoke(
        main,
        [
            "record",
            "--receiver",
            "sim://5?speed=500",
            "--db",
            str(db),
            "--question",
            HOSTILE_QUESTION,
            "--course",
            HOSTILE_COURSE,
        ],
    )
    assert result.exit_code == 0, result.output
    listing = CliRunner().invoke(main, ["sessions", "--db", str(db)])
    assert "\x1b" not in listing.output and "\\x1b[31mPHYS 101" in listing.output
    with open_station("sim://5?end=0", tmp_path / "m.db") as station:
        station.polls.start_session()
        station.polls.add_question(HOSTILE_QUESTION)
        live = live_session(station)
        title = question_text(live.state()).plain
        live.stop()
    assert not any(ord(c) < 0x20 or c == "\u202e" for c in title)
    assert "\\x1b]0;pwned\\x07Which force?\\x1b[2J\\u202e" in title


class HandOnReceiver(Receiver):
    """Hands on what the test gives it, in the next read."""

    scheme = "handon"

    def __init__(self) -> None:
        super().__init__(parse_receiver_url("handon://"))
        self.waiting: list[RawPacket] = []

    def _open(self) -> None: ...

    def _close(self) -> None: ...

    def _read(self, wait: float) -> list[RawPacket]:
        packets, self.waiting = self.waiting, []
        return packets


class OnePerRead(HandOnReceiver):
    """Hands on one packet per read, as a serial port wakes its reader for each."""

    def _read(self, wait: float) -> list[RawPacket]:
        packets, self.waiting = self.waiting[:1], self.waiting[1:]
        return packets


def test_what_a_read_window_brings_is_committed_at_once(tmp_path: Path) -> None:
    """After a first packet the worker waits a short window, takes what came meanwhile
    in one more read, and tells the store the batch is whole: it is committed then, not
    at the end of the store's group window (an hour here)."""
    receiver = OnePerRead()
    committed = threading.Event()
    with open_station(receiver, tmp_path / "c.db") as station:
        station.store.group_commit_s = 3600.0
        station.polls.start_session()
        live = live_session(station)
        live.start_poll()
        live.step()
        station.store.on_commit = lambda votes: committed.set() if votes else None
        receiver.waiting = [air(h, "B", time.time()) for h in ClassroomModel(2, seed=1).handsets]
        live.step()  # one packet per read: both are read in the same turn
        assert committed.wait(10) and station.store.committed_votes == 2
        live.stop()


def test_after_a_quiet_spell_the_worker_does_not_wait_for_more_packets(tmp_path: Path) -> None:
    """The read window is for votes pouring in: after a quiet spell the first packet is
    taken and published alone, without waiting for the ones behind it."""
    receiver = OnePerRead()
    with open_station(receiver, tmp_path / "c.db") as station:
        station.polls.start_session()
        live = live_session(station)
        live.start_poll()
        live.step()
        live.publish(news=False)  # nothing changed since: a quiet spell
        receiver.waiting = [air(h, "B", time.time()) for h in ClassroomModel(2, seed=1).handsets]
        live.step()
        assert live.state().votes == 1 and len(receiver.waiting) == 1
        live.stop()


def test_the_first_vote_after_a_quiet_spell_is_published_in_the_same_turn(
    tmp_path: Path,
) -> None:
    """The worker publishes on a cadence while votes pour in; after a turn that changed
    nothing on the screen, the next packets are published at once, and the screen is
    told (it paints only when told, or on its slow fallback timer)."""
    receiver = HandOnReceiver()
    told: list[int] = []
    with open_station(receiver, tmp_path / "c.db") as station:
        station.polls.start_session()
        live = live_session(station)
        live.watch(lambda: told.append(live.state().votes))
        live.start_poll()
        live.step()  # the command: published, told
        assert live.state().poll_open and told
        live.publish(news=False)  # nothing changed since: a quiet spell
        before = len(told)
        receiver.waiting = [air("428071B3", "B", time.time())]
        live.step()
        assert live.state().votes == 1 and live.state().counts["B"] == 1
        assert told[before:] == [1]
        live.stop()
