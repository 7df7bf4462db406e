"""The clicker base station application: vote buffer, polls, store, CLI and dashboard."""

__version__ = "0.1.0"
