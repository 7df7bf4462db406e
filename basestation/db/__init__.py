"""The database: schema and migrations, every SQL statement of the project, the single
writer thread (:class:`Store`) and read-only readers (:class:`Reader`).

No module outside this package speaks SQL or imports sqlite3 / sqlite_utils; the
import contract in ``pyproject.toml`` and ``tests/test_layers.py`` keep it so.
"""

import importlib.abc
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import TYPE_CHECKING, Any

from basestation.db.errors import StoreError

if TYPE_CHECKING:
    from basestation.db.reader import Reader
    from basestation.db.writer import Store

__all__ = ["Reader", "Store", "StoreError"]

ARRAY_LIBRARIES = ("numpy", "pandas")


class _ArrayLibrariesUnused(importlib.abc.MetaPathFinder):
    """sqlite-utils imports numpy and pandas whenever they are installed (a researcher's
    environment often has them) to map their types, which this database never sees; they cost a
    recorder 0.1 s and 15 MB. While ``sqlite_utils.db`` runs they are not found; any
    other import of them, before or after, is untouched."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname in ARRAY_LIBRARIES:
            loading = sys.modules.get("sqlite_utils.db")
            spec = getattr(loading, "__spec__", None)
            if loading is not None and getattr(spec, "_initializing", False):
                raise ModuleNotFoundError(f"{fullname} is not used here", name=fullname)
        return None


if not any(isinstance(finder, _ArrayLibrariesUnused) for finder in sys.meta_path):
    sys.meta_path.insert(0, _ArrayLibrariesUnused())


def __getattr__(name: str) -> Any:
    """``Reader`` and ``Store`` load sqlite-utils only when a command first needs them:
    ``basestation --help`` stays quick."""
    if name == "Reader":
        from basestation.db.reader import Reader

        return Reader
    if name == "Store":
        from basestation.db.writer import Store

        return Store
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
