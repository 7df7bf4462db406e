"""Bringing a database up to date: the schema's migrations, in order.

Databases made before the project used ``sqlite_utils.migrations`` recorded their
migrations in ``schema_migrations``; :func:`migrate` adopts those records first, so
such a database upgrades in place (``tests/test_db_upgrade.py``).
"""

from __future__ import annotations

import datetime as dt

import sqlite_utils
from sqlite_utils.migrations import Migrations

from basestation.db.schema import MIGRATION_SET, migrations

LEGACY_TABLE = "schema_migrations"


def _adopt_legacy_records(db: sqlite_utils.Database) -> None:
    """Release 0.1.0's own migration records become ``sqlite_utils`` records."""
    if LEGACY_TABLE not in db.table_names():
        return
    migrations.ensure_migrations_table(db)
    with db.atomic():
        done = {
            row["name"]
            for row in db.table(Migrations.migrations_table).rows_where(
                "migration_set = ?", [MIGRATION_SET]
            )
        }
        for row in db.table(LEGACY_TABLE).rows:
            if row["name"] not in done:
                applied = dt.datetime.fromtimestamp(row["applied_at"], tz=dt.UTC)
                db.table(Migrations.migrations_table).insert(
                    {
                        "migration_set": MIGRATION_SET,
                        "name": row["name"],
                        "applied_at": str(applied),
                    }
                )
        db.table(LEGACY_TABLE).drop()


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply the migrations this database lacks; return their names."""
    _adopt_legacy_records(db)
    pending = [migration.name for migration in migrations.pending(db)]
    if not db.table_names():  # a new file: its whole schema in one transaction, one commit
        with db.atomic():
            migrations.apply(db)
    else:
        migrations.apply(db)
    return pending
