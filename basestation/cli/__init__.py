"""The ``basestation`` command line: one group, every command registered here, by name."""

from __future__ import annotations

from basestation.cli import interrupts

interrupts.install()  # before the rest is imported: a Ctrl-C at start-up is noted, not lost

from typing import Any

import click

from basestation.cli import (
    after_class,
    bank,
    capture_command,
    demo_command,
    devices,
    groups_command,
    hot_path,
    live,
    reports,
    roster_command,
    run_command,
    simulate,
    term_command,
)
from basestation.textsafe import shown

RECORDING = {"record", "demo", "run"}
"""Commands that take Ctrl-C over themselves: it ends their poll cleanly (record, demo)
or asks to quit (run)."""


class SafeGroup(click.Group):
    """Every error a command gives passes through the text-safety module on its way to
    the terminal: a message may quote a file's text, a typed ID, a name."""

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if name not in RECORDING:
            interrupts.give_back()
            if interrupts.interrupted_early():
                raise click.exceptions.Abort()
        return name, command, rest

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.ClickException as error:
            told = error.format_message()
            safe = "\n".join(shown(line) for line in told.split("\n"))
            if safe == told:
                raise
            replaced = (
                click.UsageError(safe, error.ctx)
                if isinstance(error, click.UsageError)
                else click.ClickException(safe)
            )
            raise replaced from None


@click.group(cls=SafeGroup)
@click.version_option(package_name="basestation")
def main() -> None:
    """An open, offline classroom clicker base station."""


for command in (
    live.record,
    run_command.run,
    live.watch,
    demo_command.demo,
    simulate.simulate,
    devices.decode,
    devices.devices,
    devices.doctor,
    hot_path.hot_path,
    after_class.sessions,
    after_class.export,
    reports.analyze,
    groups_command.groups,
    after_class.key,
    reports.report,
    roster_command.roster,
    after_class.grading,
    after_class.import_classic_command,
    after_class.recover,
    bank.bank,
    term_command.term,
    capture_command.capture,
):
    main.add_command(command)

__all__ = ["main"]
