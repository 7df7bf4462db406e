"""The dashboard's live view and its keys."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType

from basestation.tui.poll_view import PollScreen


class DashboardScreen(PollScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "app.quit_dashboard", "Quit"),
        Binding("ctrl+c", "app.quit_dashboard", "Quit", show=False, priority=True),
        Binding("question_mark", "app.help", "Help", key_display="?"),
        Binding("s", "app.start_poll", "Start"),
        Binding("x", "app.stop_poll", "Stop"),
        Binding("n", "app.next_question", "Next"),
        Binding("r", "app.revote", "Revote"),
        Binding("v", "app.compare", "Compare"),
        Binding("h", "app.hide_results", "Hide"),
        Binding("h", "app.show_results", "Show"),
        Binding("k", "app.reveal_key", "Reveal key"),
        Binding("k", "app.conceal_key", "Hide key"),
        Binding("c", "app.cycle_correct", "Set key"),
        Binding("plus", "app.more_time", "+10 s", key_display="+"),
        Binding("minus", "app.less_time", "-10 s", key_display="-"),
        Binding("t", "app.edit_text", "Text", show=False),
        Binding("p", "app.toggle_history", "Past", show=False),
        Binding("i", "app.learn_remote", "Learn remote", show=False),
        Binding("l", "app.session", "List", show=False),
        Binding("o", "app.cycle_choices", "Choices", show=False),
        Binding("j", "app.join", "Phones QR", show=False),
        Binding("g", "app.groups", "Groups", show=False),
    ]
