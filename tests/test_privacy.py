"""Privacy: no network, the export is only ever read, and what chatguard writes is owner-only.

Safeguarding data must not leave the computer, the evidence must stay exactly as it was given,
and reports drawn from it must not be readable by other users of the machine.

Network: every test here runs with pytest-socket's ``disable_socket`` marker (any socket, even a
Unix one, raises), and an audit hook records every socket event, so a connection attempt that
chatguard caught and swallowed is still seen. Writes: the same hook records every ``open`` of
the export and checks that none asked for writing (the tests run as root in CI, where a 0400
file can still be written, so the mode alone would prove nothing).
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Run

pytestmark = pytest.mark.disable_socket

Cli = Callable[..., Run]

CHAT = """\
13/09/2025, 08:00 - Sarah Jones: Morning all, PE is on Thursday this week
13/09/2025, 08:05 - Mo Ahmed: Jack Taylor was lovely at the party, thanks Sarah
13/09/2025, 08:10 - Jo Bloggs: This is bloody ridiculous, nobody told us
14/09/2025, 09:00 - Jo Bloggs: what the f*ck is Mrs Patel doing, she is useless
15/09/2025, 10:01 - Sarah Jones: See you at pick-up
"""
ROSTER = (
    'pupils: ["Jack Taylor", "Grace Okafor"]\n'
    'staff:\n  - {name: "Mrs Anita Patel", role: "Year 3 teacher"}\n'
)
LABELS = "file,line,author,categories,excerpt\nchat.txt,3,Jo Bloggs,swearing,This is bloody\n"


# --------------------------------------------------------------------------- the audit hook

Events = list[tuple[str, tuple[Any, ...]]]
_recording: list[Events] = []  # the list being filled, while a test records


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _recording and (event.startswith("socket.") or event == "open"):
        _recording[-1].append((event, args))


sys.addaudithook(_audit)  # hooks cannot be removed; it records only inside `recorded()`


@pytest.fixture
def recorded() -> Iterator[Events]:
    events: Events = []
    _recording.append(events)
    try:
        yield events
    finally:
        _recording.remove(events)


# --------------------------------------------------------------------------- a school's folder


@pytest.fixture
def school(tmp_path: Path) -> dict[str, Path]:
    inputs = tmp_path / "inputs"
    out = tmp_path / "out"
    inputs.mkdir()
    out.mkdir()
    chat = inputs / "chat.txt"
    chat.write_text(CHAT, encoding="utf-8")
    roster = inputs / "roster.yaml"
    roster.write_text(ROSTER, encoding="utf-8")
    labels = inputs / "labels.csv"
    labels.write_text(LABELS, encoding="utf-8")
    return {"inputs": inputs, "out": out, "chat": chat, "roster": roster, "labels": labels}


def _first_rule_id() -> str:
    from chatguard.rulefile import load_rules

    return sorted(r.id for r in load_rules().rules)[0]


def commands(s: dict[str, Path]) -> dict[str, tuple[tuple[str, ...], str | None]]:
    """Every command a user runs, as (arguments, standard input)."""
    chat, out, roster = str(s["chat"]), s["out"], str(s["roster"])
    return {
        "parse": (("parse", chat), None),
        "parse-csv": (("parse", chat, "--to", "csv", "-o", str(out / "m.csv")), None),
        "parse-jsonl": (("parse", chat, "--to", "jsonl", "-o", str(out / "m.jsonl")), None),
        "parse-parquet": (("parse", chat, "--to", "parquet", "-o", str(out / "m.parquet")), None),
        "stats": (("stats", chat), None),
        "stats-json": (("stats", chat, "--format", "json"), None),
        "scan": (("scan", chat, "--roster", roster, "--context", "1"), None),
        "scan-json": (("scan", chat, "--format", "json"), None),
        "scan-csv": (("scan", chat, "--format", "csv"), None),
        "scan-markdown": (("scan", chat, "--format", "markdown"), None),
        "scan-file": (("scan", chat, "--format", "json", "-o", str(out / "f.json")), None),
        "check": (("check", "Mrs Patel is bloody useless", "--roster", roster), None),
        "rules-list": (("rules", "list"), None),
        "rules-show": (("rules", "show", _first_rule_id()), None),
        "rules-test": (("rules", "test"), None),
        "rules-validate": (("rules", "validate"), None),
        "rules-docs": (("rules", "docs"), None),
        "rules-docs-file": (("rules", "docs", "-o", str(out / "rules.md")), None),
        "rules-eval": (("rules", "eval", str(s["labels"]), chat), None),
        "evidence-html": (("evidence", chat, "--roster", roster, "-o", str(out / "e.html")), None),
        "evidence-md": (("evidence", chat, "--author", "Jo Bloggs", "-o", str(out / "e.md")), None),
        "evidence-stdout": (("evidence", chat, "--redact", "children", "--roster", roster), None),
        "review": (("review", chat, "--reviewer", "T", "-o", str(out / "review.yaml")), "q\n"),
    }


NAMES = sorted(commands({k: Path(k) for k in ("chat", "out", "roster", "labels")}))


def fingerprint(path: Path) -> tuple[str, int, int]:
    info = path.stat()
    return hashlib.sha256(path.read_bytes()).hexdigest(), info.st_mtime_ns, info.st_mode


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def opens_of(events: Events, target: Path) -> list[tuple[Any, ...]]:
    """Every recorded ``open`` of ``target``: (path, mode, flags)."""
    found = []
    for event, args in events:
        if event != "open" or not args or not isinstance(args[0], str | bytes | os.PathLike):
            continue
        try:
            same = Path(os.fsdecode(args[0])).resolve() == target.resolve()
        except (OSError, ValueError):
            continue
        if same:
            found.append(args)
    return found


def writes_to(events: Events, target: Path) -> list[tuple[Any, ...]]:
    """The opens of ``target`` that asked for more than reading."""
    bad = []
    for args in opens_of(events, target):
        mode, flags = args[1], args[2]
        wants_write = bool(flags & (os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_TRUNC))
        if mode is not None and any(c in mode for c in "wax+"):
            wants_write = True
        if wants_write:
            bad.append(args)
    return bad


# --------------------------------------------------------------------------- the tests


@pytest.mark.parametrize("read_only", [False, True], ids=["0600-input", "0400-input"])
@pytest.mark.parametrize("name", NAMES)
def test_every_command_works_offline_and_leaves_the_export_alone(
    cli: Cli,
    school: dict[str, Path],
    recorded: Events,
    name: str,
    read_only: bool,
) -> None:
    chat = school["chat"]
    if read_only:
        for path in school["inputs"].iterdir():
            path.chmod(0o400)
        school["inputs"].chmod(0o500)
    args, stdin = commands(school)[name]
    before = fingerprint(chat)
    inputs_before = listing(school["inputs"])
    recorded.clear()
    try:
        run = cli(*args, input=stdin)
    finally:
        events = list(recorded)
        school["inputs"].chmod(0o700)
    assert run.code in (0, 1), run
    assert "Traceback" not in run.out + run.err
    sockets = [event for event, _ in events if event.startswith("socket.")]
    assert sockets == [], sockets
    assert fingerprint(chat) == before
    assert listing(school["inputs"]) == inputs_before
    assert writes_to(events, chat) == []
    if str(chat) in args:
        assert opens_of(events, chat)  # the hook did see it being read


@pytest.mark.filterwarnings("ignore:A test tried to use socket")
def test_the_socket_guard_is_really_on() -> None:
    """If pytest-socket were not blocking, the test above would prove nothing."""
    import socket

    from pytest_socket import SocketBlockedError

    with pytest.raises(SocketBlockedError):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    with pytest.raises(SocketBlockedError):
        socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)


def test_the_audit_hook_sees_writes(tmp_path: Path, recorded: Events) -> None:
    """A write to the export would be caught even by root, who ignores file modes."""
    target = tmp_path / "x.txt"
    target.write_text("x", encoding="utf-8")
    with target.open("a", encoding="utf-8") as handle:
        handle.write("y")
    assert writes_to(recorded, target)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """Let files be created world-readable, unless chatguard says otherwise."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


