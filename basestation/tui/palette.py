"""The command palette offers what the keys do now, each with the help's words."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType


def commands_allowed(
    app: App[Any], bindings: Sequence[BindingType], help_text: Mapping[str, str]
) -> Iterator[SystemCommand]:
    """One command per binding whose action ``app.check_action`` allows now."""
    for binding in bindings:
        if not isinstance(binding, Binding):
            continue
        action = binding.action.removeprefix("app.")
        if app.check_action(action, ()):
            key = binding.key_display or binding.key
            yield SystemCommand(
                f"{binding.description} ({key})",
                help_text.get(key, binding.description),
                getattr(app, f"action_{action}"),
            )
