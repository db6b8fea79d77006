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
* Bytecode caching is controlled, not inherited. An installed chatguard has ``.pyc`` files (pip
  writes them), but a development shell may set ``PYTHONDONTWRITEBYTECODE=1`` (this machine
  does), and then every ``check`` recompiles the chatguard modules it imports, which a
  parent's install never does. By default the children run with that variable removed and
  ``PYTHONPYCACHEPREFIX=bench/.cache/pycache``, so caches are written there and never into the
  source tree; ``--inherit-env`` times the environment as it is instead.
* Each draft runs once untimed first, so that writing ``.pyc`` files after an edit of the
  package is not counted, then ``--runs`` times (default 10). Best and median are reported;
  the target is judged on the median, which is what a user typically gets on a busy machine.
* ``python -c pass`` under the same interpreter is timed the same way, as the floor that no
  amount of work in chatguard can go below.
* When the target is missed (or with ``--profile``) the report adds where the time goes: a
  cProfile of the slowest draft's whole process, and the cost of loading each rule file
  (what a first ``check`` pays to compile the pack; later calls read it from the cache).

The report is Markdown on stdout (progress on stderr), ready for ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import pstats
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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

PROFILE_TOP = 15
BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
PYCACHE = BENCH_DIR / ".cache" / "pycache"

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


def child_env(inherit: bool) -> dict[str, str]:
    """The children's environment: as it is, or with bytecode caching on (see module docs)."""
    env = dict(os.environ)
    if not inherit:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    return env


def time_command(
    label: str, cmd: list[str], runs: int, expected: int | None, env: dict[str, str]
) -> Timing:
    """Run ``cmd`` once untimed, then ``runs`` times, and record wall time and exit codes."""
    timing = Timing(label, expected)
    subprocess.run(cmd, capture_output=True, check=False, env=env)  # warm-up: .pyc, page cache
    for _ in range(runs):
        started = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
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


def _rule_count(env: dict[str, str]) -> int | None:
    """Rules in the default pack, as ``load_ruleset()`` loads them (enabled rules only).

    Counted in Python rather than from ``chatguard rules list``, whose table truncates long
    ids when it is not printed to a wide terminal.
    """
    probe = "from chatguard.scan import load_ruleset; print(len(load_ruleset().rules))"
    proc = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False, env=env
    )
    return int(proc.stdout) if proc.returncode == 0 and proc.stdout.strip().isdigit() else None


def profile_check(exe: Path, draft: str, extra: list[str], env: dict[str, str]) -> str:
    """The top of a cProfile of one whole ``chatguard check`` process, as Markdown.

    Two views of the same run: cumulative time restricted to chatguard's own functions (the CLI
    wrappers and import machinery would fill the top lines otherwise), and the functions with
    the most time of their own, wherever they are.
    """
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "check.prof"
        cmd = [sys.executable, "-m", "cProfile", "-o", str(out), str(exe), "check", draft, *extra]
        started = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=False, env=env)
        wall = time.perf_counter() - started
        if not out.exists():
            return "Profiling failed: cProfile wrote no output."
        views = []
        for sort, restriction in (("cumulative", "chatguard"), ("tottime", "")):
            buffer = io.StringIO()
            stats = pstats.Stats(str(out), stream=buffer).sort_stats(sort)
            stats.print_stats(*(r for r in (restriction, PROFILE_TOP) if r != ""))
            views.append(_trim_profile(buffer.getvalue()))
    return "\n".join(
        [
            f"`python -m cProfile` of `chatguard check {json.dumps(draft)}` ({wall:.2f} s wall "
            f"under the profiler), top {PROFILE_TOP} of chatguard's functions by cumulative "
            "time:",
            "",
            "```text",
            views[0],
            "```",
            "",
            f"Top {PROFILE_TOP} functions by own time (anywhere):",
            "",
            "```text",
            views[1],
            "```",
        ]
    )


