"""Benchmark a chatguard scan stage by stage: parse, load the rules, scan.

Usage::

    .venv/bin/python bench/bench_scan.py --messages 1000000 [--repeat 3] [--profile]

Why it is built this way:

* The export is ``generate.py --content school``: ordinary class-group chatter with ~1% planted
  breaches. Random words (the parse benchmark's ``mixed`` content) would leave the rules almost
  nothing to do, and a scan benchmark must make them do the work a real export makes them do:
  prefilters let rows through, exact patterns run, exceptions and name rules are tested, findings
  are built. It is cached in ``bench/.cache/`` like the parse benchmark's files.
* Every run is a fresh child process (``_run_one.py chatguard-scan``), for the same reasons as in
  ``bench_parse.py``: an honest peak RSS per run, and no warm caches carried from one run to the
  next. Inside the child each stage is timed on its own, after the imports, as a library user
  calls it: ``read_chat(path)``, ``load_ruleset()``, ``load_ruleset(load_roster(roster))`` and
  ``scan_chat(chat, rules)``.
* Every stage also reports the CPU time of the process (all threads). The machine is shared and
  has 2 cores: wall time well above CPU time means the run waited for a core, and the report
  shows both so that a miss caused by a busy machine can be told from a slow scan.
* Loading rules costs the same for ten messages as for a million, so it is reported in seconds
  only; messages per second are given for the stages that grow with the export.
* The target is judged on parse + scan with the default pack, at 1,000,000 messages. The sum
  with rule loading is printed beside it, so nothing a user waits for is hidden.
* The rule pack (and chatguard itself, installed editable) is being written while this
  benchmark is used. Each run reports the pack's rule ids and digest and a digest of the
  chatguard modules it imported. If either changed between runs, only the runs with the newest
  pack and code are kept and the report says so, rather than mixing two versions silently.
  ``--freeze-pack`` has every run load one copy of the pack, taken at the start.
* The generated chatter repeats its texts (bodies come from a pool: 11% of the 1M file's texts
  are distinct), and a scan reads each distinct text once. ``--every-row`` reads every message
  on its own instead, the cost of a chat that never repeats a text; the report gives the share
  of distinct texts either way, so a figure is never read without it.
* When the target is missed (or with ``--profile``), one more child times every rule on its own
  and runs one scan under cProfile, so the report says where the time goes. That run's numbers
  are inflated by the profiler and are never used for the verdict.

The report is Markdown on stdout (progress goes to stderr), ready for ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from bench_parse import ensure_export, log, run_child, warm_page_cache  # noqa: E402
from generate import DEFAULT_SEED, FORMATS  # noqa: E402

REPO = BENCH_DIR.parent
DEFAULT_ROSTER = REPO / "fixtures" / "labelled" / "roster.yaml"
"""The labelled corpus's roster: real-sized (40 pupils, 10 staff) and names the same staff as
the generated chatter, so roster rules have something to find."""

TARGET_MESSAGES = 1_000_000
TARGET_TOTAL_SECONDS = 15.0
"""Parse + scan with the default pack, 1,000,000 messages, this 2-core machine."""

PROFILE_TOP = 15


@dataclass
class Stage:
    """One timed stage over all runs."""

    name: str
    key: str
    """Field of the child's JSON report that holds this stage's seconds."""
    per_message: bool = True
    """Whether messages per second mean anything for this stage."""
    seconds: list[float] = field(default_factory=list)

    @property
    def best(self) -> float | None:
        return min(self.seconds) if self.seconds else None

    @property
    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None


@dataclass
class ScanBench:
    """Everything measured for one export size."""

    messages: int
    runs: list[dict[str, Any]] = field(default_factory=list)
    status: str = "ok"
    reason: str = ""
    note: str = ""
    """Set when some runs were dropped because the rule pack changed under them."""
    diagnosis: dict[str, Any] | None = None


def stages(roster: bool) -> list[Stage]:
    """The stages in report order; derived totals have keys the parent fills in."""
    out = [
        Stage("parse (`read_chat`)", "parse_s"),
        Stage("load rules, default pack (`load_ruleset()`)", "rules_s", per_message=False),
    ]
    if roster:
        out.append(
            Stage(
                "load rules, with roster (`load_ruleset(load_roster(…))`)", "rules_roster_s", False
            )
        )
    out.append(Stage("scan, default pack (`scan_chat`)", "scan_s"))
    if roster:
        out.append(Stage("scan, roster rules (reference)", "scan_roster_s"))
    out += [
        Stage("**parse + scan** (default pack)", "total_s"),
        Stage("parse + load rules + scan (default pack)", "total_with_rules_s"),
    ]
    return out


def freeze_pack(into: Path, source: Path | None = None) -> Path:
    """Copy the default rule pack (or ``source``) into ``into`` and return the copy's folder.

    Edits to ``rules/`` while the benchmark runs then cannot make its runs measure different
    packs (or fail on a half-saved file). The child points ``chatguard.scan.default_pack`` at
    the copy and calls ``load_ruleset()`` as usual.
    """
    from chatguard.rulefile import default_pack

    target = into / "pack"
    shutil.copytree(source or default_pack(), target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def run_scans(
    path: Path,
    n: int,
    roster: Path | None,
    repeat: int,
    timeout: float,
    pack: Path | None = None,
    every_row: bool = False,
) -> ScanBench:
    """Run the scan child ``repeat`` times and check that every run saw the same data and pack."""
    bench = ScanBench(messages=n)
    args = ["chatguard-scan", str(path)]
    if roster is not None:
        args += ["--roster", str(roster)]
    if pack is not None:
        args += ["--pack", str(pack)]
    if every_row:
        args.append("--every-row")
    for i in range(repeat):
        run = run_child(sys.executable, args, timeout)
        if run.get("status") != "ok":
            bench.status = "error"
            bench.reason = str(run.get("reason", "unknown failure"))
            log(f"  run {i + 1}: error: {bench.reason}")
            if "traceback" in run:
                log(str(run["traceback"]))
            return bench
        run["total_s"] = run["parse_s"] + run["scan_s"]
        run["total_with_rules_s"] = run["total_s"] + run["rules_s"]
        run["total_cpu_s"] = run["parse_cpu_s"] + run["scan_cpu_s"]
        run["total_with_rules_cpu_s"] = run["total_cpu_s"] + run["rules_cpu_s"]
        bench.runs.append(run)
        log(
            f"  run {i + 1}/{repeat}: parse {run['parse_s']:.2f}s, rules {run['rules_s']:.2f}s "
            f"({run['rules']} rules), scan {run['scan_s']:.2f}s ({run['findings']:,} findings), "
            f"parse+scan {run['total_s']:.2f}s, peak {run['peak_rss_mb']:.0f} MB"
        )
    counts = {r["messages"] for r in bench.runs}
    if len(counts) != 1:
        bench.status = "error"
        bench.reason = f"message count changed between runs: {sorted(counts)}"
        return bench

    def version(run: dict[str, Any]) -> tuple[str, str]:
        return run["rules_digest"], run.get("code_digest", "")

    newest = version(bench.runs[-1])
    if any(version(r) != newest for r in bench.runs):
        sizes = [r["rules"] for r in bench.runs]
        codes = len({r.get("code_digest") for r in bench.runs})
        bench.runs = [r for r in bench.runs if version(r) == newest]
        bench.note = (
            f"The rule pack or chatguard's code changed during the benchmark (rules per run: "
            f"{sizes}; {codes} code version(s)); only the {len(bench.runs)} run(s) with the "
            "newest pack and code are reported."
        )
        log(f"  warning: {bench.note}")
    return bench


def diagnose(
    path: Path, timeout: float, pack: Path | None = None, every_row: bool = False
) -> dict[str, Any]:
    """One profiled child: per-rule seconds and the top of a cProfile of ``scan_chat``."""
    log("  profiling one scan (per-rule times, cProfile) ...")
    args = ["chatguard-scan", str(path), "--profile", str(PROFILE_TOP)]
    if pack is not None:
        args += ["--pack", str(pack)]
    if every_row:
        args.append("--every-row")
    return run_child(sys.executable, args, timeout)


def _rate(n: int, seconds: float | None) -> str:
    return "" if not seconds else f"{n / seconds:,.0f}"


def render_stages(bench: ScanBench, table: list[Stage]) -> str:
    """Markdown table, one row per stage: best and median seconds, messages per second."""
    last = bench.runs[-1]
    notes = {
        "parse_s": f"{last['messages']:,} messages",
        "rules_s": f"{last['rules']} rules; fixed cost, not per message",
        "rules_roster_s": f"{last.get('rules_roster', '?')} rules; fixed cost, not per message",
        "scan_s": f"{last['findings']:,} findings",
        "scan_roster_s": f"{last.get('findings_roster', 0):,} findings",
    }
    head = (
        "| stage | best s | median s | CPU s (best run) | messages/s (best) | notes |\n"
        "|---|---:|---:|---:|---:|---|"
    )
    rows = []
    for stage in table:
        stage.seconds = [float(r[stage.key]) for r in bench.runs]
        best_run = min(bench.runs, key=lambda r: float(r[stage.key]))
        cpu_key = stage.key.removesuffix("_s") + "_cpu_s"
        cpu = f"{best_run[cpu_key]:.2f}" if cpu_key in best_run else "?"
        rate = _rate(bench.messages, stage.best) if stage.per_message else "n/a"
        rows.append(
            f"| {stage.name} | {stage.best:.2f} | {stage.median:.2f} | {cpu} | {rate} | "
            f"{notes.get(stage.key, '')} |"
        )
    return "\n".join([head, *rows])


def render_findings(bench: ScanBench) -> str:
    """Findings per rule (default pack, and roster rules when measured)."""
    last = bench.runs[-1]
    plain: dict[str, int] = last["findings_by_rule"]
    roster: dict[str, int] | None = last.get("findings_roster_by_rule")
    ids = sorted(set(last["rule_ids"]) | set(plain) | set(roster or {}))
    ids.sort(key=lambda rid: (-plain.get(rid, 0), rid))
    if roster is None:
        head = "| rule | findings |\n|---|---:|"
        rows = [f"| `{rid}` | {plain.get(rid, 0):,} |" for rid in ids]
    else:
        head = "| rule | findings, default pack | findings, with roster |\n|---|---:|---:|"
        rows = [f"| `{rid}` | {plain.get(rid, 0):,} | {roster.get(rid, 0):,} |" for rid in ids]
    return "\n".join([head, *rows])


def render_diagnosis(diag: dict[str, Any], timed: dict[str, Any]) -> str:
    """Per-rule seconds (slowest first) and the cProfile excerpt.

    ``timed`` is one of the timed runs: if the pack or code changed before the profiling run,
    the profile describes a different version, and the report must say so.
    """
    if diag.get("status") != "ok":
        return f"Profiling failed: {diag.get('reason', 'unknown failure')}"
    changed = [
        what
        for what, key in (("rule pack", "rules_digest"), ("chatguard code", "code_digest"))
        if diag.get(key) != timed.get(key)
    ]
    warning = (
        [f"**Note:** the {' and '.join(changed)} changed between the timed runs and this one.", ""]
        if changed
        else []
    )
    rules = sorted(diag["per_rule"], key=lambda r: -float(r["seconds"]))
    total = sum(float(r["seconds"]) for r in rules)
    lines = [
        *warning,
        "Where the scan's time goes (one extra run, not used for the verdict). Each rule timed "
        "alone with `engine.apply_rule`, in pack order over one shared batch, as `apply_rules` "
        f"runs them; building the batch took {diag['batch_s']:.2f} s.",
        "",
        "`rows to Python` is how many messages the rule's matchers passed to the per-message "
        "`regex`/Python pass after the RE2 prefilter (summed over its matchers): a rule whose "
        "prefilter lets most of the chat through, or that has none, is slow for that reason.",
        "",
        "| rule | seconds | share | rows to Python | hits |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in rules:
        share = float(r["seconds"]) / total if total else 0.0
        lines.append(
            f"| `{r['rule']}` | {r['seconds']:.2f} | {share:.0%} | "
            f"{r.get('exact_rows', 0):,} | {r['hits']:,} |"
        )
    lines.append(f"| all rules | {total:.2f} | 100% | | |")
    lines += [
        "",
        f"`cProfile` of one `scan_chat` ({diag['profiled_scan_s']:.2f} s under the profiler), "
        f"top {PROFILE_TOP} by cumulative time:",
        "",
        "```text",
        _trim_profile(str(diag["profile"])),
        "```",
    ]
    return "\n".join(lines)


def _trim_profile(text: str) -> str:
    """The pstats table without its blank lines, with the repository prefix cut from paths."""
    prefix = str(REPO) + os.sep
    kept = [line.replace(prefix, "") for line in text.splitlines() if line.strip()]
    return "\n".join(kept)


def verdict(bench: ScanBench) -> tuple[str, bool]:
    """The target line and whether it was met (True when not judged at this size)."""
    best = min(float(r["total_s"]) for r in bench.runs)
    with_rules = min(float(r["total_with_rules_s"]) for r in bench.runs)
    if bench.messages != TARGET_MESSAGES:
        return (
            f"- the target is judged at {TARGET_MESSAGES:,} messages (this run: "
            f"{bench.messages:,}; parse + scan {best:.2f} s, "
            f"{bench.messages / best:,.0f} messages/s)",
            True,
        )
    met = best < TARGET_TOTAL_SECONDS
    status = "met" if met else f"**MISSED** by {best - TARGET_TOTAL_SECONDS:.2f} s"
    line = (
        f"- parse + scan of {TARGET_MESSAGES:,} messages with the default pack in "
        f"< {TARGET_TOTAL_SECONDS:g} s: {best:.2f} s, {status} "
        f"(with rule loading: {with_rules:.2f} s)"
    )
    return line, met


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", "-n", type=int, default=TARGET_MESSAGES)
    parser.add_argument("--format", "-f", choices=FORMATS, default=FORMATS[0], dest="fmt")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--repeat", type=int, default=3, help="fresh-process runs; best is kept")
    parser.add_argument(
        "--roster",
        type=Path,
        default=DEFAULT_ROSTER,
        help="roster for the 'with roster' stages (default: fixtures/labelled/roster.yaml)",
    )
    parser.add_argument("--no-roster", action="store_true", help="skip the roster stages")
    parser.add_argument(
        "--every-row",
        action="store_true",
        help="read every message on its own, as if no two texts were alike (the worst case: "
        "by default a scan reads each distinct text once, and this file repeats many)",
    )
    parser.add_argument(
        "--freeze-pack",
        action="store_true",
        help="copy the default pack once at the start and load that copy in every run",
    )
    parser.add_argument(
        "--pack",
        type=Path,
        help="time this rule folder as the default pack (copied once, as with --freeze-pack)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="always add per-rule times and a cProfile (default: only when the target is missed)",
    )
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per child run")
    parser.add_argument("--json", type=Path, help="also write every raw run here")
    parser.add_argument("--check", action="store_true", help="exit 1 unless the target was met")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.pack is not None and not args.pack.is_dir():
        parser.error(f"--pack {args.pack}: not a folder of rules")
    roster = None if args.no_roster else args.roster.resolve()
    if roster is not None and not roster.is_file():
        parser.error(f"no roster at {roster} (or pass --no-roster)")

    path, gen_stats = ensure_export(args.messages, args.fmt, args.seed, content="school")
    warm_page_cache(path)
    with tempfile.TemporaryDirectory(prefix="chatguard-pack-") as tmp:
        frozen = args.freeze_pack or args.pack is not None
        pack = freeze_pack(Path(tmp), args.pack) if frozen else None
        return report(args, path, gen_stats, roster, pack)


def report(
    args: argparse.Namespace,
    path: Path,
    gen_stats: dict[str, Any],
    roster: Path | None,
    pack: Path | None,
) -> int:
    """Run the benchmark and print its Markdown report; the exit code for ``--check``."""
    load_before = os.getloadavg()
    log(f"chatguard under {sys.executable}; load average {load_before[0]:.2f}")
    bench = run_scans(path, args.messages, roster, args.repeat, args.timeout, pack, args.every_row)
    load_after = os.getloadavg()

    print(f"## Scan benchmark: {args.messages:,} messages, `{args.fmt}`, school chatter\n")
    print(
        f"File `{path.relative_to(REPO)}`: {path.stat().st_size / 1e6:.1f} MB, "
        f"{gen_stats['entries']:,} entries, {gen_stats['breach_messages']:,} with a planted "
        f"breach, seed {args.seed}.  "
    )
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, load average {load_before[0]:.2f} before and "
        f"{load_after[0]:.2f} after. {args.repeat} fresh processes; best and median per stage; "
        "peak RSS is the worst run's.\n"
    )
    if bench.status != "ok":
        print(f"**{bench.status}**: {bench.reason}")
        return 1

    last = bench.runs[-1]
    if bench.note:
        print(f"**Note:** {bench.note}\n")
    distinct = int(last.get("distinct_texts", 0))
    print(
        f"Distinct message texts: {distinct:,} of {last['messages']:,} "
        f"({distinct / max(1, last['messages']):.0%}); the generator draws bodies from a pool. "
        + (
            "**Every row read on its own** (`--every-row`): the cost of a chat that never "
            "repeats a text.\n"
            if args.every_row
            else "The scan reads each distinct text once; `--every-row` measures the cost of a "
            "chat that never repeats a text.\n"
        )
    )
    if pack is not None:
        print(
            f"The pack ({args.pack or 'the default pack'}) was copied once at the start; every "
            "run pointed `chatguard.scan.default_pack` at the copy and called `load_ruleset()` "
            "as usual.\n"
        )
    print(
        f"Rule pack: {last['rules']} rules (digest `{last['rules_digest'][:12]}`, chatguard "
        f"modules `{last.get('code_digest', '?')[:12]}`): "
        + ", ".join(f"`{rid}`" for rid in last["rule_ids"])
        + ".\n"
    )
    print(render_stages(bench, stages(roster is not None)))
    print()
    peak_scan = max(float(r["rss_after_scan_mb"]) for r in bench.runs)
    peak_parse = max(float(r["rss_after_parse_mb"]) for r in bench.runs)
    peak_all = max(float(r["peak_rss_mb"]) for r in bench.runs)
    print(
        f"Peak RSS: {peak_scan:,.0f} MB after parse + scan ({peak_parse:,.0f} MB after the parse"
        + (f"; {peak_all:,.0f} MB after the roster scan too" if roster is not None else "")
        + f"). Imports before the first stage: {min(r['import_s'] for r in bench.runs):.2f} s.\n"
    )
    print(render_findings(bench))
    print()
    line, met = verdict(bench)
    print(line)

    if args.profile or not met:
        bench.diagnosis = diagnose(path, args.timeout, pack, args.every_row)
        print()
        print(render_diagnosis(bench.diagnosis, bench.runs[-1]))

    if args.json:
        payload = {
            "messages": args.messages,
            "format": args.fmt,
            "seed": args.seed,
            "file": str(path),
            "generated": gen_stats,
            "load_average": [load_before, load_after],
            "frozen_pack": pack is not None,
            "every_row": args.every_row,
            "runs": bench.runs,
            "diagnosis": bench.diagnosis,
        }
        args.json.write_text(json.dumps(payload, indent=2), encoding="utf-8")
    return 1 if args.check and not met else 0


if __name__ == "__main__":
    raise SystemExit(main())
