"""Benchmark chatguard's parser (and optionally whatstk) on a synthetic export.

Usage::

    .venv/bin/python bench/bench_parse.py --messages 1000000 [--peers] [--repeat 3]

Why it is built this way:

* The export comes from ``generate.py`` and is cached in ``bench/.cache/``
  (keyed on size, format, seed and generator version) because writing 1M
  messages takes seconds and every run must see the same bytes.
* Every timed run is a fresh child process (``_run_one.py``). ``ru_maxrss``
  only ever grows, so peak memory is only meaningful per process, and a fresh
  process also stops one tool's warm caches from helping another.
* Parse time is measured inside the child around ``chatguard.read_chat(path)``
  (attribute lookup included, so lazy imports count, as for a real first
  call) or ``df_from_whatsapp(path)``; interpreter start-up is excluded and
  ``import`` time is reported separately because users pay it too.
* chatguard runs under the caller's interpreter (``sys.executable``), i.e. the
  project venv. Peers are installed only into ``bench/.venv-peers``, created
  on demand, so benchmarking never changes the project's environment.
* Timing is best of ``--repeat`` runs (least disturbed by the machine); peak
  RSS is the worst of them (memory targets are limits).

The report is Markdown on stdout (progress goes to stderr), so it can be
pasted into ``bench/README.md`` as is.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from generate import DEFAULT_SEED, FORMATS, GENERATOR_VERSION, write_export  # noqa: E402

CACHE_DIR = BENCH_DIR / ".cache"
PEERS_VENV = BENCH_DIR / ".venv-peers"
CHILD = BENCH_DIR / "_run_one.py"

WHATSTK_SPEC = "whatstk==0.9.1"
"""Pinned so that numbers from different days compare; override with --whatstk-spec."""

WHATSTK_HFORMATS: dict[str, str] = {
    "android-dmy-24h": "%d/%m/%Y, %H:%M - %name:",
    "ios-dmy-24h": "[%d/%m/%Y, %H:%M:%S] %name:",
    "android-mdy-12h": "%m/%d/%y, %I:%M %p - %name:",
}
"""The header format to hand whatstk for each generated format, i.e. its fastest path."""

TARGET_MESSAGES = 1_000_000
TARGET_SECONDS = 3.0
TARGET_PEAK_RSS_MB = 1024.0
TARGET_RATIO = 4.0


@dataclass
class CaseResult:
    """Outcome of one (tool, mode) over all its repeats."""

    tool: str
    mode: str
    status: str = "ok"
    """"ok", "pending" (tool not importable / entry point missing) or "error"."""
    reason: str = ""
    version: str = ""
    messages: int | None = None
    seconds: float | None = None
    """Best (lowest) parse time over the repeats."""
    import_s: float | None = None
    """Best import time over the repeats."""
    peak_rss_mb: float | None = None
    """Worst (highest) peak RSS over the repeats, whole child process."""
    resolve_s: float | None = None
    """Part of ``seconds`` spent on the first ``chatguard.read_chat`` lookup (lazy imports)."""
    runs: list[dict[str, Any]] = field(default_factory=list)
    judged: bool = True
    """Whether the throughput-ratio target is judged against this peer mode.

    Only like-for-like modes are: chatguard always detects the format, so it
    is judged against whatstk's auto-detection. whatstk with the format handed
    to it does less work and is shown as a reference, not as the target.
    """

    @property
    def rate(self) -> float | None:
        """Messages per second, by the tool's own message count."""
        if self.messages is None or not self.seconds:
            return None
        return self.messages / self.seconds


def log(msg: str) -> None:
    """Progress on stderr, keeping stdout a clean Markdown report."""
    print(msg, file=sys.stderr, flush=True)


