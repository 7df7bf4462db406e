"""``basestation hot-path``: the optional compiled hot path, the pure modules that
every packet goes through compiled with mypyc, unchanged, beside their sources.

``uv run --extra compiled basestation hot-path build`` compiles them (a C compiler and
Python's headers are needed); Python then imports each compiled module instead of its
source. ``clean`` removes them again (the pure path, the default); ``check`` says
which path is in use and whether the build still matches its sources. Results are
the same either way: CI runs the decoders' and the vote buffer's property tests
against both.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import json
import os
import sys
import tempfile
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parents[2]
HOT_MODULES = (
    "firmware_protocol/cobs.py",
    "firmware_protocol/crc.py",
    "firmware_protocol/handset_id.py",
    "firmware_protocol/iclicker_air.py",
    "firmware_protocol/iclicker_base.py",
    "firmware_protocol/link.py",
    "firmware_protocol/link_messages.py",
    "firmware_protocol/turningpoint.py",
    "drivers/packets.py",
    "drivers/link_session.py",
    "basestation/live/decoding.py",
    "basestation/live/pipeline.py",
    "basestation/live/votes.py",
)
"""Framing, the codecs, the decode seam, the vote buffer and its tallies."""
GROUP = "basestation_hot_path"
"""The name of the library the compiled modules share (beside the packages)."""
MANIFEST = ROOT / f"{GROUP}.sources.json"
"""What each compiled module was compiled from (a digest of its source)."""


def module_name(source: str) -> str:
    return source.removesuffix(".py").replace("/", ".")


def compiled_files(source: str) -> list[Path]:
    """The extension modules beside ``source`` (any Python version's)."""
    path = ROOT / source
    return sorted(path.parent.glob(f"{path.stem}.*.so")) + sorted(
        path.parent.glob(f"{path.stem}.*.pyd")
    )


def this_python_compiled(source: str) -> Path | None:
    path = ROOT / source
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        candidate = path.with_name(path.stem + suffix)
        if candidate.exists():
            return candidate
    return None


def digest(source: str) -> str:
    return hashlib.sha256((ROOT / source).read_bytes()).hexdigest()


def stale_modules() -> list[str]:
    """Hot modules whose compiled form does not match their source as it is now (an
    edited source would otherwise lose to its old compiled form)."""
    built = [source for source in HOT_MODULES if this_python_compiled(source)]
    if not built:
        return []
    try:
        recorded: dict[str, str] = json.loads(MANIFEST.read_text())
    except (OSError, ValueError):
        return built
    return [source for source in built if recorded.get(source) != digest(source)]


def build() -> None:
    """Compile the hot modules in place; the C sources and objects are made in a
    temporary folder and removed."""
    try:
        from mypyc.build import mypycify
        from setuptools import setup  # type: ignore[import-untyped]
    except ImportError:
        raise click.ClickException(
            "the compiled hot path needs mypyc and setuptools: "
            "uv run --extra compiled basestation hot-path build"
        ) from None
    clean(quiet=True)
    here = Path.cwd()
    with tempfile.TemporaryDirectory(prefix="basestation-hot-path-") as folder:
        os.chdir(ROOT)  # mypyc names each module by its path from here
        try:
            setup(
                name="basestation-hot-path",
                packages=[],
                py_modules=[],
                ext_modules=mypycify(
                    list(HOT_MODULES), opt_level="3", target_dir=folder, group_name=GROUP
                ),
                script_args=[
                    "-q",
                    "build_ext",
                    "--inplace",
                    "--build-temp",
                    f"{folder}/temp",
                    "--build-lib",
                    f"{folder}/lib",
                ],
            )
        finally:
            os.chdir(here)
    MANIFEST.write_text(json.dumps({source: digest(source) for source in HOT_MODULES}))
    click.echo(f"compiled {len(HOT_MODULES)} modules; `basestation hot-path clean` undoes it")


def clean(quiet: bool = False) -> None:
    removed = [path for source in HOT_MODULES for path in compiled_files(source)]
    removed += sorted(ROOT.glob(f"{GROUP}__mypyc.*"))
    for path in removed:
        path.unlink()
    MANIFEST.unlink(missing_ok=True)
    if not quiet:
        click.echo(f"removed {len(removed)} compiled files: the pure-Python path is in use")


def check() -> int:
    loaded = [source for source in HOT_MODULES if this_python_compiled(source)]
    stale = stale_modules()
    if not loaded:
        click.echo("pure Python (the default): no module of the hot path is compiled")
    else:
        click.echo(f"compiled: {len(loaded)} of {len(HOT_MODULES)} modules of the hot path")
    for source in stale:
        click.echo(f"{source} changed since it was compiled: build again, or clean")
    return 1 if stale else 0


@click.command("hot-path")
@click.argument("action", type=click.Choice(["build", "clean", "check"]))
def hot_path(action: str) -> None:
    """Compile the hot path with mypyc (build), go back to pure Python (clean), or say
    which is in use (check; exit 1 if a compiled module is older than its source)."""
    if action == "build":
        build()
    elif action == "clean":
        clean()
    elif check():
        sys.exit(1)
