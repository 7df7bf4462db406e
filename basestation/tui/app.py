"""The dashboard: live bars, poll control from the keyboard, the revote comparison."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen

from basestation.peer_instruction import DEFAULT_BAND, DiscussionBand
from basestation.poll_source import LiveControl, LiveState
from basestation.tui.palette import commands_allowed
from basestation.tui.poll_view import PollViewApp
from basestation.tui.screens.comparison import ComparisonScreen
from basestation.tui.screens.confirm import ConfirmScreen
from basestation.tui.screens.dashboard import DashboardScreen
from basestation.tui.screens.groups import NO_SEATS_NOTE, GroupsScreen
from basestation.tui.screens.help import HELP, HelpScreen
from basestation.tui.screens.join import JoinScreen
from basestation.tui.screens.session import SessionScreen
from basestation.tui.screens.text_entry import QuestionTextScreen
from basestation.tui.widgets.seat_map import seat_map
from basestation.tui.widgets.status import receiver_line, troubles

FALLBACK_HZ = 2
"""The worker tells the dashboard when to paint (11 times a second while votes come);
this timer only paints what a busy worker published last."""
TIME_STEP_S = 10.0
FLASH_S = 0.6
HIDDEN_NOTE = "results are hidden on the projector: h shows them first"
"""The projector rule, in one place: while the results are hidden, no key, no percent
correct and no distribution reaches the screen (the list shows no key or percent, the
comparison and the remote's E are refused with this note, a revote opens hidden); the
TA's view (``watch``) always shows everything."""

INSTRUCTOR_BUTTONS = {
    "A": ("toggle_poll", "start or stop the poll"),
    "B": ("next_question", "next question"),
    "C": ("revote", "revote"),
    "D": ("toggle_results", "hide or show the results"),
    "E": ("compare", "compare vote 1 and the revote"),
}
"""What the instructor remote's buttons do (documented in the README and on ``?``)."""


class StateReady(Message):
    """The worker has published a state that paints differently, or there is news."""


class DashboardApp(PollViewApp):
    """Reads a :class:`LiveControl`; every change goes through its command queue."""

    TITLE = "basestation"
    REFRESH_HZ = FALLBACK_HZ
    SCREEN = DashboardScreen
    ENABLE_COMMAND_PALETTE = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit_dashboard", "Quit", priority=True, show=False),
    ]

    def __init__(
        self,
        live: LiveControl,
        *,
        hide_results: bool = False,
        start_poll: bool = False,
        run_worker: bool = True,
        hint: str | None = None,
        band: DiscussionBand = DEFAULT_BAND,
    ) -> None:
        super().__init__(hide_results=hide_results, band=band)
        self.live = live
        self.projector_mode = hide_results
        self.start_poll_on_mount = start_poll
        self.run_worker_thread = run_worker
        self.hint = hint
        self.state: LiveState = live.state()
        self._troubles: set[str] = set()

    def starting(self) -> None:
        self.live.watch(self._state_ready)
        if self.run_worker_thread:
            self.live.start()
        if self.start_poll_on_mount:
            self.live.start_poll()

    def on_unmount(self) -> None:
        self.live.stop()

    def tick(self) -> None:
        """The worker says when there is something new to paint (:meth:`on_state_ready`);
        the timer only makes sure a busy worker's last state is painted."""
        self.refresh_view(always=False)

    def _state_ready(self) -> None:
        """On the worker's thread: ``post_message`` is safe from any thread."""
        self.post_message(StateReady())

    def on_state_ready(self, message: StateReady) -> None:
        if self.is_running and self.screen_stack:
            self.refresh_view(always=False)

    def refresh_view(self, always: bool = True) -> None:
        """Read one snapshot and redraw (unless ``always`` is off and the screen would
        not change); tell what changed; handle instructor presses."""
        previous, self.state = self.state, self.live.state()
        state = self.state
        if state.question != previous.question:
            if self.projector_mode:
                self.hide_results = True
            # a key prepared before class stays hidden until revealed (k)
            self.show_key = not self.hide_results and not state.correct
        if always or state.as_shown() != previous.as_shown():
            self.paint(state, receiver_line(state), self.hint)
        if _controls(previous) != _controls(state):
            self.refresh_bindings()
        self._tell(previous, state)
        for press in self.live.take_instructor_presses():
            self._instructor(press)
        screen = self.screen
        if (
            isinstance(screen, ComparisonScreen)
            and screen.live
            and screen.question == state.question
            and screen.correct != state.correct
        ):
            screen.follow(state.correct)

    def _tell(self, previous: LiveState, state: LiveState) -> None:
        for message in self.live.take_messages():
            self.notify(message, severity="warning")
        now = troubles(state)
        for kind, message in now:
            if kind not in self._troubles:
                self.notify(message, severity="error", timeout=10)
        self._troubles = {kind for kind, _ in now}
        if state.timer_closes > previous.timer_closes:
            self.bell()
            self.main.add_class("flash")
            self.set_timer(FLASH_S, lambda: self.main.remove_class("flash"))

    # -- what may be done now ------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        state = self.state
        polled = state.rounds_of_question > 0
        closed = not state.poll_open
        allowed = {
            "start_poll": closed and not state.ended and (state.question is None or not polled),
            "stop_poll": state.poll_open,
            "next_question": closed and (state.question is None or polled),
            "revote": closed and polled and not state.ended,
            "cycle_correct": state.question is not None,
            "compare": (state.rounds_of_question >= 2 or (polled and closed))
            and not self.hide_results,
            "session": state.session_id is not None,
            "reveal_key": not self.hide_results and not self.show_key and bool(state.correct),
            "conceal_key": not self.hide_results and self.show_key and bool(state.correct),
            "more_time": state.poll_open,
            "less_time": state.poll_open and state.remaining_s is not None,
            "learn_remote": closed,
            "cycle_choices": closed,
            "join": bool(state.join_address),
            "groups": closed and polled,
        }.get(action)
        if allowed is None:
            return super().check_action(action, parameters)
        return allowed

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette offers what the keys do now (and Textual's own commands)."""
        yield from super().get_system_commands(screen)
        if screen is self.main:
            yield from commands_allowed(self, DashboardScreen.BINDINGS, dict(HELP))

    # -- actions -------------------------------------------------------------------
    def action_start_poll(self) -> None:
        self.live.start_poll()

    def action_stop_poll(self) -> None:
        self.live.stop_poll()

    def action_next_question(self) -> None:
        self.live.next_question()
        self.live.start_poll()

    def action_revote(self) -> None:
        """The revote opens with its results hidden, whatever was shown of vote 1: the
        room must not watch the majority form (the lecturer shows it with h)."""
        self.live.revote()
        self.action_hide_results()

    def action_cycle_correct(self) -> None:
        self.live.cycle_correct()
        if not self.show_key or self.hide_results:
            self.notify("key changed; it stays hidden (k reveals it)")

    def action_reveal_key(self) -> None:
        self.show_key = True
        self.refresh_bindings()
        self.refresh_view()

    def action_conceal_key(self) -> None:
        self.show_key = False
        self.refresh_bindings()
        self.refresh_view()

    def action_toggle_history(self) -> None:
        self.show_history = not self.show_history
        self.refresh_view()

    def action_more_time(self) -> None:
        self.live.adjust_countdown(TIME_STEP_S)

    def action_less_time(self) -> None:
        self.live.adjust_countdown(-TIME_STEP_S)

    def action_edit_text(self) -> None:
        def typed(text: str | None) -> None:
            if text is not None:
                self.live.set_question_text(text)

        self.push_screen(QuestionTextScreen(self.state.question_text), typed)

    def action_cycle_choices(self) -> None:
        choices = self.live.cycle_choices()
        self.notify(
            f"the next ad-hoc question has {choices} choices (A-{'ABCDEFGHIJ'[choices - 1]})"
        )

    def action_learn_remote(self) -> None:
        self.live.learn_remote()
        self.notify("press any button on the instructor remote", timeout=10)

    def action_help(self) -> None:
        self.push_screen(
            HelpScreen(
                HELP,
                {button: description for button, (_, description) in INSTRUCTOR_BUTTONS.items()},
            )
        )

    def action_compare(self) -> None:
        if self.hide_results:
            self.notify(HIDDEN_NOTE)
            return
        question = self.state.question
        rounds = None if question is None else self.live.live_rounds(question)
        if rounds is not None:
            self.push_screen(
                ComparisonScreen(rounds, set_key=self.live.cycle_correct, band=self.band)
            )

    def action_groups(self) -> None:
        """Discussion groups of vote 1's voters, as marks on the room's seat map."""
        question = self.state.question
        formed = None if question is None else self.live.form_groups(question)
        if formed is None:
            self.notify(NO_SEATS_NOTE, timeout=8)
            return
        self.push_screen(GroupsScreen(seat_map(formed.groups, formed.seats), formed.unseated))

    def action_join(self) -> None:
        self.push_screen(JoinScreen(lambda: self.state))

    def action_session(self) -> None:
        if self.state.session_id is not None:
            self.push_screen(
                SessionScreen(self.live, self.state.session_id, room=self.hide_results)
            )

    def action_quit_dashboard(self) -> None:
        if isinstance(self.screen, ConfirmScreen):
            return
        question = (
            "A poll is open: close it and quit?"
            if self.state.poll_open
            else "Quit the dashboard? Everything is saved."
        )

        def answered(quit_now: bool | None) -> None:
            if quit_now:
                self.exit()

        self.push_screen(ConfirmScreen(question), answered)

    def _instructor(self, answer: str) -> None:
        action, description = INSTRUCTOR_BUTTONS.get(answer, ("", "nothing"))
        self.notify(f"remote {answer}: {description}")
        if action == "toggle_poll":
            self.live.stop_poll() if self.state.poll_open else self.live.start_poll()
        elif action == "next_question" and not self.state.poll_open:
            self.action_next_question()
        elif action == "revote" and self.check_action("revote", ()):
            self.action_revote()
        elif action == "toggle_results":
            self.action_toggle_results()
        elif action == "compare" and self.check_action("compare", ()):
            self.action_compare()


def _controls(state: LiveState) -> tuple[object, ...]:
    return (
        state.poll_open,
        state.question,
        state.rounds_of_question,
        state.ended,
        state.session_id,
        state.correct,
        state.remaining_s is None,
    )
