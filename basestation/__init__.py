"""The clicker base station application.

The rooms (each a package; ``docs/architecture.md`` draws the whole house):
``live`` the lecture, ``afterclass`` what is read once the votes are in, ``formats``
files read from or written for other programs, ``devices`` the hardware on the desk,
``db`` the database, ``tui`` the screens and ``cli`` the commands, assembled by the
composition root ``assembly``. The few modules loose beside them are the shared
vocabulary: ``domain``, ``peer_instruction``, ``poll_source``, ``paths``,
``outfiles``, ``pseudonyms``, ``textsafe``, ``timefmt``.
"""

from typing import Any


def __getattr__(name: str) -> Any:
    """``__version__`` from the installed package's metadata: the version is written
    once, in ``pyproject.toml`` (read only when asked, so start-up pays nothing)."""
    if name == "__version__":
        from importlib.metadata import version

        return version("basestation")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
