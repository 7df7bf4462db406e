"""Receiver URLs: ``scheme://target?key=value``."""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import get_close_matches
from urllib.parse import parse_qsl, urlencode

from drivers.errors import ReceiverUrlError

PYSERIAL_SCHEMES = frozenset({"loop", "socket", "rfc2217", "spy", "alt", "hwgrep"})


@dataclass(frozen=True)
class ReceiverUrl:
    scheme: str
    target: str
    params: dict[str, str] = field(default_factory=dict)
    text: str = ""

    def param(self, name: str, default: str) -> str:
        return self.params.get(name, default)

    def int_param(self, name: str, default: int) -> int:
        return int(self._number(name, default, int))

    def float_param(self, name: str, default: float) -> float:
        return float(self._number(name, default, float))

    def _number(self, name: str, default: float, kind: type[int] | type[float]) -> float:
        raw = self.params.get(name)
        if raw is None:
            return default
        try:
            return kind(raw)
        except ValueError:
            raise ReceiverUrlError(
                f"{self.text}: parameter {name}={raw!r} is not a {kind.__name__}"
            ) from None

    def check_parameters(self, known: frozenset[str]) -> None:
        """Refuse a parameter the driver does not know, with the nearest it does: a typo
        (``sped=4``) must not pass silently and leave a class with no votes."""
        for name in self.params:
            if name in known:
                continue
            guess = get_close_matches(name, sorted(known), n=1, cutoff=0.6)
            hint = (
                f"; did you mean {guess[0]}?"
                if guess
                else f"; {self.scheme}:// takes {', '.join(sorted(known)) or 'no parameters'}"
            )
            raise ReceiverUrlError(f"{self.text}: unknown parameter {name!r}{hint}")

    def query_without(self, *names: str) -> str:
        rest = {k: v for k, v in self.params.items() if k not in names}
        return "?" + urlencode(rest) if rest else ""


def parse_receiver_url(text: str) -> ReceiverUrl:
    """Split a receiver URL; a bare device path (``/dev/ttyACM0``, ``COM3``) means serial."""
    text = text.strip()
    if not text:
        raise ReceiverUrlError("empty receiver URL")
    base, _, query = text.partition("?")
    try:
        params = dict(parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query)))
    except ValueError as error:
        raise ReceiverUrlError(f"{text}: bad query string ({error})") from None
    scheme, separator, target = base.partition("://")
    if not separator:
        return ReceiverUrl("serial", base, params, text)
    scheme = scheme.lower()
    if scheme in PYSERIAL_SCHEMES:
        return ReceiverUrl("serial", base, params, text)
    return ReceiverUrl(scheme, target, params, text)
