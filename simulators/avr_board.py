"""Our receiver firmware on an emulated chip: the unchanged ELF that ``make -C
firmware_protocol/avr`` builds, run by that folder's simavr harness (``build/board``) with
a simulated class on its radio. The harness serves the firmware's UART on a
pseudo-terminal; this module writes the class's transmissions for it, starts it, and
reads what it reports (rounds, every acknowledgement the firmware sent, the frequencies
its radio listened on)."""

from __future__ import annotations

import json
import signal
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import firmware_protocol
from simulators.link_receiver import ScheduledRound

AVR_FOLDER = Path(firmware_protocol.__file__).parent / "avr"
FIRMWARE = AVR_FOLDER / "build" / "receiver.elf"
HARNESS = AVR_FOLDER / "build" / "board"
CHANNELS = tuple(a + b for a in "ABCD" for b in "ABCD")


class BoardError(RuntimeError):
    """The emulated board cannot run here (not built, or the harness failed)."""


def built() -> bool:
    return FIRMWARE.is_file() and HARNESS.is_file()


def write_schedule(
    path: Path, rounds: Iterable[ScheduledRound], speed: float, channel: str = "AA"
) -> None:
    """One line a transmission, times in seconds after the poll opened (class time
    divided by ``speed``), rounds in order; the handsets' channel on top."""
    if channel not in CHANNELS:
        raise ValueError(f"no channel {channel!r}: AA..DD")
    lines = ["# basestation class schedule v1", f"channel {channel}"]
    for scheduled in rounds:
        lines.append(f"round {len(scheduled.transmissions)}")
        for t in scheduled.transmissions:
            handset = t.handset if _is_hex_id(t.handset) else "00000000"
            lines.append(f"{t.time / speed:.6f} {handset} {t.answer} {t.payload.hex()}")
    path.write_text("\n".join(lines) + "\n", encoding="ascii")


def _is_hex_id(text: str) -> bool:
    return len(text) == 8 and all(c in "0123456789abcdefABCDEF" for c in text)


class AvrBoard:
    """The harness running the firmware; ``path`` is the device to open."""

    def __init__(
        self,
        rounds: list[ScheduledRound],
        folder: Path,
        *,
        speed: float = 1.0,
        channel: str = "AA",
        link_path: Path | None = None,
        events: Path | None = None,
        fast: bool = False,
        seconds: float | None = None,
    ) -> None:
        if not built():
            raise BoardError(
                "the receiver firmware and its emulated board are not built: "
                "make -C firmware_protocol/avr (needs gcc-avr, avr-libc, libsimavr-dev)"
            )
        folder.mkdir(parents=True, exist_ok=True)
        self.schedule = folder / "class-schedule.txt"
        self.events_path = events or folder / "board-events.jsonl"
        write_schedule(self.schedule, rounds, speed, channel)
        command = [str(HARNESS), "--elf", str(FIRMWARE), "--schedule", str(self.schedule)]
        command += ["--events", str(self.events_path)]
        if link_path is not None:
            command += ["--link", str(link_path)]
        if fast:
            command.append("--fast")  # as fast as the machine can, not held to the wall clock
        if seconds is not None:
            command += ["--seconds", str(seconds)]  # then it ends by itself
        self.log = folder / "board.log"
        with self.log.open("w") as log:
            self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, text=True)
        if self.process.stdout is None:
            raise BoardError("the emulated board has no output")
        self.path = self.process.stdout.readline().strip()
        if not self.path:
            self.process.wait()
            raise BoardError(f"the emulated board did not start: {self.problem()}")

    def problem(self) -> str:
        """The harness's last words on its error output."""
        lines = self.log.read_text(errors="replace").strip().splitlines()
        return lines[-1] if lines else "no message"

    def events(self) -> list[dict[str, Any]]:
        """What the harness reported so far, in order."""
        try:
            text = self.events_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        return [json.loads(line) for line in text.splitlines() if line.endswith("}")]

    def unplug(self) -> None:
        self.process.send_signal(signal.SIGUSR1)

    def replug(self) -> None:
        self.process.send_signal(signal.SIGUSR2)

    def wait(self) -> int:
        return self.process.wait()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()

    def __enter__(self) -> AvrBoard:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
