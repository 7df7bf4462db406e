"""The HTML report: self-contained, escaped, and it renders with its charts in Chromium."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from basestation.afterclass.charts import ROUND_COLOURS
from basestation.cli import main
from tests.helpers import play_class

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    db = folder / "class.db"
    _, truth = play_class(db)
    with sqlite3.connect(db) as connection:
        connection.execute(
            "UPDATE questions SET text = ?, correct = ? WHERE number = 1",
            ["<script>alert('x')</script> & forces", truth[0]["correct"]],
        )
    output = folder / "report.html"
    result = CliRunner().invoke(
        main, ["report", "--db", str(db), "--session", "1", "-o", str(output)]
    )
    assert result.exit_code == 0, result.output
    return output


def test_report_is_self_contained_and_escaped(report: Path) -> None:
    page = report.read_text(encoding="utf-8")
    assert page.count("<svg") == 2  # a chart per question
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert "<script" not in page and "<link" not in page and "@import" not in page
    references = re.findall(r'(?:src|href)="([^"]*)"', page)
    # only references inside the page itself: fragments and embedded data
    assert all(reference.startswith(("#", "data:")) for reference in references)
    assert "right→right" in page and "normalized gain" in page


@pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium (.ci/run installs it)")
def test_report_renders_its_charts_in_headless_chromium(report: Path, tmp_path: Path) -> None:
    assert CHROMIUM is not None
    shot = tmp_path / "report.png"
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=1000,1800",
            f"--screenshot={shot}",
            report.as_uri(),
        ],
        capture_output=True,
        timeout=90,
        check=True,
    )
    image = Image.open(shot).convert("RGB")
    assert image.size == (1000, 1800)
    colours = image.getcolors(maxcolors=1_000_000) or []
    vote_1 = tuple(int(ROUND_COLOURS[0][i : i + 2], 16) for i in (1, 3, 5))
    vote_2 = tuple(int(ROUND_COLOURS[1][i : i + 2], 16) for i in (1, 3, 5))
    painted = {colour: count for count, colour in colours}
    assert painted.get(vote_1, 0) > 500 and painted.get(vote_2, 0) > 500  # the bars are drawn