def ensure_export(
    n: int, fmt: str, seed: int, *, content: str = "mixed"
) -> tuple[Path, dict[str, Any]]:
    """Return the cached export for (n, fmt, seed, content) and its stats, generating it if needed.

    ``mixed`` files keep their original cache names, so existing caches stay valid.
    """
    kind = "" if content == "mixed" else f"-{content}"
    stem = f"{fmt}{kind}-n{n}-seed{seed}-gen{GENERATOR_VERSION}"
    path = CACHE_DIR / f"{stem}.txt"
    stats_path = CACHE_DIR / f"{stem}.json"
    if path.exists() and stats_path.exists():
        log(f"using cached {path.relative_to(BENCH_DIR.parent)}")
        stats: dict[str, Any] = json.loads(stats_path.read_text(encoding="utf-8"))
        return path, stats
    log(f"generating {n:,} messages ({fmt}, {content}) ...")
    started = time.perf_counter()
    stats = asdict(write_export(path, n, fmt, seed, content=content))
    stats_path.write_text(json.dumps(stats, indent=2), encoding="utf-8")
    log(f"  wrote {path.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - started:.1f}s")
    return path, stats


def _venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _installed_version(python: Path, dist: str) -> str | None:
    probe = f"import importlib.metadata as m; print(m.version({dist!r}))"
    proc = subprocess.run([str(python), "-c", probe], capture_output=True, text=True, check=False)
    return proc.stdout.strip() if proc.returncode == 0 else None


