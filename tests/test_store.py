"""The SQLite store on real files: privacy, migrations, batching, and surviving a full disk."""

from __future__ import annotations

import sqlite3
import stat
import tempfile
import threading
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from basestation.db import Store, StoreError
from basestation.live.votes import Vote
from basestation.paths import default_db_path


def count_votes(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        return int(connection.execute("SELECT COUNT(*) FROM votes").fetchone()[0])


def make_poll(store: Store) -> int:
    def insert(db):  # type: ignore[no-untyped-def]
        session = db["sessions"].insert({"started_at": 1.0}).last_pk
        question = db["questions"].insert({"session_id": session, "number": 1}).last_pk
        return db["polls"].insert({"question_id": question, "round": 1, "opened_at": 1.0}).last_pk

    poll: int = store.call(insert)
    return poll


def stored_votes(path: Path) -> list[tuple[object, ...]]:
    """Every vote's row in the order stored: its poll, then its fields in ``Vote``'s order."""
    with sqlite3.connect(path) as connection:
        return connection.execute(
            "SELECT poll_id, handset, answer, receiver, t_host, t_receiver_us, base_seq, seq "
            "FROM votes ORDER BY id"
        ).fetchall()


def row_of(poll: int, vote: Vote) -> tuple[object, ...]:
    """The row ``vote`` should have become (a vote numbered 0 is numbered NULL)."""
    return (poll, *vote[:6], vote.seq or None)


def test_new_database_is_private_and_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "class.db"
    with Store(path) as store:
        make_poll(store)
        modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in path.parent.iterdir()}
        assert modes["class.db"] == 0o600
        assert all(mode == 0o600 for name, mode in modes.items() if name.startswith("class.db"))
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_migrations_apply_once(db_path: Path) -> None:
    Store(db_path).close()
    Store(db_path).close()
    with sqlite3.connect(db_path) as connection:
        names = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM _sqlite_migrations"
                " WHERE migration_set = 'basestation' ORDER BY id"
            )
        ]
    assert names == [
        "0001_initial",
        "0002_interrupted_polls",
        "0003_roster",
        "0004_question_kinds_and_base_seq",
        "0005_readable_views",
        "0006_poll_receivers",
        "0007_vote_order",
        "0008_imported_sessions",
        "0009_enrolments",
        "0010_one_vote_index_per_poll",
        "0011_poll_deadline",
        "0012_question_bank",
        "0013_roster_imports",
        "0014_phone_codes",
        "0015_poll_groups",
        "0016_enrolment_seats",
        "0017_vote_confidence",
        "0018_no_vote_index_by_handset",
    ]


def test_votes_are_committed_without_being_asked(db_path: Path) -> None:
    with Store(db_path, flush_interval_s=0.05) as store:
        poll = make_poll(store)
        for index in range(100):
            store.add_vote(poll, Vote(f"{index:08X}", "A", "r", float(index)))
        deadline = time.monotonic() + 5
        while count_votes(db_path) < 100 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert count_votes(db_path) == 100
        assert store.committed_votes == 100
        assert store.commit_latencies


def test_a_burst_is_stored_whole_and_in_order(db_path: Path) -> None:
    """More rows than one statement binds, radio rows and USB rows (with a base number)
    mixed: every one stored, in the order accepted, each with its own values."""
    accepted = [
        Vote(
            f"{index:08X}",
            "ABCDE"[index % 5],
            "r",
            float(index),
            index * 7,
            index % 256 if index % 1000 < 300 else None,
            index + 1,
        )
        for index in range(12_000)
    ]
    with Store(db_path) as store:
        poll = make_poll(store)
        for vote in accepted:
            store.add_vote(poll, vote)
        store.flush()
    assert stored_votes(db_path) == [row_of(poll, vote) for vote in accepted]


def test_a_batch_longer_than_one_statement_binds_is_written_in_order(db_path: Path) -> None:
    votes = [
        Vote(
            f"{i:08X}",
            "ABCDE"[i % 5],
            f"r{i % 3}",
            1.5 + i / 7,
            i if i % 4 else None,
            i % 256 if i >= 10_000 else None,
            0 if i % 1000 == 0 else i + 1,
        )
        for i in range(12_000)
    ]  # a statement holds 4,096 votes at most (SQLite binds 32,766 parameters)
    with Store(db_path) as store:
        poll = make_poll(store)
        store.add_votes(poll, votes[:7_000])
        store.add_votes(poll, votes[7_000:])
    assert stored_votes(db_path) == [row_of(poll, vote) for vote in votes]


