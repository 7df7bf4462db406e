"""Text lines around the bars: the poll's state, its figures, the receiver."""

from __future__ import annotations

from rich.text import Text

from basestation.domain import key_text
from basestation.poll_source import LiveState
from basestation.textsafe import shown
from basestation.tui.widgets.projector import clock_text

RECEIVER_STYLES = {
    "connected": "green",
    "reconnecting": "bold yellow",
    "gone": "bold red",
    "silent": "bold red",
    "checking": "yellow",
    "ended": "dim",
    "closed": "dim",
}


def poll_title(state: LiveState) -> Text:
    """The poll's state first, so that a narrow terminal never cuts it."""
    if state.question is None:
        return Text("No question yet", style="bold")
    text = Text()
    if state.poll_open:
        text.append(" OPEN ", style="bold black on green")
    else:
        text.append(" closed ", style="reverse")
    text.append(f" Question {state.question}", style="bold")
    if state.round is not None:
        text.append(" · vote 1" if state.round == 1 else f" · vote {state.round} (revote)")
    return text


def question_text(state: LiveState, history: bool = False) -> Text:
    """The question's own words on their own lines, then its choices' (never markup);
    ``history``: its record from earlier uses too."""
    text = Text(shown(state.question_text), style="bold") if state.question_text else Text()
    for letter, words in zip(state.answers, state.choice_texts, strict=False):
        text.append(f"\n{letter}  ", style="bold cyan")
        text.append(shown(words))
    if history and state.question_history:
        text.append(f"\nbefore: {state.question_history}", style="italic dim")
    return text


def poll_figures(state: LiveState, show_key: bool) -> Text:
    if state.roster_size:
        count = f"{state.voters} of {state.roster_size} on the roster"
    else:
        count = f"{state.voters} voters" + (
            f" of {state.handsets_seen} seen" if state.handsets_seen else ""
        )
    text = Text(count, style="bold")
    text.append(f"   {clock_text(state.elapsed_s)} elapsed")
    if state.remaining_s is not None:
        text.append(
            f"   {clock_text(state.remaining_s)} left",
            style="bold red" if state.remaining_s <= 10 else "bold",
        )
    if state.question is not None:
        if not state.correct:
            text.append("   no key", style="dim")
        elif show_key:
            text.append(f"   key {key_text(state.correct)}", style="bold green")
        else:
            text.append("   key hidden", style="dim")
    return text


def receiver_line(state: LiveState) -> Text:
    """The remote first (short, and a narrow terminal cuts the end of the line)."""
    text = Text()
    if state.learning_remote:
        text.append("remote: press any button…  ", style="bold yellow")
    elif state.instructor:
        text.append(f"remote {state.instructor}  ", style="bold")
    if state.receivers:
        text.append("receivers ")
        for index, (name, member_state, packets) in enumerate(state.receivers):
            text.append(" · " if index else "")
            text.append(f"{name} ", style="dim")
            text.append(member_state, style=RECEIVER_STYLES.get(member_state, ""))
            text.append(f" {packets:,} pkt", style="dim")
    else:
        text.append("receiver ")
        text.append(state.receiver_state, style=RECEIVER_STYLES.get(state.receiver_state, ""))
        text.append(f"  {shown(state.receiver_name)}", style="dim")
    text.append(
        f"   {state.packets_per_s:,.0f} pkt/s   dup {state.duplicates}"
        f"   invalid {state.invalid}   late {state.late}"
        + (f" ({state.out_of_range} beyond the choices)" if state.out_of_range else "")
    )
    return text


def troubles(state: LiveState) -> list[tuple[str, str]]:
    """(kind, what to say) of everything that is wrong now, the worst first."""
    found = []
    if state.store_error:
        waiting = f", {state.pending_votes} waiting" if state.pending_votes else ""
        found.append(
            (
                "store",
                f"STORE FAILING: votes kept in memory and in a rescue file"
                f"{waiting}. {state.store_error}",
            )
        )
    away = [
        (name, member) for name, member, _ in state.receivers if member in ("gone", "reconnecting")
    ]
    if state.receiver_down_s is not None and not away:
        away = [(state.receiver_name, state.receiver_state)]
    for name, member in away:
        since = (
            f" for {clock_text(state.receiver_down_s)}" if state.receiver_down_s is not None else ""
        )
        found.append(
            (
                "lost",
                f"RECEIVER LOST{since}: {shown(name)} is {member}; plug it "
                "back in, its votes count once it answers",
            )
        )
    silent = [name for name, member, _ in state.receivers if member == "silent"]
    if state.receiver_state == "silent" and not silent:
        silent = [state.receiver_name]
    for name in silent:
        found.append(
            (
                "silent",
                f"RECEIVER SILENT: nothing recognisable from {shown(name)} "
                "(wrong protocol, channel or device?)",
            )
        )
    return found


def trouble_line(state: LiveState) -> Text:
    return Text(
        "\n".join(message for _, message in troubles(state)), style="bold white on dark_red"
    )