def ensure_peers_venv(spec: str) -> Path:
    """Create ``bench/.venv-peers`` with ``spec`` installed unless present; return its python.

    Peers pull in their own pandas/matplotlib/plotly versions; keeping them
    in a separate venv means the project's environment (and so its tests and
    lockfile) is never touched by benchmarking.
    """
    python = _venv_python(PEERS_VENV)
    wanted = spec.split("==", 1)[1] if "==" in spec else None
    have = _installed_version(python, "whatstk") if python.exists() else None
    if have is not None and (wanted is None or have == wanted):
        return python
    if not python.exists():
        log(f"creating {PEERS_VENV.relative_to(BENCH_DIR.parent)} ...")
        subprocess.run([sys.executable, "-m", "venv", str(PEERS_VENV)], check=True)
    log(f"installing {spec} into the peers venv ...")
    proc = subprocess.run(
        [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q", spec],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"pip install {spec} failed:\n{proc.stdout}\n{proc.stderr}")
    return python


def run_child(python: Path | str, args: list[str], timeout: float) -> dict[str, Any]:
    """Run ``_run_one.py`` once in a fresh interpreter and return its JSON report."""
    cmd = [str(python), str(CHILD), *args]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"status": "error", "reason": f"timed out after {timeout:.0f}s"}
    lines = proc.stdout.strip().splitlines()
    if lines:
        try:
            result: dict[str, Any] = json.loads(lines[-1])
            return result
        except json.JSONDecodeError:
            pass
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
    return {"status": "error", "reason": f"child exited {proc.returncode}: " + " | ".join(tail)}


def bench_case(
    tool: str, mode: str, python: Path | str, args: list[str], *, repeat: int, timeout: float
) -> CaseResult:
    """Run one (tool, mode) ``repeat`` times, each in its own process, and aggregate."""
    case = CaseResult(tool=tool, mode=mode)
    for i in range(repeat):
        run = run_child(python, args, timeout)
        case.runs.append(run)
        status = run.get("status")
        if status != "ok":
            # Repeating a missing tool or a crash only wastes time; report it once.
            case.status = "pending" if status == "unavailable" else "error"
            case.reason = str(run.get("reason", "unknown failure"))
            case.import_s = run.get("import_s")
            log(f"  {tool} / {mode}: {case.status}: {case.reason}")
            if "traceback" in run:
                log(str(run["traceback"]))
            return case
        lazy = f" (incl. {run['resolve_s']:.3f}s resolving read_chat)" if "resolve_s" in run else ""
        log(
            f"  {tool} / {mode} run {i + 1}/{repeat}: {run['parse_s']:.3f}s{lazy}, "
            f"{run['messages']:,} messages, peak {run['peak_rss_mb']:.0f} MB"
        )
    ok = case.runs
    counts = {r["messages"] for r in ok}
    if len(counts) != 1:
        case.status = "error"
        case.reason = f"message count changed between runs: {sorted(counts)}"
        return case
    case.messages = counts.pop()
    case.seconds = min(r["parse_s"] for r in ok)
    case.import_s = min(r["import_s"] for r in ok)
    case.peak_rss_mb = max(r["peak_rss_mb"] for r in ok)
    best = min(ok, key=lambda r: float(r["parse_s"]))
    case.resolve_s = best.get("resolve_s")
    case.version = str(ok[0].get("version", ""))
    return case


def _fmt(value: float | int | None, spec: str, missing: str) -> str:
    return missing if value is None else format(value, spec)


def render_table(cases: list[CaseResult]) -> str:
    """Markdown table, one row per (tool, mode)."""
    head = (
        "| tool | mode | messages parsed | seconds | messages/s | peak RSS MB | import s |\n"
        "|---|---|---:|---:|---:|---:|---:|"
    )
    rows = []
    for c in cases:
        name = f"{c.tool} {c.version}".strip()
        if c.status != "ok":
            # A failed case has no trustworthy numbers, not even its import time.
            rows.append(f"| {name} | {c.mode} |" + f" {c.status} |" * 5)
            continue
        missing = "?"
        rows.append(
            f"| {name} | {c.mode} | {_fmt(c.messages, ',', missing)} | "
            f"{_fmt(c.seconds, '.2f', missing)} | {_fmt(c.rate, ',.0f', missing)} | "
            f"{_fmt(c.peak_rss_mb, ',.0f', missing)} | {_fmt(c.import_s, '.3f', missing)} |"
        )
    return "\n".join([head, *rows])


def ratio(chatguard: CaseResult, peer: CaseResult) -> float | None:
    """Throughput ratio on the same file: peer seconds / chatguard seconds.

    Both parsed the same bytes, so the ratio of times is the ratio of
    throughputs. It deliberately does not use each tool's own message count:
    tools disagree on whether system lines are messages (whatstk drops them
    on Android), and that must not move the ratio.
    """
    if chatguard.seconds is None or peer.seconds is None:
        return None
    return peer.seconds / chatguard.seconds


def render_verdicts(n: int, cg: CaseResult, peers: list[CaseResult]) -> tuple[str, bool]:
    """Targets as a Markdown list, and whether all evaluated targets were met."""
    lines: list[str] = []
    all_met = True
    if cg.status != "ok":
        lines.append(f"- chatguard: **{cg.status}**: {cg.reason}")
        if "import chatguard" in cg.reason:
            lines.append(
                "  (install it into the interpreter running this script, e.g. "
                "`.venv/bin/pip install -e .`, or run the script with the venv that has it)"
            )
        return "\n".join(lines), False

    def verdict(ok: bool) -> str:
        nonlocal all_met
        all_met &= ok
        return "met" if ok else "**MISSED**"

    assert cg.seconds is not None and cg.peak_rss_mb is not None
    if n == TARGET_MESSAGES:
        lines.append(
            f"- parse {TARGET_MESSAGES:,} messages with detection in < {TARGET_SECONDS:g} s: "
            f"{cg.seconds:.2f} s, {verdict(cg.seconds < TARGET_SECONDS)}"
        )
        lines.append(
            f"- peak RSS < {TARGET_PEAK_RSS_MB:,.0f} MB: {cg.peak_rss_mb:,.0f} MB, "
            f"{verdict(cg.peak_rss_mb < TARGET_PEAK_RSS_MB)}"
        )
    else:
        lines.append(
            f"- time and memory targets are defined at {TARGET_MESSAGES:,} messages "
            f"(this run: {n:,}; {cg.seconds:.2f} s, peak {cg.peak_rss_mb:,.0f} MB)"
        )
    for peer in peers:
        r = ratio(cg, peer)
        if r is None:
            lines.append(f"- vs {peer.tool} ({peer.mode}): not available ({peer.reason})")
            all_met &= not peer.judged  # an unmeasured target is not a met one
        elif peer.judged:
            lines.append(
                f"- throughput vs {peer.tool} ({peer.mode}): {r:.1f}x "
                f"(target >= {TARGET_RATIO:g}x), {verdict(r >= TARGET_RATIO)}"
            )
        else:
            lines.append(f"- throughput vs {peer.tool} ({peer.mode}): {r:.1f}x (reference only)")
    return "\n".join(lines), all_met


def warm_page_cache(path: Path) -> None:
    """Read the file once so run 1 does not pay for disk I/O that later runs skip."""
    with open(path, "rb") as fh:
        while fh.read(1 << 24):
            pass


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", "-n", type=int, default=TARGET_MESSAGES)
    parser.add_argument("--format", "-f", choices=FORMATS, default=FORMATS[0], dest="fmt")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--repeat", type=int, default=3, help="runs per case; best time is kept")
    parser.add_argument(
        "--peers", action="store_true", help="also benchmark whatstk (in bench/.venv-peers)"
    )
    parser.add_argument("--whatstk-spec", default=WHATSTK_SPEC, help="pip requirement for whatstk")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per child run")
    parser.add_argument("--json", type=Path, help="also write all results and raw runs here")
    parser.add_argument(
        "--check",
        action="store_true",
        help="exit 1 unless chatguard ran and met every evaluated target",
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    path, stats = ensure_export(args.messages, args.fmt, args.seed)
    warm_page_cache(path)

    log(f"chatguard under {sys.executable}")

    def case(tool: str, mode: str, python: Path | str, child_args: list[str]) -> CaseResult:
        return bench_case(tool, mode, python, child_args, repeat=args.repeat, timeout=args.timeout)

    cg = case("chatguard", "read_chat, auto-detect", sys.executable, ["chatguard", str(path)])
    cases = [cg]
    peers: list[CaseResult] = []
    if args.peers:
        hformat = WHATSTK_HFORMATS[args.fmt]
        modes: list[tuple[str, list[str]]] = [
            ("auto-detect", []),
            (f"hformat='{hformat}'", ["--hformat", hformat]),
        ]
        try:
            peer_python = ensure_peers_venv(args.whatstk_spec)
        except (OSError, RuntimeError, subprocess.CalledProcessError) as exc:
            # No registry access, say: still report chatguard, and say why peers are missing.
            reason = str(exc)
            peers = [
                CaseResult("whatstk", m, status="error", reason=reason, judged=not x)
                for m, x in modes
            ]
        else:
            log(f"whatstk under {peer_python}")
            for mode, extra in modes:
                child_args = ["whatstk", str(path), *extra]
                result = case("whatstk", mode, peer_python, child_args)
                result.judged = not extra
                peers.append(result)
        cases += peers

    size_mb = path.stat().st_size / 1e6
    print(f"## Parse benchmark: {args.messages:,} messages, `{args.fmt}`\n")
    rel = path.relative_to(BENCH_DIR.parent)
    print(
        f"File `{rel}`: {size_mb:.1f} MB, {stats['entries']:,} entries "
        f"({stats['user_messages']:,} user messages, {stats['system_lines']:,} system lines, "
        f"{stats['multiline_messages']:,} multi-line, {stats['media_messages']:,} media), "
        f"seed {args.seed}.  "
    )
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}. "
        f"Seconds: best of {args.repeat} fresh processes, parse call only; "
        f"peak RSS: whole child process, worst run.\n"
    )
    print(render_table(cases))
    print()
    if cg.resolve_s is not None and cg.resolve_s >= 0.001:
        print(
            "chatguard's first `chatguard.read_chat` lookup (lazy imports of pandas and "
            f"pyarrow) took {cg.resolve_s:.3f} s, not counted in its parse time (whatstk's "
            "import is not counted either).\n"
        )
    verdicts, all_met = render_verdicts(args.messages, cg, peers)
    print(verdicts)

    if args.json:
        payload = {
            "messages": args.messages,
            "format": args.fmt,
            "seed": args.seed,
            "file": str(path),
            "file_bytes": path.stat().st_size,
            "generated": stats,
            "cases": [asdict(c) | {"rate": c.rate} for c in cases],
            "ratios": {p.mode: ratio(cg, p) for p in peers},
        }
        args.json.write_text(json.dumps(payload, indent=2), encoding="utf-8")
    return 1 if args.check and not all_met else 0


if __name__ == "__main__":
    raise SystemExit(main())