VOTES = st.lists(
    st.builds(
        Vote,
        st.sampled_from(["A24653B7", "428071B3", "0A0B0C0D"]),
        st.sampled_from("ABCDE"),
        st.sampled_from(["link:0000BEEF", "usb:1", "web"]),
        st.floats(min_value=0, max_value=2e9, allow_nan=False),
        st.none() | st.integers(0, 2**32 - 1),
        st.none() | st.integers(0, 255),
        st.integers(0, 2**31),
    ),
    max_size=70,
)


@settings(max_examples=40, deadline=None)
@given(reads=st.lists(VOTES, min_size=1, max_size=3))
def test_every_vote_is_stored_as_it_was_queued(reads: list[list[Vote]]) -> None:
    """Whatever the fields share within a statement (a receiver, a missing clock or base
    number), each vote's row holds its own fields."""
    numbered = iter(range(1, 1000))  # a poll numbers each vote once; 0 numbers none
    reads = [[v._replace(seq=next(numbered) if v.seq % 2 else 0) for v in votes] for votes in reads]
    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "class.db"
        with Store(db_path) as store:
            poll = make_poll(store)
            for votes in reads:
                store.add_votes(poll, votes)
                store.flush()
        stored = stored_votes(db_path)
    assert stored == [row_of(poll, vote) for votes in reads for vote in votes]


def test_calls_run_after_the_votes_queued_before_them(db_path: Path) -> None:
    with Store(db_path) as store:
        poll = make_poll(store)
        store.add_vote(poll, Vote("A24653B7", "B", "r", 1.0))
        seen = store.call(lambda db: db["votes"].count)
        assert seen == 1


def test_a_failing_call_fails_alone(db_path: Path) -> None:
    with Store(db_path) as store:
        poll = make_poll(store)
        store.add_vote(poll, Vote("A24653B7", "B", "r", 1.0))
        with pytest.raises(ZeroDivisionError):
            store.call(lambda db: 1 / 0)
        store.flush()
    assert count_votes(db_path) == 1


def test_a_failed_commit_is_retried_on_a_fresh_connection(db_path: Path) -> None:
    """The page limit lives on the writer's connection: reopening it lifts the limit,
    as space coming back would; no queued vote is lost on the way."""
    with Store(db_path, flush_interval_s=0.02) as store:
        poll = make_poll(store)
        pages = store.call(lambda db: db.execute("PRAGMA page_count").fetchone()[0])
        store.call(lambda db: db.execute(f"PRAGMA max_page_count = {pages}"))
        for i in range(5000):
            store.add_vote(poll, Vote(f"{i:08X}", "C", "r", float(i), seq=i + 1))
        store.flush()
        assert store.write_failures >= 1 and store.error is None
    assert count_votes(db_path) == 5000


def test_unwritable_location_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match="cannot open the database"):
        Store(blocker / "class.db")


def test_default_location_honours_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("BASESTATION_DB", str(tmp_path / "x.db"))
    assert default_db_path() == tmp_path / "x.db"
    monkeypatch.delenv("BASESTATION_DB")
    assert default_db_path().name == "basestation.db"
    assert "basestation" in str(default_db_path().parent)


def test_a_batch_said_whole_is_committed_without_waiting_for_the_group_window(
    db_path: Path,
) -> None:
    """The live session reads a serial port over a short window, then says the batch is
    whole: it is committed then, not at the end of the group window (an hour here)."""
    committed = threading.Event()
    with Store(db_path, group_commit_s=3600.0) as store:
        poll = make_poll(store)
        store.on_commit = lambda votes: committed.set() if votes else None
        for index in range(20):
            store.add_vote(poll, Vote(f"{index:08X}", "A", "r", float(index)))
        store.commit_now()
        assert committed.wait(10)
        assert count_votes(db_path) == 20


def test_no_sqlite_utils_plugin_reaches_the_database(db_path: Path) -> None:
    """A plugin installed beside the program (here one registered by hand) is never run
    on the store's connection or a reader's."""
    import sqlite_utils
    from sqlite_utils import hookimpl
    from sqlite_utils.plugins import pm

    from basestation.db.connection import open_existing

    def planted_runs(db: sqlite_utils.Database) -> bool:
        try:
            db.execute("SELECT planted()")
        except sqlite3.OperationalError:
            return False
        return True

    class Planted:
        @staticmethod
        @hookimpl
        def prepare_connection(conn: sqlite3.Connection) -> None:
            conn.create_function("planted", 0, lambda: 1)

    pm.register(Planted, name="planted")
    try:
        assert planted_runs(sqlite_utils.Database(":memory:"))  # what a plain one does
        with Store(db_path) as store:
            assert store.call(planted_runs) is False
        reader = open_existing(db_path)
        assert planted_runs(reader) is False
        reader.close()
    finally:
        pm.unregister(name="planted")
