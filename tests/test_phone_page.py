"""The phone's page in a real browser (Debian's Chromium driven by Playwright) against a
real ``record``: a student signs in, votes, changes the vote, sees it confirmed and sees
the poll close, with the keyboard only, on a 375x667 screen; and without script, as
plain forms. ``BASESTATION_SCREENSHOTS=DIR`` also saves the screenshots of ``docs/``."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.helpers import query, run_cli, wait_for
from tests.phone_helpers import recording_with_phones

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
PHONE = {"width": 375, "height": 667}
SHOTS = os.environ.get("BASESTATION_SCREENSHOTS")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


def _codes(tmp_path: Path, db: Path) -> dict[str, str]:
    roster = tmp_path / "roster.csv"
    roster.write_text("Student ID,Name,Clicker ID\ns0,Zoë <b>Ångström</b>,\ns1,Bo Chen,\n")
    assert (
        run_cli("roster", "import", "--db", str(db), "--course", "C", str(roster)).returncode == 0
    )
    codes = tmp_path / "codes.csv"
    assert (
        run_cli("roster", "codes", "--db", str(db), "--course", "C", "-o", str(codes)).returncode
        == 0
    )
    rows = [line.split(",") for line in codes.read_text("utf-8-sig").splitlines()[1:]]
    return {row[0]: row[-1] for row in rows}


def _sign_in_and_vote(page: Any, student: str, code: str, letter: str) -> None:
    """The fields and buttons a student uses, found by their labels and names."""
    page.get_by_label("Student ID").fill(student)
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Round code").fill("ACDE")
    page.get_by_role("button", name=letter, exact=True).click()


def _shot(page: Any, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / name))


def test_a_student_votes_with_the_keyboard_on_a_small_phone(browser: Any, tmp_path: Path) -> None:
    db = tmp_path / "page.db"
    codes = _codes(tmp_path, db)
    problems: list[str] = []
    with recording_with_phones(db, "code=ACDE", "--question", "Which way <does> it go?") as rec:
        page = browser.new_page(viewport=PHONE)
        page.on("console", lambda message: problems.append(message.text))
        page.on("pageerror", lambda error: problems.append(str(error)))
        asked: list[str] = []
        page.on("request", lambda request: asked.append(request.url))
        page.goto(rec.address)
        assert len(page.content().encode()) < 50_000  # one self-contained document
        assert page.evaluate("document.documentElement.lang") == "en"
        page.keyboard.press("Tab")  # the first field: Student ID
        assert page.evaluate("document.activeElement.id") == "student"
        assert page.get_by_label("Student ID").is_visible() and page.get_by_label("Code").count()
        page.keyboard.type("s0")
        page.keyboard.press("Tab")
        page.keyboard.type(codes["s0"].lower())  # typed as a phone would, in lower case
        page.keyboard.press("Enter")
        page.get_by_text("Voting as s0").wait_for()
        assert page.get_by_role("heading").inner_text() == "Which way <does> it go?"
        _shot(page, "phone-open.png")

        page.get_by_label("Round code").focus()
        page.keyboard.type("ZZZZ")
        page.keyboard.press("Tab")  # to A
        page.keyboard.press("Tab")  # to B
        page.keyboard.press("Enter")
        page.locator("#main .problem", has_text="not the round code on the screen").wait_for()
        page.get_by_label("Round code").fill("acde")
        page.get_by_role("button", name="B", exact=True).focus()
        page.keyboard.press("Enter")
        live = page.locator("#live")
        assert live.get_attribute("aria-live") == "polite"
        expect(live).to_have_text(re.compile(r"^B counted at \d\d:\d\d:\d\d$"))
        page.keyboard.press("Tab")  # focus stayed on B: the next is C
        page.keyboard.press("Space")
        expect(live).to_have_text(re.compile(r"^C counted at \d\d:\d\d:\d\d$"))
        assert (
            page.get_by_role("button", name="C", exact=True).get_attribute("aria-pressed") == "true"
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        _shot(page, "phone-confirmed.png")
        wait_for(lambda: query(db, "SELECT answer FROM votes ORDER BY id DESC LIMIT 1") == [("C",)])
        rec.process.send_signal(2)  # Ctrl-C: the poll closes
        page.get_by_text("Voting closed").wait_for(timeout=10_000)
        _shot(page, "phone-closed.png")
        page.close()
    assert rec.process.returncode == 0, rec.err
    assert "voters 1, votes 2" in rec.out
    assert [p for p in problems if "Content Security Policy" in p or "Refused" in p] == []
    assert asked and all(url.startswith(rec.address) for url in asked)  # nothing from elsewhere


def test_without_script_the_page_is_plain_forms(browser: Any, tmp_path: Path) -> None:
    db = tmp_path / "plain.db"
    codes = _codes(tmp_path, db)
    with recording_with_phones(db, "code=ACDE") as rec:
        context = browser.new_context(java_script_enabled=False, viewport=PHONE)
        page = context.new_page()
        page.goto(rec.address)
        _sign_in_and_vote(page, "s1", codes["s1"], "D")
        assert page.locator("#live").inner_text().startswith("D counted at")
        page.get_by_role("button", name="unsure", exact=True).click()
        assert page.locator("#live").inner_text() == "noted: unsure"
        page.get_by_label("Your seat").fill("c 12")
        page.get_by_role("button", name="Save seat").click()
        assert page.locator("#live").inner_text() == "seat C12 noted"
        assert page.get_by_label("Your seat").count() == 0  # asked once
        wait_for(lambda: query(db, "SELECT answer, confidence FROM votes") == [("D", "unsure")])
        context.close()
    assert "voters 1" in rec.out


def test_two_browsers_of_one_student_count_once(browser: Any, tmp_path: Path) -> None:
    db = tmp_path / "twice.db"
    codes = _codes(tmp_path, db)
    with recording_with_phones(db, "code=ACDE") as rec:
        for letter in "AE":
            context = browser.new_context(viewport=PHONE)
            page = context.new_page()
            page.goto(rec.address)
            _sign_in_and_vote(page, "s0", codes["s0"], letter)
            expect(page.locator("#live")).to_have_text(re.compile(f"^{letter} counted at"))
            context.close()
    assert "voters 1, votes 2" in rec.out
    assert "  E: 1" in rec.out and "  A: 0" in rec.out
