"""Benchmark ``chatguard check "draft"`` end to end, as a parent runs it before posting.

Usage::

    .venv/bin/python bench/bench_check.py [--runs 10] [--exe .venv/bin/chatguard] [--roster PATH]

Why it is built this way:

* ``check`` is interactive: a person waits for it. What they wait for is the whole process
  (interpreter start-up, imports, loading and compiling the rule pack, matching, printing), so
  the time is the wall clock around ``subprocess.run`` of the real console script, not anything
  measured inside Python.
* Three drafts: one clean, two that must be flagged (disguised swearing aimed at a teacher, and
  shouting). A flagged draft costs more than a clean one (spans, explanations, more output), and
  each draft's exit code is checked against the expected one, so a benchmark of a broken
  ``check`` (or of a rule that now flags the clean draft) says so instead of timing it.
* Each draft runs once untimed first, so that writing ``.pyc`` files after an edit of the
  package is not counted, then ``--runs`` times (default 10). Best and median are reported;
  the target is judged on the median, which is what a user typically gets on a busy machine.
* ``python -c pass`` under the same interpreter is timed the same way, as the floor that no
  amount of work in chatguard can go below.

The report is Markdown on stdout (progress on stderr), ready for ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

EXIT_CLEAN = 0
EXIT_FLAGGED = 1

DRAFTS: tuple[tuple[str, str, int], ...] = (
    ("clean", "Could whoever borrowed our PE kit drop it back on Thursday? Thanks x", EXIT_CLEAN),
    ("flagged: swearing at staff", "Mrs Patel is f*cking useless, what a joke", EXIT_FLAGGED),
    ("flagged: shouting", "WHY DOES NOBODY EVER TELL US ANYTHING ABOUT THE TRIP", EXIT_FLAGGED),
)
"""(label, draft, expected exit code)."""

TARGET_SECONDS = 0.5
"""Median wall time of one ``chatguard check`` on this 2-core machine."""

_RULE_IN_OUTPUT = re.compile(r"\(([a-z][a-z0-9-]*\.[a-z0-9][a-z0-9.-]*), (?:low|medium|high)\)")


@dataclass
class Timing:
    """Wall times of one command over all runs."""

    label: str
    expected: int | None
    seconds: list[float] = field(default_factory=list)
    exit_codes: set[int] = field(default_factory=set)
    rules: list[str] = field(default_factory=list)
    """Rule ids ``check`` printed for this draft (the last run's)."""

    @property
    def best(self) -> float:
        return min(self.seconds)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def as_expected(self) -> bool:
        return self.expected is None or self.exit_codes == {self.expected}


def log(msg: str) -> None:
    """Progress on stderr, keeping stdout a clean Markdown report."""
    print(msg, file=sys.stderr, flush=True)


def time_command(label: str, cmd: list[str], runs: int, expected: int | None) -> Timing:
    """Run ``cmd`` once untimed, then ``runs`` times, and record wall time and exit codes."""
    timing = Timing(label, expected)
    subprocess.run(cmd, capture_output=True, check=False)  # warm-up: .pyc files, page cache
    for _ in range(runs):
        started = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        timing.seconds.append(time.perf_counter() - started)
        timing.exit_codes.add(proc.returncode)
        timing.rules = _RULE_IN_OUTPUT.findall(proc.stdout)
    log(
        f"  {label}: best {timing.best:.3f}s, median {timing.median:.3f}s, "
        f"exit {sorted(timing.exit_codes)}"
    )
    return timing


def _peak_child_rss_mb() -> float:
    """Largest peak RSS of any child so far (Linux: KiB, macOS: bytes)."""
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _rule_count(exe: Path) -> int | None:
    """Rules in the pack ``check`` uses, counted from ``chatguard rules list`` (ids have a dot)."""
    proc = subprocess.run([str(exe), "rules", "list"], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        return None
    return len(set(re.findall(r"\b[a-z][a-z0-9-]*\.[a-z0-9][a-z0-9.-]*\b", proc.stdout)))


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--exe",
        type=Path,
        default=Path(sys.executable).parent / "chatguard",
        help="the chatguard console script (default: next to this Python)",
    )
    parser.add_argument("--runs", type=int, default=10, help="timed runs per draft")
    parser.add_argument("--roster", type=Path, help="pass --roster to every check")
    parser.add_argument("--check", action="store_true", help="exit 1 unless the target was met")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if not args.exe.exists():
        parser.error(f"no chatguard at {args.exe} (install the project, or pass --exe)")

    extra = ["--roster", str(args.roster)] if args.roster else []
    load_before = os.getloadavg()
    log(f"timing {args.exe}; load average {load_before[0]:.2f}")
    baseline = time_command(
        "`python -c pass` (floor)", [sys.executable, "-c", "pass"], args.runs, None
    )
    timings = [
        time_command(label, [str(args.exe), "check", draft, *extra], args.runs, expected)
        for label, draft, expected in DRAFTS
    ]
    load_after = os.getloadavg()
    rules = _rule_count(args.exe)

    print("## `chatguard check` benchmark\n")
    print(
        f'`{args.exe.name} check "…"`{" with --roster " + str(args.roster) if extra else ""}, '
        f"wall clock of the whole process, {args.runs} runs per draft after one untimed run. "
        f"Rule pack: {rules if rules is not None else '?'} rules. Machine: "
        f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, load "
        f"average {load_before[0]:.2f} before and {load_after[0]:.2f} after.\n"
    )
    print("| draft | text | exit (expected) | rules reported | best s | median s |")
    print("|---|---|---|---|---:|---:|")
    for (_, draft, _), t in zip(DRAFTS, timings, strict=True):
        codes = ",".join(str(c) for c in sorted(t.exit_codes))
        mark = "" if t.as_expected else " **unexpected**"
        rule_ids = ", ".join(f"`{r}`" for r in t.rules) or "none"
        print(
            f"| {t.label} | {draft} | {codes} ({t.expected}){mark} | {rule_ids} | "
            f"{t.best:.3f} | {t.median:.3f} |"
        )
    print(f"| {baseline.label} | | | | {baseline.best:.3f} | {baseline.median:.3f} |")
    print()
    print(f"Peak RSS of the largest `check` process: {_peak_child_rss_mb():.0f} MB.\n")

    worst = max(t.median for t in timings)
    met = worst < TARGET_SECONDS
    status = "met" if met else f"**MISSED** by {worst - TARGET_SECONDS:.3f} s"
    print(
        f"- every draft's median wall time < {TARGET_SECONDS:g} s: slowest median "
        f"{worst:.3f} s, {status}"
    )
    wrong = [t.label for t in timings if not t.as_expected]
    if wrong:
        print(f"- **exit codes not as expected** for: {', '.join(wrong)}")
    return 1 if args.check and (not met or wrong) else 0


if __name__ == "__main__":
    raise SystemExit(main())
