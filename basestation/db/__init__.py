"""The database: schema and migrations, every SQL statement of the project, the single
writer thread (:class:`Store`) and read-only readers (:class:`Reader`).

No module outside this package speaks SQL or imports sqlite3 / sqlite_utils; the
import contract in ``pyproject.toml`` and ``tests/test_layers.py`` keep it so.
"""

from basestation.db.connection import StoreError
from basestation.db.reader import Reader
from basestation.db.writer import Store

__all__ = ["Reader", "Store", "StoreError"]
