"""Wires a receiver to the decoder, the vote buffer, the polls and the store.

The station is the one read loop of the program: ``record``, the dashboard's
worker and the demo all pump it, so a capture works wherever a poll runs.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict

from basestation.db import Store
from basestation.db.commands import ReceiverCounters
from basestation.domain import Vote
from basestation.live.pipeline import VotePipeline
from basestation.live.polls import PollController, PollStateError
from basestation.live.votes import DEFAULT_WINDOW_S, VoteBuffer
from basestation.pseudonyms import Pseudonyms
from drivers.base import Receiver
from drivers.capture import CaptureSink
from drivers.errors import ReceiverEnded, ReceiverError
from drivers.packets import RawPacket
from drivers.status import OPEN_STATES, ReceiverState

log = logging.getLogger(__name__)
READ_TIMEOUT_S = 0.05
PROGRESS_EVERY_S = 0.5
CLOCK_STEP_S = 1.0
INGEST_PART = 4096
"""Packets of a read taken in before their votes are queued for the store."""
ROUND_TAIL_S = 0.3
"""After a scripted round's last packet: time for copies still on their way."""
VoteListener = Callable[[int, Vote], None]
"""Told of every accepted vote (poll id, vote), after the store has queued it."""


class Station:
    """One receiver feeding one session. The votes the buffer accepts in a read are
    queued for the store at the end of that read, in order."""

    def __init__(
        self,
        receiver: Receiver,
        store: Store,
        window_s: float = DEFAULT_WINDOW_S,
        instructor: str | None = None,
        capture: CaptureSink | None = None,
        listeners: Sequence[VoteListener] = (),
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.receiver = receiver
        self.capture = capture
        self.store = store
        self._pseudonyms = Pseudonyms()
        if any(part.scheme == "web" for part in receiver.parts()):  # pairing phones
            listeners = [*listeners, self._tell_receiver]
        self._listeners = tuple(listeners)
        self.buffer = VoteBuffer(window_s, keep_votes=True, instructor=instructor)
        self.pipeline = VotePipeline(self.buffer)
        self.pipeline.on_confidence = self._store_confidence
        self.polls = PollController(store, self.buffer)
        self.ended = False
        self.last_read = 0
        self._notices: list[str] = []
        self._packets_at_open: dict[str, int] = {}
        self._wall_clock = wall_clock
        self._clock_offset = wall_clock() - time.monotonic()

    def _tell_receiver(self, poll_id: int, vote: Vote) -> None:
        self.receiver.handset_pressed(vote.handset, vote.answer)

    def _store_confidence(self, handset: str, confidence: str) -> None:
        poll = self.polls.poll
        if poll is not None:  # it follows its vote: queued first
            self._queue_accepted()
            handset = self.stored_handset(handset)
            self.store.submit(
                "vote_confidence", poll_id=poll.id, handset=handset, confidence=confidence
            )

    def stored_handset(self, handset: str) -> str:
        """The handset as the database knows it (a pseudonym in an anonymous session)."""
        return self._pseudonyms.of(handset) if self.polls.anonymous else handset

    def _queue_accepted(self) -> None:
        """Queue the votes accepted since the last call for the store, then tell the
        listeners. Anonymous sessions store a keyed pseudonym, never the handset's ID;
        the buffer still sees real IDs, so duplicates are recognised as ever."""
        votes, poll_id = self.buffer.take_votes(), self.buffer.poll_id
        if not votes or poll_id is None:
            return
        if self.polls.anonymous:
            of = self._pseudonyms.of
            self.store.add_votes(
                poll_id, [vote._replace(handset=of(vote.handset)) for vote in votes]
            )
        else:
            self.store.add_votes(poll_id, votes)
        for vote in votes:
            for listener in self._listeners:
                listener(poll_id, vote)

    def take_notices(self) -> list[str]:
        """What the user should be told since the last call: a receiver that does not
        acknowledge handsets or does not answer, a poll opened while it is away."""
        notices, self._notices = [*self._notices, *self.receiver.take_notices()], []
        return notices

    def ingest(self, packets: Sequence[RawPacket]) -> None:
        """Take in one read: its accepted votes are queued for the store together (a
        long read, such as a replayed poll's, a part at a time: the writer need not wait
        for its end)."""
        try:
            if len(packets) <= INGEST_PART:
                self.pipeline.ingest(packets)
                return
            for start in range(0, len(packets), INGEST_PART):
                self.pipeline.ingest(packets[start : start + INGEST_PART])
                self._queue_accepted()
        finally:
            self._queue_accepted()

    def pump(self, timeout: float = READ_TIMEOUT_S) -> bool:
        """Read and ingest once; False once the receiver has ended. ``last_read`` says
        how many packets it took."""
        self.last_read = 0
        if self.ended:
            return False
        was_connected = self.receiver.state in OPEN_STATES
        try:
            packets = self.receiver.read(timeout)
        except ReceiverEnded:
            self.ended = True
            return False
        self.last_read = len(packets)
        if self.capture is not None:
            self.capture.packets(packets)
            connected = self.receiver.state in OPEN_STATES
            if connected != was_connected:
                self.capture.event("back" if connected else "gone")
        if packets:
            self.ingest(packets)
        self._watch_wall_clock()
        return True

    def pump_window(
        self, timeout: float, window: Callable[[], float], wait: Callable[[float], object]
    ) -> bool:
        """Read once; after a first packet, ``wait`` for ``window()`` seconds and take what
        came meanwhile in one more read, then commit it all at once: a serial port wakes
        its reader for each packet, and each turn and commit costs more than a packet.
        ``last_read`` counts both reads."""
        more = self.pump(timeout)
        heard = self.last_read
        if more and heard and (seconds := window()) > 0:
            wait(seconds)
            more = self.pump(0.0)
            heard += self.last_read
        if heard:
            self.store.commit_now()
        self.last_read = heard
        return more

    def _watch_wall_clock(self) -> None:
        """A wall clock that steps (NTP, a suspended laptop, a user) changes no vote's
        order, which the poll's own numbering keeps; it is logged and told."""
        offset = self._wall_clock() - time.monotonic()
        step = offset - self._clock_offset
        if abs(step) >= CLOCK_STEP_S:
            message = (
                f"the wall clock stepped {'back' if step < 0 else 'forward'} by "
                f"{abs(step):.1f} s; votes keep their order"
            )
            log.warning("%s", message)
            self._notices.append(message)
        self._clock_offset = offset

    def learn_remote(self, say: Callable[[str], None]) -> None:
        """The next handset heard while no poll is open becomes the instructor's remote;
        ``say`` is told which (on the thread that reads), and the receiver too."""
        if self.polls.poll is not None:
            raise PollStateError(
                "close the poll first: a student's press would be taken for the remote"
            )

        def learned(handset: str) -> None:
            say(f"instructor remote {handset} learned: its presses run the poll")
            try:
                self.receiver.set_instructor(handset)
            except ReceiverError as error:
                say(f"the receiver was not told of the remote: {error}")

        self.buffer.learn_instructor(learned)

    def open_poll(self) -> None:
        self._queue_accepted()  # a poll closed without the station (finish) kept its votes
        self.polls.open_poll(self.receiver.describe())
        self._receiver_poll_opened()

    def revote(self) -> None:
        self._queue_accepted()
        self.polls.revote(self.receiver.describe())
        self._receiver_poll_opened()

    def _receiver_poll_opened(self) -> None:
        state = self.receiver.state
        if state is not ReceiverState.CONNECTED and state is not ReceiverState.CHECKING:
            self._notices.append(
                f"the poll is open but {self.receiver.describe()} is {state}: "
                "its votes count once it answers"
            )
        if self.capture is not None:
            self.capture.event("poll-open")
        self._packets_at_open = {m.name: m.packets for m in self.receiver.members()}
        question = self.polls.question
        self.receiver.question_opened(question.correct if question is not None else None)
        if question is not None:
            self.receiver.question_shown(question.text, question.spec.answers)
        self.receiver.open_poll()

    def close_poll(self) -> None:
        self._queue_accepted()  # before the poll's closing step, in order
        self.receiver.close_poll()
        if self.capture is not None:
            self.capture.event("poll-close")
        poll = self.polls.poll
        self.polls.close_poll()
        if poll is not None:
            counters = [
                asdict(
                    ReceiverCounters(
                        m.name, m.packets - self._packets_at_open.get(m.name, 0), m.state, m.error
                    )
                )
                for m in self.receiver.members()
            ]
            self.store.submit("poll_receivers", poll_id=poll.id, receivers=counters)

    def run_until(
        self,
        stop: threading.Event,
        deadline: float | None = None,
        on_notice: Callable[[str], None] | None = None,
        on_progress: Callable[[], None] | None = None,
    ) -> str:
        """Pump until ``stop`` is set, ``deadline`` (monotonic) passes, the receiver ends
        or a scripted receiver has played the whole round; return which of "stopped",
        "duration", "ended" or "round" it was. ``on_progress`` is called about twice
        a second."""
        round_done_at: float | None = None
        next_progress = 0.0
        while not stop.is_set():
            now = time.monotonic()
            if on_notice is not None:
                for notice in self.take_notices():
                    on_notice(notice)
            if on_progress is not None and now >= next_progress:
                on_progress()
                next_progress = now + PROGRESS_EVERY_S
            if deadline is not None and now >= deadline:
                return "duration"
            if self.receiver.round_finished:
                round_done_at = round_done_at or now
                if now - round_done_at >= ROUND_TAIL_S:
                    return "round"
            if not self.pump():
                return "ended"
        return "stopped"
