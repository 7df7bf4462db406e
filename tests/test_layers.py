"""The layer rules that import-linter cannot see: SQL lives in ``basestation/db`` only,
vendor codes stop at the decode seam, modules stay small."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGES = ("basestation", "drivers", "firmware_protocol", "simulators")
SQL = re.compile(
    r"\b(SELECT\b.+\bFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|"
    r"CREATE\s+(TABLE|INDEX|VIEW)|DROP\s+TABLE|PRAGMA\s+\w+|ALTER\s+TABLE)\b",
    re.IGNORECASE | re.DOTALL,
)
DATABASE_CALLS = {"execute", "executemany", "query", "table", "rows_where", "upsert"}
VENDOR_CONSTANTS = {
    "ANSWERS",
    "PING",
    "PUSHED_BUTTONS",
    "POLLED_BUTTONS",
    "ANSWER_NIBBLES",
    "KEY_LABELS",
    "QUESTION_KEY",
}
SEAM = REPO / "basestation" / "live" / "decoding.py"
LONGEST_MODULE = 330
"""About 300 lines as ruff formats them: past that, a module holds more than one job."""


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
                "firmware_protocol"
            ):
                offenders += [
                    f"{path.relative_to(REPO)}: {a.name}"
                    for a in node.names
                    if a.name in VENDOR_CONSTANTS
                ]
    assert not offenders


@pytest.mark.parametrize("path", sources(), ids=lambda p: str(p.relative_to(REPO)))
def test_modules_stay_small(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= LONGEST_MODULE, f"{path.relative_to(REPO)} has {lines} lines"


def _sql_in(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and SQL.search(node.value)
        ):
            return True
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in DATABASE_CALLS
            and _looks_like_a_database(node.func.value)
        ):
            return True
    return False


def _looks_like_a_database(node: ast.expr) -> bool:
    """``db.execute``, ``connection.execute``, ``self._db.query``: a name that says so."""
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    return name.lstrip("_") in {"db", "conn", "connection", "database", "cursor"}


SHARED_CONTRACT = "The shared modules at the top of basestation import no room"
COMPOSITION_ROOT = "basestation.assembly"
MOST_LOOSE_MODULES = 10


def test_the_top_of_the_application_stays_small_and_under_the_contract() -> None:
    """Modules loose at the top of ``basestation/`` are the shared vocabulary (each kept
    from importing any room by a contract) or the composition root; the rest lives in
    rooms, which the contracts name as packages, so a new module there needs no listing."""
    import tomllib

    contracts = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"][
        "contracts"
    ]
    (shared,) = [c for c in contracts if c["name"] == SHARED_CONTRACT]
    loose = {
        f"basestation.{p.stem}"
        for p in (REPO / "basestation").glob("*.py")
        if p.stem not in ("__init__", "__main__")
    }
    assert len(loose) <= MOST_LOOSE_MODULES, sorted(loose)
    assert loose - {COMPOSITION_ROOT} == set(shared["source_modules"])
    rooms = {f"basestation.{p.parent.name}" for p in (REPO / "basestation").glob("*/__init__.py")}
    assert rooms <= set(shared["forbidden_modules"]), "a new room must join the contracts"


def test_no_import_cycle_between_any_two_modules() -> None:
    """Every import counts, also those made only for type checking or inside a function:
    the modules' import graph has no strongly connected component of more than one."""
    import grimp

    graph = grimp.build_graph(*PACKAGES)
    cycles = [sorted(c) for c in _strongly_connected(graph) if len(c) > 1]
    assert not cycles, cycles


def test_the_cycle_check_sees_a_cycle() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    found = [sorted(c) for c in _components(edges) if len(c) > 1]
    assert found == [["a", "b", "c"]]


def _strongly_connected(graph: object) -> list[set[str]]:
    modules = graph.modules  # type: ignore[attr-defined]
    edges = {
        m: set(graph.find_modules_directly_imported_by(m)) & modules  # type: ignore
        for m in modules
    }
    return _components(edges)


def _components(edges: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's strongly connected components, iterative (the graph has ~200 nodes)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    for root in edges:
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                found.append(component)
    return found
