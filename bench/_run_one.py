"""Run ONE parse (or parse + scan) of ONE file in this process and print the measurements as JSON.

``bench_parse.py`` and ``bench_scan.py`` start this script in a fresh interpreter for every timed
run. A fresh process is the only way to get an honest peak-RSS figure per run
(``ru_maxrss`` never goes down, so a second parse in the same process would
report the first one's peak) and to include the real cost of importing the
tool. It is stdlib-only because it also runs under the peers venv's Python,
which has whatstk but nothing of this project.

Output: exactly one JSON object on the last line of stdout, with ``status``
``"ok"``, ``"unavailable"`` (the tool cannot be imported, or lacks the entry
point) or ``"error"`` (it raised while parsing). The child always exits 0 when
it managed to report, so the parent distinguishes "tool failed" from "harness
crashed" by the presence of that line.
"""

from __future__ import annotations

import argparse
import cProfile
import importlib
import inspect
import io
import json
import pstats
import resource
import sys
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any


def _peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MiB.

    Linux reports ``ru_maxrss`` in KiB, macOS in bytes.
    """
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _emit(result: dict[str, Any]) -> None:
    print(json.dumps(result), flush=True)


def _run_chatguard(path: str) -> dict[str, Any]:
    """Time ``chatguard.read_chat(path)`` (format detection included).

    chatguard resolves ``read_chat`` lazily (module ``__getattr__``) so that
    its CLI starts fast; that first access imports pandas and pyarrow. It is
    library start-up, like ``import whatstk`` (which imports pandas too and is
    left out of whatstk's parse time), so it is reported as ``resolve_s`` and
    the parse is timed from the moment ``read_chat`` is in hand.
    """
    t0 = time.perf_counter()
    try:
        chatguard = importlib.import_module("chatguard")
    except ImportError as exc:
        reason = f"`import chatguard` failed under {sys.executable}: {type(exc).__name__}: {exc}"
        return {"status": "unavailable", "reason": reason}
    except Exception as exc:  # a half-written package can raise anything at import time
        reason = f"`import chatguard` raised {type(exc).__module__}.{type(exc).__name__}: {exc}"
        return {"status": "error", "reason": reason, "traceback": traceback.format_exc(limit=-3)}
    import_s = time.perf_counter() - t0
    version = str(getattr(chatguard, "__version__", "?"))
    rss_after_import = _peak_rss_mb()

    t1 = time.perf_counter()
    try:
        read_chat = chatguard.read_chat
    except AttributeError:
        return {
            "status": "unavailable",
            "reason": f"chatguard {version} ({chatguard.__file__}) has no read_chat() yet",
            "import_s": import_s,
        }
    resolve_s = time.perf_counter() - t1
    t2 = time.perf_counter()
    chat = read_chat(path)
    n = len(chat.messages)
    parse_s = time.perf_counter() - t2
    return {
        "status": "ok",
        "version": version,
        "messages": n,
        "import_s": import_s,
        "resolve_s": resolve_s,
        "parse_s": parse_s,
        "rss_after_import_mb": rss_after_import,
    }


def _code_digest() -> str:
    """SHA-256 over the sources of the chatguard modules this process imported.

    chatguard is installed editable and is being worked on while benchmarks run; a run that
    straddles an edit must not be averaged with one that does not. Only modules that were
    actually loaded count, so an edit to, say, the CLI does not discard a scan's runs. Called at
    the end of a run, so lazily imported modules are included.
    """
    import hashlib

    digest = hashlib.sha256()
    for name in sorted(sys.modules):
        if name != "chatguard" and not name.startswith("chatguard."):
            continue
        source = getattr(sys.modules[name], "__file__", None)
        if source and source.endswith(".py"):
            digest.update(name.encode() + b"\0" + Path(source).read_bytes())
    return digest.hexdigest()


def _run_chatguard_scan(
    path: str,
    roster: str | None,
    profile_top: int,
    pack: str | None = None,
    every_row: bool = False,
) -> dict[str, Any]:
    """Time each stage of a scan: parse, load the rules (without and with a roster), scan.

    The imports come first and are reported as ``import_s``, outside every stage, so that each
    stage is the call a library user makes once chatguard is loaded. ``regex``'s compiled-pattern
    cache is purged before each rule load: without that, the second load would reuse the first
    one's compiled patterns and look faster than any real first load.

    Each stage also reports its CPU time (``<stage>_cpu_s``, all threads of this process): on a
    shared 2-core machine a wall time well above the CPU time means the run waited for a core.

    The scan uses the default pack without a roster (the benchmark's target). With ``roster``,
    the roster ruleset is also used for a second scan, reported separately: it is what a school
    runs, and roster lists turn on name matchers that are empty otherwise.

    ``pack`` is a frozen copy of the default pack (``bench_scan.py --freeze-pack``). It replaces
    the pack's location in :mod:`chatguard.scan` (``default_pack``), so ``load_ruleset()`` is
    called exactly as without it and reads the copy for both the rules and the ``name-words``
    list, unaffected by edits made to ``rules/`` while the benchmark runs.

    ``every_row`` turns off reading each distinct text once (``matchers.DEDUPLICATE_TEXTS``):
    every message is then read on its own, as if no two were alike. The generated chatter draws
    its bodies from a pool and repeats them far more than a real chat does, so this is the
    honest cost of a chat that never repeats itself. ``distinct_texts`` is reported either way.

    With ``profile_top`` > 0 this is a diagnostic run instead: every rule is timed on its own
    (in pack order, sharing one batch as :func:`chatguard.engine.apply_rules` does) and the scan
    runs under cProfile; its timings are inflated by the profiler and not comparable.
    """
    t0 = time.perf_counter()
    import regex

    from chatguard import __version__
    from chatguard.load import read_chat
    from chatguard.roster import load_roster
    from chatguard.scan import load_ruleset, scan_chat

    import_s = time.perf_counter() - t0
    out: dict[str, Any] = {"status": "ok", "version": __version__, "import_s": import_s}
    if every_row:
        import chatguard.matchers

        chatguard.matchers.DEDUPLICATE_TEXTS = False
    out["every_row"] = every_row
    if pack is not None:
        import chatguard.scan

        frozen = Path(pack)
        chatguard.scan.default_pack = lambda: frozen  # type: ignore[attr-defined]

    t, c = time.perf_counter(), time.process_time()
    chat = read_chat(path)
    out["messages"] = len(chat.messages)
    out["distinct_texts"] = int(chat.messages["text"].nunique(dropna=False))
    out["parse_s"] = time.perf_counter() - t
    out["parse_cpu_s"] = time.process_time() - c
    out["rss_after_parse_mb"] = _peak_rss_mb()

    regex.purge()
    t, c = time.perf_counter(), time.process_time()
    rules = load_ruleset()
    out["rules_s"] = time.perf_counter() - t
    out["rules_cpu_s"] = time.process_time() - c
    out["rules"] = len(rules.rules)
    out["rule_ids"] = [r.id for r in rules.rules]
    out["rules_digest"] = rules.digest

    roster_rules = None
    if roster is not None:
        regex.purge()
        t, c = time.perf_counter(), time.process_time()
        roster_rules = load_ruleset(load_roster(Path(roster)))
        out["rules_roster_s"] = time.perf_counter() - t
        out["rules_roster_cpu_s"] = time.process_time() - c
        out["rules_roster"] = len(roster_rules.rules)

    if profile_top > 0:
        out.update(_diagnose(chat, rules, profile_top))
        out["code_digest"] = _code_digest()
        return out

    t, c = time.perf_counter(), time.process_time()
    result = scan_chat(chat, rules)
    out["scan_s"] = time.perf_counter() - t
    out["scan_cpu_s"] = time.process_time() - c
    out["scanned"] = result.scanned
    out["findings"] = len(result.findings)
    out["findings_by_rule"] = dict(Counter(f.rule for f in result.findings).most_common())
    # Peak of parse + default scan, before the optional roster scan adds its own objects.
    out["rss_after_scan_mb"] = _peak_rss_mb()
    del result

    if roster_rules is not None:
        t, c = time.perf_counter(), time.process_time()
        result = scan_chat(chat, roster_rules)
        out["scan_roster_s"] = time.perf_counter() - t
        out["scan_roster_cpu_s"] = time.process_time() - c
        out["findings_roster"] = len(result.findings)
        out["findings_roster_by_rule"] = dict(
            Counter(f.rule for f in result.findings).most_common()
        )
    out["code_digest"] = _code_digest()
    return out


def _diagnose(chat: Any, rules: Any, top: int) -> dict[str, Any]:
    """Per-rule times over one shared batch, and a cProfile of one whole ``scan_chat``.

    Besides seconds, each rule reports ``exact_rows``: how many messages its leaf matchers
    handed to the per-message Python pass (``Batch.materialise`` is called with exactly those
    rows). A rule whose prefilter lets most of the chat through, or that has none, shows up
    there, which says more about the fix than the seconds alone.
    """
    from chatguard.engine import apply_rule
    from chatguard.matchers import Batch
    from chatguard.scan import batch_from_frame, scan_chat

    exact_rows: Counter[str] = Counter()
    original = Batch.materialise

    def counting(self: Batch, rows: Any) -> None:
        exact_rows[self.rule] += len(rows)
        original(self, rows)

    t = time.perf_counter()
    batch = batch_from_frame(chat.messages)
    batch_s = time.perf_counter() - t
    per_rule = []
    Batch.materialise = counting  # type: ignore[method-assign]
    try:
        for rule in rules.rules:
            t = time.perf_counter()
            hits = apply_rule(rule, batch)
            per_rule.append(
                {
                    "rule": rule.id,
                    "seconds": time.perf_counter() - t,
                    "hits": len(hits),
                    "exact_rows": exact_rows[rule.id],
                }
            )
    finally:
        Batch.materialise = original  # type: ignore[method-assign]

    profiler = cProfile.Profile()
    t = time.perf_counter()
    profiler.enable()
    scan_chat(chat, rules)
    profiler.disable()
    profiled_s = time.perf_counter() - t
    buffer = io.StringIO()
    pstats.Stats(profiler, stream=buffer).sort_stats("cumulative").print_stats(top)
    return {
        "batch_s": batch_s,
        "per_rule": per_rule,
        "profiled_scan_s": profiled_s,
        "profile": buffer.getvalue(),
    }


def _compile_all(obj: Any, seen: set[int]) -> None:
    """Compile every regular expression under a rule's matchers, however it defers that.

    Matchers built from word lists may compile on first use (an ``exact`` property) rather than
    at load. ``check`` pays for that compilation either way, so it is forced here, walking the
    matcher tree through its attributes, and timed as its own column.
    """
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, list | tuple):
        for item in obj:
            _compile_all(item, seen)
        return
    if not hasattr(obj, "evaluate"):
        return
    if hasattr(obj, "exact"):
        _ = obj.exact
    for value in vars(obj).values():
        _compile_all(value, seen)


def _run_chatguard_rules() -> dict[str, Any]:
    """Time loading the default pack rule file by rule file, then compiling each rule.

    ``chatguard check`` loads the whole pack and runs every rule on the draft, so its time grows
    with the pack; this says which rule files cost the most, split into loading (YAML, schema,
    building patterns) and compiling their regular expressions. The pack is loaded by the real
    ``load_ruleset()``, with ``chatguard.rulefile.load_rule`` wrapped to time each file, so the
    measurement follows whatever the loader does (shared lists, shared matchers …).
    """
    t0 = time.perf_counter()
    from chatguard import rulefile
    from chatguard.scan import load_ruleset

    import_s = time.perf_counter() - t0
    load_s: dict[str, float] = {}
    original = rulefile.load_rule

    def timed(path: Path, *args: Any, **kwargs: Any) -> Any:
        t = time.perf_counter()
        rule = original(path, *args, **kwargs)
        load_s[rule.id] = time.perf_counter() - t
        return rule

    rulefile.load_rule = timed  # type: ignore[assignment]
    try:
        t = time.perf_counter()
        rules = load_ruleset()
        total_s = time.perf_counter() - t
    finally:
        rulefile.load_rule = original  # type: ignore[assignment]
    per_rule = []
    for rule in rules.rules:
        t = time.perf_counter()
        _compile_all([rule.matcher, rule.exceptions, rule.unless], set())
        compile_s = time.perf_counter() - t
        per_rule.append(
            {"rule": rule.id, "load_s": load_s.get(rule.id, 0.0), "compile_s": compile_s}
        )
    return {
        "status": "ok",
        "import_s": import_s,
        "lists_s": total_s - sum(load_s.values()),
        "per_rule": per_rule,
    }


def _run_whatstk(path: str, hformat: str | None) -> dict[str, Any]:
    """Time ``whatstk.df_from_whatsapp`` with auto-detection or a given hformat.

    ``max_size=None`` is passed when the installed whatstk has that parameter:
    its default 50 MB input cap is a safety limit, not a parsing cost, and a
    1M-message export is bigger than that, so without it whatstk would refuse
    the file instead of being measured.
    """
    t0 = time.perf_counter()
    try:
        whatstk = importlib.import_module("whatstk")
    except ImportError as exc:
        return {"status": "unavailable", "reason": f"`import whatstk` failed: {exc}"}
    import_s = time.perf_counter() - t0
    rss_after_import = _peak_rss_mb()
    df_from_whatsapp = whatstk.df_from_whatsapp

    kwargs: dict[str, Any] = {}
    if "max_size" in inspect.signature(df_from_whatsapp).parameters:
        kwargs["max_size"] = None
    if hformat is not None:
        kwargs["hformat"] = hformat

    t1 = time.perf_counter()
    df = df_from_whatsapp(path, **kwargs)
    n = len(df)
    parse_s = time.perf_counter() - t1
    return {
        "status": "ok",
        "version": str(getattr(whatstk, "__version__", "?")),
        "messages": n,
        "import_s": import_s,
        "parse_s": parse_s,
        "rss_after_import_mb": rss_after_import,
    }


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run the requested tool once, print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "tool", choices=("chatguard", "chatguard-scan", "chatguard-rules", "whatstk")
    )
    parser.add_argument("path", nargs="?", help="the export (not for chatguard-rules)")
    parser.add_argument("--hformat", help="whatstk header format; omit for auto-detection")
    parser.add_argument("--roster", help="chatguard-scan: also load (and scan with) this roster")
    parser.add_argument("--pack", help="chatguard-scan: a frozen copy of the default pack to load")
    parser.add_argument(
        "--every-row",
        action="store_true",
        help="chatguard-scan: read every message on its own, never once per distinct text",
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="chatguard-scan: diagnostic run, per-rule times and the top N cProfile lines",
    )
    args = parser.parse_args(argv)

    try:
        if args.tool == "chatguard":
            result = _run_chatguard(args.path)
        elif args.tool == "chatguard-scan":
            result = _run_chatguard_scan(
                args.path, args.roster, args.profile, args.pack, args.every_row
            )
        elif args.tool == "chatguard-rules":
            result = _run_chatguard_rules()
        else:
            result = _run_whatstk(args.path, args.hformat)
    except Exception as exc:  # any failure of the tool under test is a result to report
        tb = traceback.format_exc(limit=-3)
        result = {"status": "error", "reason": f"{type(exc).__name__}: {exc}", "traceback": tb}
    result["peak_rss_mb"] = _peak_rss_mb()
    result["python"] = sys.executable
    _emit(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
