"""Several receivers in one room: each handset votes once, whichever receivers heard it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from pathlib import Path

from simulators.link_receiver import LinkReceiverEmulator, ScheduledRound
from simulators.pty_receiver import PtyReceiver
from simulators.scenario import ClassScenario
from tests.helpers import one_json, query, run_cli


@contextmanager
def pty_hearing(
    rounds: list[ScheduledRound], handsets: set[str], receiver_id: int
) -> Iterator[str]:
    """A link v1 receiver that hears only ``handsets`` (one end of a large hall)."""
    heard = [
        replace(r, transmissions=[t for t in r.transmissions if t.handset in handsets])
        for r in rounds
    ]
    receiver = PtyReceiver(LinkReceiverEmulator(heard, speed=10, receiver_id=receiver_id))
    stop = threading.Event()
    thread = threading.Thread(target=receiver.run, kwargs={"until": stop}, daemon=True)
    thread.start()
    try:
        yield receiver.path
    finally:
        stop.set()
        thread.join(timeout=5)
        receiver.close()


def test_two_receivers_hearing_overlapping_halves_give_each_handset_one_vote(
    tmp_path: Path,
) -> None:
    scenario = ClassScenario(students=200, seed=31, loss=0.03)
    rounds = scenario.rounds()
    truth = scenario.truth()[0]
    handsets = sorted({t.handset for t in rounds[0].transmissions})
    front, back = set(handsets[:130]), set(handsets[70:])  # 60 handsets heard by both
    db = tmp_path / "hall.db"
    with ExitStack() as stack:
        first = stack.enter_context(pty_hearing(rounds, front, 0xF0))
        second = stack.enter_context(pty_hearing(rounds, back, 0xB0))
        result = run_cli(
            "record",
            "--receiver",
            f"serial://{first}",
            "--receiver",
            f"serial://{second}",
            "--db",
            str(db),
            "--duration",
            "8",
            "--json",
        )
    assert result.returncode == 0, result.stderr
    summary = one_json(result.stdout)
    assert summary["counts"] == truth["counts"]
    assert summary["voters"] == truth["voters"] == len(truth["latest"])
    latest = dict(
        query(
            db,
            "SELECT handset, answer FROM votes v WHERE id = (SELECT MAX(id) "
            "FROM votes w WHERE w.handset = v.handset)",
        )
    )
    assert latest == truth["latest"]
    # copies of the middle handsets came from both receivers: duplicates, not votes
    both = [t for t in rounds[0].transmissions if t.handset in front & back and t.intact]
    assert summary["duplicates"] >= len(both) // 2
    receivers = query(db, "SELECT receiver, packets, state FROM poll_receivers ORDER BY id")
    assert [r[0].split(" ")[0] for r in receivers] == [first, second]
    assert all(packets > 0 and state == "connected" for _, packets, state in receivers)
    heard_by = dict(query(db, "SELECT receiver, COUNT(*) FROM votes GROUP BY receiver"))
    assert set(heard_by) == {"link:000000F0", "link:000000B0"}  # who heard each vote first


def test_iclicker_and_turningpoint_handsets_share_one_session(tmp_path: Path) -> None:
    iclicker = ClassScenario(students=60, seed=4).truth()[0]
    cards = ClassScenario(students=40, seed=9, radio="turningpoint").truth()[0]
    result = run_cli(
        "record",
        "--receiver",
        "sim://60?seed=4&speed=200",
        "--receiver",
        "sim://40?seed=9&speed=200&radio=turningpoint",
        "--db",
        str(tmp_path / "mixed.db"),
        "--json",
    )
    assert result.returncode == 0, result.stderr
    summary = one_json(result.stdout)
    assert summary["stopped_by"] == "ended"
    assert summary["voters"] == iclicker["voters"] + cards["voters"]
    assert summary["counts"] == {
        a: iclicker["counts"][a] + cards["counts"][a] for a in iclicker["counts"]
    }
    lengths = dict(
        query(
            tmp_path / "mixed.db",
            "SELECT LENGTH(handset), COUNT(DISTINCT handset) FROM votes GROUP BY 1",
        )
    )
    assert lengths == {8: iclicker["voters"], 6: cards["voters"]}
