"""The database: schema and migrations, every SQL statement of the project, the single
writer thread (:class:`Store`) and read-only readers (:class:`Reader`).

No module outside this package speaks SQL or imports sqlite3 / sqlite_utils; the
import contract in ``pyproject.toml`` and ``tests/test_layers.py`` keep it so.
"""

from typing import TYPE_CHECKING, Any

from basestation.db.errors import StoreError

if TYPE_CHECKING:
    from basestation.db.reader import Reader
    from basestation.db.writer import Store

__all__ = ["Reader", "Store", "StoreError"]


def __getattr__(name: str) -> Any:
    """``Reader`` and ``Store`` load sqlite-utils (and numpy behind it) only when a
    command first needs them: ``basestation --help`` stays quick."""
    if name == "Reader":
        from basestation.db.reader import Reader
        return Reader
    if name == "Store":
        from basestation.db.writer import Store
        return Store
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
