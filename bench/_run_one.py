"""Run ONE parse of ONE file in this process and print the measurements as JSON.

``bench_parse.py`` starts this script in a fresh interpreter for every timed
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
import importlib
import inspect
import json
import resource
import sys
import time
import traceback
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
    parser.add_argument("tool", choices=("chatguard", "whatstk"))
    parser.add_argument("path")
    parser.add_argument("--hformat", help="whatstk header format; omit for auto-detection")
    args = parser.parse_args(argv)

    try:
        if args.tool == "chatguard":
            result = _run_chatguard(args.path)
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