def _trim_profile(text: str) -> str:
    """The pstats table without its blank lines and date line, with paths made shorter."""
    kept = []
    for line in text.splitlines():
        if not line.strip() or line.startswith(("   Ordered by", "   List reduced")):
            continue
        if line.rstrip().endswith(".prof"):
            continue
        kept.append(line.replace(str(REPO) + os.sep, ""))
    return "\n".join(kept)


def rule_load_costs(env: dict[str, str]) -> str:
    """Seconds to load and compile each rule file of the default pack, slowest first."""
    cmd = [sys.executable, str(BENCH_DIR / "_run_one.py"), "chatguard-rules"]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
    try:
        result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return f"Timing rule loading failed: {proc.stderr.strip()[-500:]}"
    if result.get("status") != "ok":
        return f"Timing rule loading failed: {result.get('reason')}"
    rules = result["per_rule"]
    for r in rules:
        r["total_s"] = float(r["load_s"]) + float(r["compile_s"])
    rules.sort(key=lambda r: -r["total_s"])
    load = sum(float(r["load_s"]) for r in rules)
    compiled = sum(float(r["compile_s"]) for r in rules)
    lines = [
        "The default pack loaded by `load_ruleset()` in a fresh process, each rule file timed "
        "as it loads, then each rule's regular expressions compiled (whether chatguard compiles "
        "them at load or on first use, `check` pays for them). A pattern compiled for one rule "
        "can be reused by a later one, so order matters. Imports "
        f"{result['import_s']:.3f} s, everything but the rule files (word lists, shared "
        f"matchers) {result['lists_s']:.3f} s, rule files {load:.3f} s, compiling "
        f"{compiled:.3f} s.",
        "",
        "| rule | load s | compile s | total s |",
        "|---|---:|---:|---:|",
    ]
    lines += [
        f"| `{r['rule']}` | {r['load_s']:.3f} | {r['compile_s']:.3f} | {r['total_s']:.3f} |"
        for r in rules
    ]
    return "\n".join(lines)


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
    parser.add_argument(
        "--inherit-env",
        action="store_true",
        help="time with this shell's environment as is (default: bytecode caching on)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="always add a profile (default: only when the target is missed)",
    )
    parser.add_argument("--check", action="store_true", help="exit 1 unless the target was met")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if not args.exe.exists():
        parser.error(f"no chatguard at {args.exe} (install the project, or pass --exe)")

    extra = ["--roster", str(args.roster)] if args.roster else []
    load_before = os.getloadavg()
    log(f"timing {args.exe}; load average {load_before[0]:.2f}")
    env = child_env(args.inherit_env)
    baseline = time_command(
        "`python -c pass` (floor)", [sys.executable, "-c", "pass"], args.runs, None, env
    )
    timings = [
        time_command(label, [str(args.exe), "check", draft, *extra], args.runs, expected, env)
        for label, draft, expected in DRAFTS
    ]
    load_after = os.getloadavg()
    rules = _rule_count(env)
    no_pyc = bool(env.get("PYTHONDONTWRITEBYTECODE"))

    if args.inherit_env:
        pyc = "no .pyc caching (PYTHONDONTWRITEBYTECODE=1)" if no_pyc else "environment inherited"
    else:
        pyc = "bytecode cached in `bench/.cache/pycache`"
    roster_note = f" with `--roster {args.roster}`" if extra else ""
    print("## `chatguard check` benchmark\n")
    print(
        f'`{args.exe.name} check "…"`{roster_note}, wall clock of the whole process, '
        f"{args.runs} runs per draft after one untimed run, {pyc}. "
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
    if args.profile or not met:
        slowest = max(zip(DRAFTS, timings, strict=True), key=lambda dt: dt[1].median)
        log("  profiling the slowest draft ...")
        print()
        print(profile_check(args.exe, slowest[0][1], extra, env))
        print()
        print(rule_load_costs(env))
    return 1 if args.check and (not met or wrong) else 0


if __name__ == "__main__":
    raise SystemExit(main())
