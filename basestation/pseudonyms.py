"""Pseudonyms for anonymous sessions: ``ANON-`` and twelve hex digits of an HMAC of the
handset ID under a random key that lives only in this process's memory. The same
handset gets the same pseudonym for the whole run (so a revote pairs with its first
vote), and nobody holding the database and a roster can tell whose it is."""

from __future__ import annotations

import hashlib
import hmac
import secrets

PREFIX = "ANON-"


class Pseudonyms:
    def __init__(self) -> None:
        self._key = secrets.token_bytes(32)
        self._known: dict[str, str] = {}

    def of(self, handset: str) -> str:
        pseudonym = self._known.get(handset)
        if pseudonym is None:
            digest = hmac.new(self._key, handset.encode("utf-8"), hashlib.sha256).hexdigest()
            pseudonym = self._known[handset] = PREFIX + digest[:12].upper()
        return pseudonym
