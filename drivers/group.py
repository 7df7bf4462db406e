"""Several receivers read as one (a large hall, or iClicker and TurningPoint handsets in
one class). Each member is read in a thread of its own, which also runs the commands
meant for it, so a slow or absent receiver never holds up the others. The vote
buffer makes a vote heard by several receivers count once.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Mapping, Sequence

from drivers.base import Receiver
from drivers.errors import ReceiverEnded, ReceiverError
from drivers.packets import RawPacket
from drivers.status import JoinInfo, MemberStatus, ReceiverState
from drivers.threads import background_thread
from drivers.url import parse_receiver_url

MEMBER_READ_S = 0.05


class _Member:
    def __init__(self, receiver: Receiver, out: queue.SimpleQueue[list[RawPacket]]) -> None:
        self.receiver = receiver
        self.ended = False
        self._out = out
        self._commands: queue.SimpleQueue[Callable[[Receiver], None]] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._thread = background_thread(self._run, f"receiver {receiver.describe()}")

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def command(self, step: Callable[[Receiver], None]) -> None:
        self._commands.put(step)

    def _run(self) -> None:
        while not self._stop.is_set():
            while True:
                try:
                    self._commands.get_nowait()(self.receiver)
                except queue.Empty:
                    break
            if self.ended:
                time.sleep(MEMBER_READ_S)
                continue
            try:
                packets = self.receiver.read(MEMBER_READ_S)
            except ReceiverEnded:
                self.ended = True
                self._out.put([])  # wakes the group to notice
                continue
            except ReceiverError:
                time.sleep(MEMBER_READ_S)
                continue
            if packets:
                self._out.put(packets)


class ReceiverGroup(Receiver):
    scheme = "group"

    def __init__(self, receivers: Sequence[Receiver]) -> None:
        super().__init__(parse_receiver_url("group://"))
        self.receivers = list(receivers)
        self._queue: queue.SimpleQueue[list[RawPacket]] = queue.SimpleQueue()
        self._members: list[_Member] = []

    def describe(self) -> str:
        return " + ".join(receiver.describe() for receiver in self.receivers)

    def expected_answer(self) -> str:
        return "any of its receivers to answer"

    def turningpoint_only(self) -> bool:
        return all(receiver.turningpoint_only() for receiver in self.receivers)

    def parts(self) -> list[Receiver]:
        return [part for receiver in self.receivers for part in receiver.parts()]

    def question_opened(self, key: str | None) -> None:
        for receiver in self.receivers:
            receiver.question_opened(key)

    def question_shown(self, text: str | None, answers: tuple[str, ...]) -> None:
        for receiver in self.receivers:
            receiver.question_shown(text, answers)

    def handset_pressed(self, handset: str, answer: str) -> None:
        for receiver in self.receivers:
            receiver.handset_pressed(handset, answer)

    def seats_told(self) -> dict[str, str]:
        return {h: seat for r in self.receivers for h, seat in r.seats_told().items()}

    def groups_formed(self, partners: Mapping[str, tuple[str, ...]]) -> None:
        for receiver in self.receivers:
            receiver.groups_formed(partners)

    def join_info(self) -> JoinInfo | None:
        return next((j for r in self.receivers if (j := r.join_info()) is not None), None)

    def members(self) -> list[MemberStatus]:
        ended = {id(m.receiver) for m in self._members if m.ended}
        return [
            MemberStatus(
                r.describe(),
                "ended" if id(r) in ended else r.state.value,
                r.packets_read,
                r.last_error,
            )
            for r in self.receivers
        ]

    def _open(self) -> None:
        opened: list[Receiver] = []
        try:
            for receiver in self.receivers:
                if self.instructor is not None:
                    receiver.set_instructor(self.instructor)
                receiver.open()
                opened.append(receiver)
        except ReceiverError:
            for receiver in opened:
                receiver.close()
            raise
        self._members = [_Member(receiver, self._queue) for receiver in self.receivers]
        for member in self._members:
            member.start()

    def _close(self) -> None:
        for member in self._members:
            member.stop()
        for receiver in self.receivers:
            receiver.close()
        self._members = []

    def _read(self, wait: float) -> list[RawPacket]:
        packets: list[RawPacket] = []
        try:
            packets += self._queue.get(timeout=max(wait, 0.001))
            while True:
                packets += self._queue.get_nowait()
        except queue.Empty:
            pass
        if not packets and self._members and all(m.ended for m in self._members):
            raise ReceiverEnded("every receiver has ended")
        return packets

    def _each(self, step: Callable[[Receiver], None]) -> None:
        for member in self._members:
            member.command(step)

    def _open_poll(self) -> None:
        self._each(lambda receiver: receiver.open_poll())

    def _close_poll(self) -> None:
        self._each(lambda receiver: receiver.close_poll())

    def _set_channel(self, channel: str) -> None:
        self._each(lambda receiver: receiver.set_channel(channel))

    def _set_instructor(self, handset: str) -> None:
        self._each(lambda receiver: receiver.set_instructor(handset))

    def _proven(self) -> bool:
        return any(r.state is ReceiverState.CONNECTED for r in self.receivers)

    def _device_notices(self) -> list[str]:
        return [notice for r in self.receivers for notice in r.take_notices()]

    @property
    def round_finished(self) -> bool:
        return all(r.round_finished for r in self.receivers)

    def stats(self) -> dict[str, int]:
        return {f"{m.name}: packets": m.packets for m in self.members()}
