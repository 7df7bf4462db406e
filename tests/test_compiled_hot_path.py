"""The optional compiled hot path (``basestation hot-path``): a build never shadows an
edited source unnoticed, and when CI asks for the compiled path the modules it tests
are the compiled ones (``BASESTATION_EXPECT_COMPILED=1``, set by ``.ci/run``)."""

from __future__ import annotations

import importlib
import importlib.machinery
import os
import subprocess
import sys

import pytest

from basestation.cli.hot_path import HOT_MODULES, module_name, stale_modules


def test_a_compiled_build_matches_its_sources() -> None:
    assert not stale_modules(), (
        "compiled modules are older than their sources: "
        "`basestation hot-path build` again, or `basestation hot-path clean`"
    )


@pytest.mark.skipif(
    os.environ.get("BASESTATION_EXPECT_COMPILED") != "1", reason="the pure path is under test"
)
def test_the_hot_modules_under_test_are_the_compiled_ones() -> None:
    suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
    pure = [
        source
        for source in HOT_MODULES
        if not str(importlib.import_module(module_name(source)).__file__).endswith(suffixes)
    ]
    assert not pure, f"expected compiled, imported from source: {pure}"


def test_check_says_which_path_is_in_use() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "basestation", "hot-path", "check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    compiled = os.environ.get("BASESTATION_EXPECT_COMPILED") == "1"
    expected = f"compiled: {len(HOT_MODULES)} of" if compiled else "pure Python (the default)"
    assert done.stdout.startswith(expected), done.stdout
