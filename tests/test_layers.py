"""The layer rules that import-linter cannot see: SQL lives in ``basestation/db`` only,
vendor codes stop at the decode seam, modules stay small."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGES = ("basestation", "drivers", "firmware_protocol", "simulators")
SQL = re.compile(r"\b(SELECT\b.+\bFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|"
                 r"CREATE\s+(TABLE|INDEX|VIEW)|DROP\s+TABLE|PRAGMA\s+\w+|ALTER\s+TABLE)\b",
                 re.IGNORECASE | re.DOTALL)
DATABASE_CALLS = {"execute", "executemany", "query", "table", "rows_where", "upsert"}
VENDOR_CONSTANTS = {"ANSWERS", "PING", "PUSHED_BUTTONS", "POLLED_BUTTONS", "ANSWER_NIBBLES",
                    "KEY_LABELS", "QUESTION_KEY"}
SEAM = REPO / "basestation" / "decoding.py"
LONGEST_MODULE = 320


def sources() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (REPO / package).rglob("*.py"))


def outside_db() -> list[Path]:
    return [p for p in sources() if (REPO / "basestation" / "db") not in p.parents]


def test_the_scan_finds_sql_where_there_is_some() -> None:
    """The checks below would see SQL: they find it in the database package."""
    found = [p for p in (REPO / "basestation" / "db").glob("*.py") if _sql_in(p)]
    assert len(found) >= 4


@pytest.mark.parametrize("path", outside_db(), ids=lambda p: str(p.relative_to(REPO)))
def test_no_sql_outside_the_database_package(path: Path) -> None:
    assert not _sql_in(path), f"{path.relative_to(REPO)} speaks SQL: move it to basestation/db"


def test_vendor_codes_stop_at_the_decode_seam() -> None:
    """Above firmware_protocol/ only the decode seam maps a vendor's answer codes."""
    offenders = []
    for path in sources():
        if path == SEAM or path.parent.name in ("firmware_protocol", "simulators"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                    "firmware_protocol"):
                offenders += [f"{path.relative_to(REPO)}: {a.name}" for a in node.names
                              if a.name in VENDOR_CONSTANTS]
    assert not offenders


@pytest.mark.parametrize("path", sources(), ids=lambda p: str(p.relative_to(REPO)))
def test_modules_stay_small(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= LONGEST_MODULE, f"{path.relative_to(REPO)} has {lines} lines"


def _sql_in(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and \
                SQL.search(node.value):
            return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                node.func.attr in DATABASE_CALLS and _looks_like_a_database(node.func.value):
            return True
    return False


def _looks_like_a_database(node: ast.expr) -> bool:
    """``db.execute``, ``connection.execute``, ``self._db.query``: a name that says so."""
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    return name.lstrip("_") in {"db", "conn", "connection", "database", "cursor"}


TOP = {"basestation.cli", "basestation.tui", "basestation.assembly", "basestation.recording",
       "basestation.demo"}
"""What may use the command line, the screens and the composition root."""


def test_every_application_module_is_under_the_import_contract() -> None:
    """The contract that keeps the application below the CLI and the screens lists its
    modules by name: a new module must join the list."""
    import tomllib

    contracts = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"][
        "contracts"]
    (below,) = [c for c in contracts if c["name"].startswith("The command line")]
    modules = {f"basestation.{p.stem}" for p in (REPO / "basestation").glob("*.py")
               if p.stem not in ("__init__", "__main__")} | {"basestation.db"}
    assert modules - TOP == set(below["source_modules"])
    assert set(below["forbidden_modules"]) == TOP
