"""Run chatguard's fuzz tests long: the same properties as CI, with 5,000 examples each.

CI runs ``tests/test_fuzz.py`` with a few dozen examples per test so that it stays fast. This
runs the very same tests with many more (``CHATGUARD_FUZZ_EXAMPLES``), then prints a Markdown
report on stdout: how many examples each test ran, how many Hypothesis threw away as invalid,
how long each took, what the examples did (the tests' ``event()`` counts: parsed, refused and
why) and every failure with its falsifying example.

Usage, from the repository root with the project venv::

    .venv/bin/python bench/fuzz_long.py                   # 5,000 examples per test
    .venv/bin/python bench/fuzz_long.py --examples 20000  # longer still
    .venv/bin/python bench/fuzz_long.py -k rule_loader    # only some tests (pytest -k)

It takes about two and a half minutes at 5,000 examples on the 2-core machine. The exit code is
pytest's: 0 when every property held. A failure is kept in Hypothesis's example database
(``.hypothesis/``), so the next ``pytest tests/test_fuzz.py`` replays it first.

Why it is built this way: pytest runs in a child process with ``-p no:cacheprovider`` (nothing
written to ``.pytest_cache``) and ``--hypothesis-show-statistics``; the statistics block is
parsed rather than re-implemented, so the figures are Hypothesis's own.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FUZZ_TESTS = "tests/test_fuzz.py"


@dataclass
class TestStats:
    name: str
    passing: int = 0
    failing: int = 0
    invalid: int = 0
    seconds: float = 0.0
    events: list[str] = field(default_factory=list)
    stopped: str = ""


_TEST = re.compile(r"^(?P<name>\S+::\S+):\s*$")
_PHASE = re.compile(r"^\s+- during (?P<phase>\w+) phase \((?P<seconds>[\d.]+) seconds\)")
_COUNTS = re.compile(
    r"^\s+- (?P<passing>\d+) passing, (?P<failing>\d+) failing, and (?P<invalid>\d+) invalid"
)
_EVENT = re.compile(r"^\s+\* (?P<share>[\d.]+%), (?P<event>.+)$")
_STOPPED = re.compile(r"^\s+- Stopped because (?P<why>.+)$")


def parse_statistics(output: str) -> list[TestStats]:
    """The per-test figures from pytest's ``--hypothesis-show-statistics`` block."""
    stats: list[TestStats] = []
    current: TestStats | None = None
    in_block = False
    for line in output.splitlines():
        if "Hypothesis Statistics" in line:
            in_block = True
            continue
        if not in_block:
            continue
        if line.startswith("=") and current is not None:
            break
        if match := _TEST.match(line):
            current = TestStats(match["name"].split("::")[-1])
            stats.append(current)
        elif current is None:
            continue
        elif match := _PHASE.match(line):
            current.seconds += float(match["seconds"])
        elif match := _COUNTS.match(line):
            current.passing += int(match["passing"])
            current.failing += int(match["failing"])
            current.invalid += int(match["invalid"])
        elif match := _EVENT.match(line):
            if not match["event"].startswith(("Retried draw", "Draw for")):  # generator noise
                current.events.append(f"{match['event']} {match['share']}")
        elif match := _STOPPED.match(line):
            current.stopped = match["why"]
    return stats


def failures(output: str) -> list[str]:
    """The FAILED lines and each failing test's falsifying example."""
    found = [line for line in output.splitlines() if line.startswith(("FAILED", "ERROR"))]
    found += [
        block.strip()
        for block in re.findall(r"(Falsifying example:.*?)(?:\n\n|\n[_=]{5,})", output, re.S)
    ]
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=5000, help="examples per test")
    parser.add_argument("-k", dest="keyword", help="only tests matching (pytest -k)")
    parser.add_argument("--log", type=Path, help="also write pytest's whole output here")
    args = parser.parse_args()

    env = dict(os.environ, CHATGUARD_FUZZ_EXAMPLES=str(args.examples))
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "-q",
        "--hypothesis-show-statistics",
        FUZZ_TESTS,
    ]
    if args.keyword:
        command += ["-k", args.keyword]
    print(f"running {' '.join(command[2:])} with {args.examples} examples", file=sys.stderr)
    started = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    elapsed = time.monotonic() - started
    output = done.stdout + done.stderr
    if args.log:
        args.log.write_text(output, encoding="utf-8")

    stats = parse_statistics(output)
    summary = [line for line in output.splitlines() if re.search(r"\d+ (passed|failed)", line)]
    print(f"## Long fuzz run: {args.examples:,} examples per test\n")
    print(f"pytest exit code {done.returncode}, {elapsed:.0f} s in all")
    if summary:
        print(f"({summary[-1].strip('= ')})")
    print()
    print("| test | examples run | failing | invalid (discarded) | seconds | stopped because |")
    print("|---|---:|---:|---:|---:|---|")
    for test in stats:
        print(
            f"| `{test.name}` | {test.passing + test.failing:,} | {test.failing} | "
            f"{test.invalid:,} | {test.seconds:.1f} | {test.stopped} |"
        )
    print("\n### What the examples did (Hypothesis events)\n")
    for test in stats:
        if test.events:
            print(f"- `{test.name}`: " + "; ".join(test.events))
    found = failures(output)
    print("\n### Failures\n")
    if found:
        for item in found:
            print("```\n" + item + "\n```")
    else:
        print("None: every property held on every example.")
    if not stats:
        print("\n(no statistics found; pytest said:)\n```\n" + output[-3000:] + "\n```")
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
