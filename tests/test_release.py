"""Release habits that nothing else checks: one version, one list of checks for CI and
pre-commit, a changelog entry for the version."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

from tests.conftest import REPO


def test_the_version_is_written_once_and_read_at_run_time() -> None:
    version = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    out = subprocess.run(
        [sys.executable, "-m", "basestation", "--version"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.strip().endswith(version)
    written = [
        p.relative_to(REPO)
        for package in ("basestation", "drivers", "firmware_protocol", "simulators")
        for p in (REPO / package).rglob("*.py")
        if re.search(rf"['\"]{re.escape(version)}['\"]", p.read_text(encoding="utf-8"))
    ]
    assert not written, f"the version is written again in {written}"


def test_the_changelog_has_the_version() -> None:
    version = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## \[{re.escape(version)}\] - \d{{4}}-\d{{2}}-\d{{2}}$", changelog, re.M)


def test_pre_commit_runs_the_checks_that_ci_runs() -> None:
    entries = re.findall(r"^\s+entry: (.+)$", (REPO / ".pre-commit-config.yaml").read_text(), re.M)
    ci = (REPO / ".ci" / "run").read_text()
    checks = set(re.findall(r'echo "== [^"]+"; (uv run (?!pytest).+)$', ci, re.M))
    assert entries and set(entries) == checks