OUTPUTS = {
    "parse-csv": "m.csv",
    "parse-jsonl": "m.jsonl",
    "parse-parquet": "m.parquet",
    "scan-file": "f.json",
    "rules-docs-file": "rules.md",
    "evidence-html": "e.html",
    "evidence-md": "e.md",
}


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_written_files_are_owner_only(
    cli: Cli, school: dict[str, Path], open_umask: None, name: str
) -> None:
    args, stdin = commands(school)[name]
    assert cli(*args, input=stdin).code in (0, 1)
    written = school["out"] / OUTPUTS[name]
    assert stat.S_IMODE(written.stat().st_mode) == 0o600


@pytest.mark.parametrize("fmt", ["text", "json", "csv", "markdown"])
def test_scan_reports_are_owner_only(
    cli: Cli, school: dict[str, Path], open_umask: None, fmt: str
) -> None:
    target = school["out"] / f"report.{fmt}"
    run = cli("scan", str(school["chat"]), "--format", fmt, "-o", str(target))
    assert run.code == 1, run
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_review_file_is_owner_only(cli: Cli, school: dict[str, Path], open_umask: None) -> None:
    target = school["out"] / "review.yaml"
    run = cli("review", str(school["chat"]), "--reviewer", "T", "-o", str(target), input="c\nq\n")
    assert run.code == 0, run
    assert "confirmed" in target.read_text(encoding="utf-8")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    leftovers = [p.name for p in school["out"].iterdir() if p.name.startswith(".chatguard")]
    assert leftovers == []  # the temporary file was moved into place


def test_forced_overwrite_is_owner_only_too(
    cli: Cli, school: dict[str, Path], open_umask: None
) -> None:
    target = school["out"] / "m.csv"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o644)
    run = cli("parse", str(school["chat"]), "--to", "csv", "-o", str(target), "--force")
    assert run.code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
