"""The dashboard: live bars, poll control from the keyboard, the revote comparison."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType

from basestation.poll_source import LiveControl, LiveState
from basestation.tui.poll_view import PollViewApp
from basestation.tui.screens.comparison import ComparisonScreen
from basestation.tui.screens.confirm import ConfirmScreen
from basestation.tui.screens.session import SessionScreen
from basestation.tui.widgets.status import receiver_line

REFRESH_HZ = 11
"""A little above 10 Hz, so that a redraw always comes within 100 ms of a vote."""

INSTRUCTOR_BUTTONS = {
    "A": "toggle_poll",
    "B": "next_question",
    "C": "revote",
    "D": "toggle_results",
    "E": "compare",
}
"""What the instructor remote's buttons do (documented in the README)."""


class DashboardApp(PollViewApp):
    """Reads a :class:`LiveControl`; every change goes through its command queue."""

    TITLE = "basestation"
    REFRESH_HZ = REFRESH_HZ
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "start_poll", "Start"),
        Binding("x", "stop_poll", "Stop"),
        Binding("n", "next_question", "Next"),
        Binding("r", "revote", "Revote"),
        Binding("c", "cycle_correct", "Key"),
        Binding("h", "toggle_results", "Hide"),
        Binding("v", "compare", "Compare"),
        Binding("l", "session", "List"),
        Binding("q", "quit_dashboard", "Quit"),
    ]

    def __init__(self, live: LiveControl, *, hide_results: bool = False,
                 start_poll: bool = False, run_worker: bool = True) -> None:
        super().__init__(hide_results=hide_results)
        self.live = live
        self.start_poll_on_mount = start_poll
        self.run_worker_thread = run_worker
        self.state: LiveState = live.state()

    def starting(self) -> None:
        if self.run_worker_thread:
            self.live.start()
        if self.start_poll_on_mount:
            self.live.start_poll()

    def on_unmount(self) -> None:
        self.live.stop()

    def refresh_view(self) -> None:
        """Read one snapshot and redraw; also handle messages and instructor presses."""
        previous, self.state = self.state, self.live.state()
        state = self.state
        self.paint(state, receiver_line(state))
        if _controls(previous) != _controls(state):
            self.refresh_bindings()
        for message in self.live.take_messages():
            self.notify(message, severity="warning")
        for press in self.live.take_instructor_presses():
            self._instructor(press)

    # -- what may be done now ------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        state = self.state
        polled = state.rounds_of_question > 0
        allowed = {
            "start_poll": not state.poll_open and not state.ended and
            (state.question is None or not polled),
            "stop_poll": state.poll_open,
            "next_question": not state.poll_open and (state.question is None or polled),
            "revote": not state.poll_open and polled and not state.ended,
            "cycle_correct": state.question is not None,
            "compare": state.rounds_of_question >= 2 or (polled and not state.poll_open),
            "session": state.session_id is not None,
        }.get(action, True)
        return True if allowed else None  # None: shown in the footer, greyed out

    # -- actions -------------------------------------------------------------------
    def action_start_poll(self) -> None:
        self.live.start_poll()

    def action_stop_poll(self) -> None:
        self.live.stop_poll()

    def action_next_question(self) -> None:
        self.live.next_question()
        self.live.start_poll()

    def action_revote(self) -> None:
        self.live.revote()

    def action_cycle_correct(self) -> None:
        self.live.cycle_correct()

    def action_compare(self) -> None:
        question = self.state.question
        rounds = None if question is None else self.live.live_rounds(question)
        if rounds is not None:
            self.push_screen(ComparisonScreen(rounds))

    def action_session(self) -> None:
        if self.state.session_id is not None:
            self.push_screen(SessionScreen(self.live, self.state.session_id))

    def action_quit_dashboard(self) -> None:
        if not self.state.poll_open:
            self.exit()
            return

        def answered(quit_now: bool | None) -> None:
            if quit_now:
                self.exit()

        self.push_screen(ConfirmScreen("A poll is open. Close it and quit?"), answered)

    def _instructor(self, answer: str) -> None:
        action = INSTRUCTOR_BUTTONS.get(answer)
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
    return (state.poll_open, state.question, state.rounds_of_question, state.ended,
            state.session_id)
