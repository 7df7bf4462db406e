"""A department's term, timed as users run it: each command a fresh process on the
department's database (10 courses x 40 sessions x 500 students x 20 polls, about 4 M
votes) and, beside it, on a database of that one course alone; ``basestation --help``
as the baseline. Median (and min, max) of N runs.

``--make PATH`` builds the department's database (seeded, through the db package's
bulk path; a few minutes), ``--one-course PATH`` the one-course database; an existing
file is reused. Prints one JSON object.
Run: ``uv run python benchmarks/term.py --make /tmp/dept.db --one-course /tmp/one.db``.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from basestation.db import Reader, Store
from basestation.db.bulk import BulkPoll, insert_session
from basestation.formats.roster import RosterEntry
from basestation.formats.roster_store import import_roster
from simulators.classroom import make_handset_ids

COURSES, SESSIONS, STUDENTS, QUESTIONS = 10, 40, 500, 10  # each question and its revote
TARGET_S = 1.0
COURSE = "COURSE-03"
DAY_S = 86_400.0


def make(path: Path, courses: range, seed: int = 11) -> None:
    """The department's data, course by course; ``courses`` picks which."""
    rng = random.Random(seed)
    handsets = make_handset_ids(COURSES * STUDENTS, rng)
    with Store(path) as store:
        for course in range(COURSES):
            mine = handsets[course * STUDENTS : (course + 1) * STUDENTS]
            course_rng = random.Random(f"{seed}-{course}")
            if course not in courses:
                continue
            name = f"COURSE-{course:02d}"
            entries = [
                RosterEntry(n, f"{name}-S{n:03d}", f"Student {n}", "", [handset])
                for n, handset in enumerate(mine)
            ]
            import_roster(store, entries, course=name, source="benchmark")
            for session in range(SESSIONS):
                started = 1_788_000_000.0 + session * 2 * DAY_S + course * 3600
                polls = _session_polls(course_rng, mine, started, f"{name} {session}")
                store.call(insert_session, started, name, "sim://bench", polls, timeout=120)


def _session_polls(
    rng: random.Random, handsets: list[str], started: float, label: str
) -> list[BulkPoll]:
    present = [h for h in handsets if rng.random() < 0.95]
    polls = []
    for question in range(1, QUESTIONS + 1):
        correct = "ABCDE"[rng.randrange(5)]
        first: dict[str, str] = {}
        for round_number in (1, 2):
            opened = started + question * 300 + (round_number - 1) * 150
            votes = []
            for handset in present:
                right = rng.random() < (0.45 if round_number == 1 else 0.7)
                answer = correct if right else "ABCDE"[rng.randrange(5)]
                at = opened + rng.uniform(2, 60)
                if rng.random() < 0.1:  # pressed, then changed their mind
                    votes.append((handset, "ABCDE"[rng.randrange(5)], at - 1.0))
                votes.append((handset, answer, at))
                first.setdefault(handset, answer)
            votes.sort(key=lambda vote: vote[2])
            text = f"{label}: question {question}" if round_number == 1 else None
            polls.append(
                BulkPoll(question, text, round_number, correct, opened, opened + 90, votes)
            )
    return polls


COMMANDS = {
    "gradebook_canvas": ["export", "--course", COURSE, "--format", "gradebook", "--lms", "canvas"],
    "attendance": ["export", "--course", COURSE, "--format", "attendance"],
    "students_last_session": ["export", "--session", "{last}", "--format", "students"],
    "term": ["term", "--course", COURSE, "--json"],
    "report_course": ["report", "--course", COURSE, "-o", "{out}/term.html", "--force"],
    "bank_export": ["bank", "export", "--course", COURSE, "--out", "{out}/bank-{last}-{run}"],
}


def timed(args: list[str], runs: int, out: str, last: int = 0) -> dict[str, float]:
    seconds = []
    for _ in range(runs):
        filled = [a.format(out=out, last=last, run=len(seconds)) for a in args]
        command = [sys.executable, "-m", "basestation", *filled]
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        seconds.append(time.perf_counter() - started)
    return {
        "min_s": round(min(seconds), 3),
        "median_s": round(statistics.median(seconds), 3),
        "max_s": round(max(seconds), 3),
    }


def _last_session(path: Path) -> int:
    with Reader(path) as reader:
        return int(reader.course_sessions(COURSE)[-1]["session"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--make", type=Path, required=True, help="The department's database.")
    parser.add_argument("--one-course", type=Path, required=True, help="Its course alone.")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    made = {}
    for path, courses in ((args.make, range(COURSES)), (args.one_course, range(3, 4))):
        if not path.exists():
            started = time.perf_counter()
            make(path, courses)
            made[path.name] = round(time.perf_counter() - started, 1)
    result: dict[str, object] = {"made_s": made, "target_s": TARGET_S}
    with tempfile.TemporaryDirectory() as out:
        result["help"] = timed(["--help"], args.runs, out)
        for name, command in COMMANDS.items():
            department = timed(
                [*command, "--db", str(args.make)], args.runs, out, _last_session(args.make)
            )
            alone = timed(
                [*command, "--db", str(args.one_course)],
                args.runs,
                out,
                _last_session(args.one_course),
            )
            result[name] = {
                "department": department,
                "one_course": alone,
                "vs_one_course": round(department["median_s"] / alone["median_s"], 2),
            }
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
