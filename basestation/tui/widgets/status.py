"""Text lines around the bars: what is being polled, and how the receiver is doing."""

from __future__ import annotations

from rich.text import Text

from basestation.poll_source import LiveState
from basestation.textsafe import shown

RECEIVER_STYLES = {"connected": "green", "reconnecting": "bold yellow", "gone": "bold red",
                   "silent": "bold red", "checking": "yellow", "ended": "dim", "closed": "dim"}


def poll_title(state: LiveState) -> Text:
    if state.question is None:
        return Text("No question yet: press s to start a poll", style="bold")
    label = f"Question {state.question}"
    if state.round is not None:
        label += " · vote 1" if state.round == 1 else f" · vote {state.round} (revote)"
    text = Text(label, style="bold")
    if state.question_text:
        text.append(f"  {shown(state.question_text)}")
    status = "OPEN" if state.poll_open else "closed"
    text.append(f"   [{status}]", style="bold green" if state.poll_open else "dim")
    return text


def poll_figures(state: LiveState) -> Text:
    seen = f" of {state.handsets_seen} seen" if state.handsets_seen else ""
    parts = [f"voters {state.voters}{seen}", f"elapsed {_clock(state.elapsed_s)}"]
    if state.remaining_s is not None:
        parts.append(f"left {_clock(state.remaining_s)}")
    parts.append(f"correct {state.correct or '-'}")
    return Text("   ".join(parts))


def receiver_line(state: LiveState) -> Text:
    if state.receivers:
        text = Text("receivers ")
        for index, (name, member_state, packets) in enumerate(state.receivers):
            text.append(" · " if index else "")
            text.append(f"{name} ", style="dim")
            text.append(member_state, style=RECEIVER_STYLES.get(member_state, ""))
            text.append(f" {packets:,} pkt", style="dim")
    else:
        text = Text("receiver ")
        text.append(state.receiver_state, style=RECEIVER_STYLES.get(state.receiver_state, ""))
        text.append(f"  {shown(state.receiver_name)}", style="dim")
    text.append(f"   {state.packets_per_s:,.0f} pkt/s   dup {state.duplicates}"
                f"   invalid {state.invalid}   late {state.late}")
    if state.store_error:
        text.append(f"\nSTORE: {state.store_error}", style="bold red")
    return text


def _clock(seconds: float) -> str:
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}:{rest:02d}"
