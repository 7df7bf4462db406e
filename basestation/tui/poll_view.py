"""What the dashboard and the TA's watch view share: the panels of one poll, painted
from a :class:`LiveState` on a timer, with the results hideable (projector mode)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer

from basestation.domain import correct_answers
from basestation.peer_instruction import DEFAULT_BAND, DiscussionBand
from basestation.poll_source import LiveState
from basestation.tui.hints import next_step
from basestation.tui.widgets.bars import AnswerBars
from basestation.tui.widgets.projector import ProjectorPanel
from basestation.tui.widgets.status import poll_figures, poll_title, question_text, trouble_line
from basestation.tui.widgets.text_panel import TextPanel

NOTICE_STYLES = {"error": "bold white on dark_red", "warning": "bold black on yellow"}


class PollScreen(Screen[None]):
    """The live view. Its bindings are the app's actions (``app.…``), so they act only
    while this screen is on top: never behind the comparison or a prompt."""

    BINDINGS: ClassVar[list[BindingType]] = []

    def __init__(self, on_ready: Callable[[], None]) -> None:
        super().__init__()
        self.on_ready = on_ready
        self._notice_timer: Timer | None = None

    def on_mount(self) -> None:
        self.on_ready()

    def compose(self) -> ComposeResult:
        # Kept as attributes: the refresh tick must reach them while another screen is on top.
        self.title_panel = TextPanel(id="title")
        self.question_panel = TextPanel(id="question", grows=True)
        self.figures_panel = TextPanel(id="figures")
        self.hint_panel = TextPanel(id="hint", grows=True)  # wraps, never cut at 80 columns
        self.join_panel = TextPanel(id="join", grows=True)
        self.join_panel.display = False
        self.bars = AnswerBars(id="bars")
        self.projector = ProjectorPanel(id="projector")
        self.notice_panel = TextPanel(id="notice", grows=True)
        self.notice_panel.display = False
        self.trouble_panel = TextPanel(id="trouble", grows=True)
        self.receiver_panel = TextPanel(id="receiver")
        yield self.title_panel
        yield self.question_panel
        yield self.figures_panel
        yield self.join_panel
        yield self.hint_panel
        yield self.bars
        yield self.projector
        yield self.notice_panel
        yield self.trouble_panel
        yield self.receiver_panel
        yield Footer(show_command_palette=False)

    def show_notice(self, message: str, severity: str, timeout: float) -> None:
        """A notification on its own line under the figures, where it covers nothing the
        room needs (a toast would sit on the count and the timer)."""
        style = NOTICE_STYLES.get(severity, "bold")
        self.notice_panel.set_text(Text(message, style=style))
        self.notice_panel.display = True
        if self._notice_timer is not None:
            self._notice_timer.stop()
        self._notice_timer = self.set_timer(timeout, self._clear_notice)

    def _clear_notice(self) -> None:
        self.notice_panel.display = False


class PollViewApp(App[None]):
    """Subclasses say where states come from (:meth:`refresh_view`), which screen shows
    them (``SCREEN``), and may do work before the first paint (:meth:`starting`)."""

    CSS_PATH = Path(__file__).with_name("dashboard.tcss")
    ENABLE_COMMAND_PALETTE = False
    REFRESH_HZ = 10.0
    SCREEN: ClassVar[type[PollScreen]] = PollScreen
    NEXT_STEPS: ClassVar[bool] = True
    """Suggest the next key to press (not on a view that cannot control the poll)."""

    def __init__(self, *, hide_results: bool = False, band: DiscussionBand = DEFAULT_BAND) -> None:
        super().__init__()
        self.hide_results = hide_results
        self.band = band
        """Where vote 1's share right says "discuss and revote" (a setting, ``--band``)."""
        self.show_key = not hide_results
        self.show_history = True
        """A prepared question's record from earlier uses (never in projector mode)."""
        self.redraws = 0
        self.main = self.SCREEN(self._live_view_ready)

    def get_default_screen(self) -> Screen[None]:
        return self.main

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """On the live view, on its notice line; on a screen above it, a toast too."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)
        self.main.show_notice(message, severity, timeout or self.NOTIFICATION_TIMEOUT)

    def _live_view_ready(self) -> None:
        """The live view is composed: start, and paint on a timer. The timer belongs to
        the live screen, so it stops when that screen closes at shutdown, before the
        screen stack is emptied (an app-wide timer would fire on an empty stack)."""
        self.starting()
        self.main.set_interval(1 / self.REFRESH_HZ, self._tick_while_running)
        self.refresh_view()

    def _tick_while_running(self) -> None:
        if self.is_running and self.screen_stack:
            self.tick()

    def tick(self) -> None:
        """What the refresh timer does: paint the latest state."""
        self.refresh_view()

    def starting(self) -> None:
        """Work to do once mounted, before the first paint."""
        return None

    def refresh_view(self) -> None:
        raise NotImplementedError

    def paint(self, state: LiveState, receiver: Text, hint_prefix: str | None = None) -> None:
        main = self.main
        hidden = self.hide_results
        show_key = self.show_key and not hidden
        main.title_panel.set_text(poll_title(state))
        main.question_panel.set_text(question_text(state, self.show_history and not hidden))
        main.question_panel.display = bool(state.question_text or state.choice_texts)
        main.figures_panel.set_text(poll_figures(state, show_key))
        main.join_panel.display = bool(state.join_address)
        if state.join_address:
            main.join_panel.set_text(join_line(state))
        main.hint_panel.display = self.NEXT_STEPS
        if self.NEXT_STEPS:
            hint = next_step(
                state, hidden, vote_share_correct(state) if show_key or hidden else None, self.band
            )
            main.hint_panel.set_text(
                Text(f"{hint_prefix} · {hint}" if hint_prefix else hint, style="italic")
            )
        main.bars.display = not hidden
        main.projector.display = hidden
        if hidden:
            main.projector.show(state)
        else:
            main.bars.show(state, state.correct if show_key else None)
        trouble = trouble_line(state)
        main.trouble_panel.set_text(trouble)
        main.trouble_panel.display = bool(trouble.plain)
        main.receiver_panel.set_text(receiver)
        self.redraws += 1

    def action_hide_results(self) -> None:
        self.hide_results, self.show_key = True, False
        self.refresh_bindings()
        self.refresh_view()

    def action_show_results(self) -> None:
        self.hide_results = False
        self.refresh_bindings()
        self.refresh_view()

    def action_toggle_results(self) -> None:
        (self.action_show_results if self.hide_results else self.action_hide_results)()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "hide_results":
            return not self.hide_results
        if action == "show_results":
            return self.hide_results
        return True


def join_line(state: LiveState) -> Text:
    """``Phones: http://10.0.0.5:8765/  round code ACDE  12 in  (j: QR)``."""
    text = Text("Phones: ", style="bold")
    text.append(state.join_address)
    if state.round_code:
        text.append("  round code ")
        text.append(state.round_code, style="bold reverse")
    text.append(f"  {state.phones} in  (j: QR)", style="dim")
    return text


def vote_share_correct(state: LiveState) -> float | None:
    """The share of this round's voters who chose a correct answer (None: no key)."""
    keys = correct_answers(state.correct)
    if not keys or not state.voters:
        return None
    return sum(state.counts.get(answer, 0) for answer in keys) / state.voters
