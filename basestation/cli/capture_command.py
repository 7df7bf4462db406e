"""``basestation capture convert``: a capture in the other format."""

from __future__ import annotations

from pathlib import Path

import click


@click.group()
def capture() -> None:
    """Capture files (``record --capture``): JSON lines, or binary for fast replays."""


@capture.command()
@click.argument("source", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.argument("target", type=click.Path(path_type=Path, dir_okay=False))
def convert(source: Path, target: Path) -> None:
    """Write SOURCE again as TARGET: binary if TARGET ends in .bcap (several times faster
    to replay), JSON lines otherwise (.gz compresses)."""
    from drivers.capture import CaptureError
    from drivers.capture.convert import convert_capture

    if source.resolve() == target.resolve():
        raise click.UsageError("the target must be another file than the source")
    try:
        heard = convert_capture(source, target)
    except CaptureError as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:
        target.unlink(missing_ok=True)  # no half a capture left behind
        raise click.ClickException(f"cannot write {target}: {error.strerror}") from None
    click.echo(f"wrote {heard} packets to {target}")
