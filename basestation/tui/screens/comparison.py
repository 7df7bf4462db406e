"""Vote 1 against the revote: both histograms, the switching matrix and its summary."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from basestation.peer_instruction import (
    DEFAULT_BAND,
    Comparison,
    DiscussionBand,
    RoundFigures,
    compare_rounds,
    discussion_hint,
    gain_text,
    revote_hint,
)
from basestation.poll_source import RoundAnswers
from basestation.tui.widgets.bars import render_bars


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def round_panel(title: str, figures: RoundFigures, correct: str | None) -> Text:
    text = Text(
        f"{title}: {figures.voters} voters, {_percent(figures.percent_correct)} correct\n",
        style="bold",
    )
    text.append_text(render_bars(figures.counts, figures.voters, correct, 38, 1))
    return text


def matrix_table(comparison: Comparison, correct: str | None) -> Table:
    """The k x k switching matrix of the question's own choices."""
    answers = list(comparison.matrix)
    table = Table(title="vote 1 → vote 2 (handsets that voted twice)", title_justify="left")
    table.add_column("1 \\ 2", style="bold")
    for answer in answers:
        table.add_column(answer + ("✓" if answer == correct else ""), justify="right")
    for before in answers:
        row = comparison.matrix[before]
        table.add_row(
            before + ("✓" if before == correct else ""),
            *[str(row[after]) if row[after] else "·" for after in answers],
        )
    return table


def summary_text(comparison: Comparison, band: DiscussionBand) -> Text:
    text = Text()
    text.append(
        f"Of the {comparison.paired} handsets that voted in both rounds "
        f"(the figures below), {comparison.changed} changed their answer.\n"
    )
    switches = comparison.switches
    if switches is None:
        text.append("No correct answer is set: press c to set one.", style="italic")
        return text
    text.append(
        f"right→right {switches['RR']}   wrong→right {switches['WR']}   "
        f"right→wrong {switches['RW']}\n",
        style="bold",
    )
    text.append(
        f"wrong→wrong {switches['WW_same'] + switches['WW_diff']} "
        f"(same wrong {switches['WW_same']}, different wrong {switches['WW_diff']})\n"
    )
    text.append(
        f"voted twice, correct: {_percent(comparison.paired_correct_first)} → "
        f"{_percent(comparison.paired_correct_second)}   normalized gain "
        f"{gain_text(comparison.gain, comparison.paired)}\n"
    )
    advice = revote_hint(comparison.first.percent_correct, comparison.second.percent_correct, band)
    text.append(f"Advice: {advice}", style="dim")
    return text


class ComparisonScreen(Screen[None]):
    """``set_key``: given for the question being taught, whose key may still change
    (``c``); the app then calls :meth:`follow` with the new key."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,v", "app.pop_screen", "Back"),
        Binding("c", "set_key", "Set key"),
    ]

    def __init__(
        self,
        rounds: RoundAnswers,
        *,
        set_key: Callable[[], None] | None = None,
        band: DiscussionBand = DEFAULT_BAND,
    ) -> None:
        super().__init__()
        self.band = band
        self.rounds = rounds
        self.set_key = set_key
        self.live = set_key is not None
        self.question = rounds.question
        self.single_round = rounds.second is None
        self.follow(rounds.correct, recompose=False)

    def follow(self, correct: str | None, *, recompose: bool = True) -> None:
        """Figures for a new key (the instructor set or changed it)."""
        rounds = self.rounds
        self.correct = correct
        self.comparison = compare_rounds(rounds.first, rounds.second or {}, correct, rounds.answers)
        if recompose:
            self.refresh(recompose=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.live if action == "set_key" else True

    def action_set_key(self) -> None:
        if self.set_key is not None:
            self.set_key()

    def compose(self) -> ComposeResult:
        comparison = self.comparison
        title = "vote 1" if self.single_round else "vote 1 and revote"
        with VerticalScroll():
            yield Static(
                Text(f"Question {self.question}: {title}", style="bold"), id="comparison-title"
            )
            with Horizontal(id="rounds"):
                yield Static(
                    round_panel("Vote 1, all voters", comparison.first, self.correct),
                    classes="round",
                )
                if not self.single_round:
                    yield Static(
                        round_panel("Revote, all voters", comparison.second, self.correct),
                        classes="round",
                    )
            if not self.single_round:
                yield Static(matrix_table(comparison, self.correct), id="matrix")
                yield Static(summary_text(comparison, self.band), id="summary")
            else:
                yield Static(
                    Text(
                        f"Advice: {discussion_hint(comparison.first.percent_correct, self.band)}",
                        style="dim",
                    ),
                    id="summary",
                )
        yield Footer(show_command_palette=False)
