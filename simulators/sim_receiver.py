"""``sim://300?seed=7&loss=0.05``: an in-process simulated classroom and receiver.

The simulated receiver speaks link v1 bytes that go through the same
:class:`~drivers.link_session.LinkSession` as a real serial receiver. A round
of the class plays each time a poll opens. Parameters: ``seed``, ``loss``,
``corrupt``, ``rogue`` (share of packets from devices that are no handset),
``questions`` (default 1), ``revote`` (0/1), ``speed`` (class time
runs this many times faster), ``end`` (1: end once the script is played),
``instructor`` (the handset ID of an instructor remote, pressed with
:meth:`SimReceiver.press`; ``remote=A,B`` presses those buttons in turn, one every
``remote_every`` seconds, default 5, once a poll has been opened).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from drivers.base import Receiver
from drivers.errors import ReceiverEnded, ReceiverUrlError
from drivers.link_session import LinkSession
from drivers.packets import RawPacket
from drivers.url import ReceiverUrl
from firmware_protocol.handset_id import HandsetIdError, parse_handset_id
from firmware_protocol.iclicker_air import ANSWERS
from firmware_protocol.link import FrameType
from firmware_protocol.link_messages import encode_channel
from simulators.link_receiver import RADIO_CODES, LinkReceiverEmulator
from simulators.radio import ICLICKER, RADIOS, payload_for
from simulators.scenario import ClassScenario
from simulators.seating import seat_class
from simulators.sim_phones import PhoneMix

SCENARIO_PARAMETERS = frozenset(
    {
        "seed",
        "questions",
        "revote",
        "loss",
        "corrupt",
        "rogue",
        "radio",
        "speed",
        "instructor",
        "choices",
    }
)
"""What describes a simulated class in a URL (``sim://`` and the emulated USB base)."""


def scenario_from_url(url: ReceiverUrl, students: int) -> ClassScenario:
    """The simulated class a URL's parameters describe (``sim://`` and emulated bases)."""
    return ClassScenario(
        students=students,
        seed=url.int_param("seed", 0),
        questions=url.int_param("questions", 1),
        revote=url.int_param("revote", 0) == 1,
        loss=url.float_param("loss", 0.0),
        corrupt=url.float_param("corrupt", 0.0),
        rogue=url.float_param("rogue", 0.0),
        radio=radio_from_url(url),
        choices=choices_from_url(url),
    )


def choices_from_url(url: ReceiverUrl) -> int:
    choices = url.int_param("choices", 5)
    most = 10 if radio_from_url(url) == "turningpoint" else 5
    if not 2 <= choices <= most:
        raise ReceiverUrlError(
            f"{url.text}: choices must be 2 to {most} on {radio_from_url(url)} handsets"
        )
    return choices


def parse_instructor(url: ReceiverUrl) -> str | None:
    text = url.param("instructor", "")
    if not text:
        return None
    try:
        return parse_handset_id(text)
    except HandsetIdError as error:
        raise ReceiverUrlError(f"{url.text}: instructor: {error}") from None


def radio_from_url(url: ReceiverUrl) -> str:
    radio = url.param("radio", ICLICKER)
    if radio not in RADIOS:
        raise ReceiverUrlError(f"{url.text}: radio must be one of {', '.join(RADIOS)}")
    return radio


def speed_from_url(url: ReceiverUrl) -> float:
    speed = url.float_param("speed", 1.0)
    if speed <= 0:
        raise ReceiverUrlError(f"{url.text}: speed must be above 0")
    return speed


class SimReceiver(Receiver):
    scheme = "sim"
    parameters = SCENARIO_PARAMETERS | {"end", "remote", "remote_every", "phones", "seats"}

    def __init__(self, url: ReceiverUrl, *, auto_reconnect: bool = True) -> None:
        super().__init__(url, auto_reconnect=auto_reconnect)
        try:
            students = int(url.target or "300")
        except ValueError:
            raise ReceiverUrlError(
                f"{url.text}: expected sim://<students>, e.g. sim://300"
            ) from None
        self.scenario = scenario_from_url(url, students)
        self.speed = speed_from_url(url)
        self.ends = url.int_param("end", 1) == 1
        self.emulator = LinkReceiverEmulator(
            self.scenario.rounds(), speed=self.speed, radio=RADIO_CODES[self.scenario.radio]
        )
        self._session = LinkSession(f"sim:{students}")
        self.instructor_remote = parse_instructor(url)
        self.remote_script = [b for b in url.param("remote", "").upper().split(",") if b]
        self.remote_every_s = url.float_param("remote_every", 5.0) / self.speed
        self._next_remote_at: float | None = None
        self.phones = PhoneMix(self.scenario, url.int_param("phones", 0), url.text or "sim")
        per_row = url.int_param("seats", 0)
        self.seats = (
            seat_class(self.scenario.handsets(), per_row, self.scenario.seed) if per_row else {}
        )
        """``seats=N``: the class sits in rows of N seats and tells its seats (as phones do)."""

    def _open(self) -> None:
        self._session = LinkSession(self._session.label)
        self.emulator.receive(self._session.command(FrameType.GET_INFO), time.monotonic())

    def _close(self) -> None:
        """Nothing to release."""

    def press(self, button: str) -> None:
        """The simulated instructor presses ``button`` (A-E) on the remote."""
        if self.instructor_remote is None:
            raise ReceiverUrlError(f"{self.url.text}: no instructor=ID in the URL")
        if button not in ANSWERS:
            raise ValueError(f"a remote has buttons {', '.join(ANSWERS)}, not {button!r}")
        payload = payload_for(self.scenario.radio, self.instructor_remote, button)
        self.emulator.press(payload, time.monotonic())

    def _play_remote(self, now: float) -> None:
        if not self.remote_script or self._next_remote_at is None or now < self._next_remote_at:
            return
        self.press(self.remote_script.pop(0))
        self._next_remote_at = now + self.remote_every_s

    def _read(self, wait: float) -> list[RawPacket]:
        now = time.monotonic()
        self._play_remote(now)
        data = self.emulator.transmit(now)
        packets = self._session.on_bytes(data, time.time()) if data else []
        if packets and self.phones.students:
            packets = self.phones.convert(packets)
        if packets:
            return packets
        if self.ends and self.emulator.finished:
            raise ReceiverEnded("the simulated class has played every round")
        due = self.emulator.next_due()
        sleep = wait if due is None else min(wait, due - now)
        time.sleep(max(0.0, min(sleep, 0.05)))
        return []

    def seats_told(self) -> dict[str, str]:
        return dict(self.seats)

    def turningpoint_only(self) -> bool:
        return self.scenario.radio == "turningpoint"

    def question_opened(self, key: str | None) -> None:
        """The class answers with the question's key: its script's right answer and the
        key trade places in the round about to play (a realistic share right on vote 1,
        more after discussion, as the script has it)."""
        self.emulator.answer_with(key[0] if key else None, self.scenario.radio)

    def _open_poll(self) -> None:
        self.phones.sent.clear()
        if self._next_remote_at is None:
            self._next_remote_at = time.monotonic() + self.remote_every_s
        self.emulator.receive(self._session.command(FrameType.OPEN_POLL), time.monotonic())

    def _close_poll(self) -> None:
        self.emulator.receive(self._session.command(FrameType.CLOSE_POLL), time.monotonic())

    def _set_channel(self, channel: str) -> None:
        command = self._session.command(FrameType.SET_CHANNEL, encode_channel(channel))
        self.emulator.receive(command, time.monotonic())

    def _proven(self) -> bool:
        return self._session.proven

    @property
    def round_finished(self) -> bool:
        """The round that the open poll started has been fully sent."""
        return self.emulator.next_due() is None

    def stats(self) -> dict[str, int]:
        return self._session.stats()


def play_steps(live: Any, receiver: SimReceiver, steps: Sequence[Callable[[], object]]) -> None:
    """Drive a live session through ``steps`` (start, stop, revote …) on this simulated
    class: after each, step the session until the round it opened is fully played."""
    for step in steps:
        step()
        live.step()
        while not receiver.round_finished:
            live.step()
        live.step()
