"""The ``basestation`` command line: one group, every command registered here, by name."""

from __future__ import annotations

import click

from basestation.cli import (
    after_class,
    bank,
    capture_command,
    demo_command,
    devices,
    live,
    reports,
    simulate,
    term_command,
)


@click.group()
@click.version_option(package_name="basestation")
def main() -> None:
    """An open, offline classroom clicker base station."""


for command in (
    live.record,
    live.run,
    live.watch,
    demo_command.demo,
    simulate.simulate,
    devices.decode,
    devices.devices,
    devices.doctor,
    after_class.sessions,
    after_class.export,
    reports.analyze,
    after_class.key,
    reports.report,
    after_class.roster,
    after_class.grading,
    after_class.import_classic_command,
    after_class.recover,
    bank.bank,
    term_command.term,
    capture_command.capture,
):
    main.add_command(command)

__all__ = ["main"]
