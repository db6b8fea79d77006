"""Hostile and broken exports: each one parses (saying what it assumed) or fails in one line.

The contract for every input: either it parses, and anything chatguard had to assume is said in a
``chatguard: note:`` line on stderr (or the ``warnings`` of ``stats --format json``), or it fails
with exactly one stderr line ``chatguard: error: …`` naming the file, exit code 2. Never a
traceback, never a hang, never a silently wrong table.

The second half checks that message text written to hurt (terminal escapes, HTML, spreadsheet
formulas) is harmless in every output.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import json
import os
import random
import re
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from chatguard import read_chat
from chatguard.errors import ChatguardError
from tests.conftest import Run
from tests.test_cli_input_errors import assert_one_line_error

Cli = Callable[..., Run]

CHAT = (
    "13/05/2025, 14:03 - Ann Lee: Morning all ☕\n"
    "13/05/2025, 14:04 - Bob Roy: Is PE on Thursday?\n"
    "13/05/2025, 14:05 - Cy Dunn: Yes, café trip after ☕ see you there\n"
)


def notes(run: Run) -> list[str]:
    return [line for line in run.err.splitlines() if line.startswith("chatguard: note: ")]


def stats_json(cli: Cli, path: Path, *args: str) -> dict[str, object]:
    run = cli("stats", str(path), "--format", "json", *args)
    assert run.code == 0, run
    result: dict[str, object] = json.loads(run.out)
    return result


def rows(path: Path, **kwargs: str) -> list[tuple[int, str | None, str]]:
    frame = read_chat(path, **kwargs).messages
    return [
        (int(r.line), None if pd.isna(r.author) else str(r.author), str(r.text))
        for r in frame.itertuples()
    ]


_CUT = re.compile(r"\b(cut|truncat\w*|incomplete|ends? (in the middle|mid))", re.IGNORECASE)


# --------------------------------------------------------------------------- truncated files


def test_file_cut_mid_line_parses_what_is_there(cli: Cli, tmp_path: Path) -> None:
    data = CHAT.encode("utf-8")
    cut = data.index(b"trip") + 2  # "Yes, café tr"
    path = tmp_path / "cut.txt"
    path.write_bytes(data[:cut])
    assert rows(path) == [
        (1, "Ann Lee", "Morning all ☕"),
        (2, "Bob Roy", "Is PE on Thursday?"),
        (3, "Cy Dunn", "Yes, café tr"),
    ]
    assert stats_json(cli, path)["messages"] == 3


def _cut_mid_character(encoding: str) -> bytes:
    body = CHAT.encode(encoding)
    if encoding == "utf-8":
        return body[: body.rindex("☕".encode()) + 2]  # 2 of the 3 bytes of ☕
    return body[:-1]  # UTF-16: half a code unit


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-le", "utf-16"])
def test_file_cut_mid_character(cli: Cli, tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "cut.txt"
    path.write_bytes(_cut_mid_character(encoding))
    run = cli("parse", str(path), "--to", "jsonl")
    if run.code == 0:
        parsed = [json.loads(line) for line in run.out.splitlines()]
        assert [p["author"] for p in parsed] == ["Ann Lee", "Bob Roy", "Cy Dunn"]
        assert parsed[0]["text"] == "Morning all ☕"
        assert parsed[2]["text"].startswith("Yes, café trip after")
        assert any(_CUT.search(note) for note in notes(run)), run.err
    else:
        assert_one_line_error(run, "cut.txt")
        assert _CUT.search(run.err), run.err
        assert "--encoding" not in run.err


# --------------------------------------------------------------------------- broken headers


@pytest.mark.parametrize(
    "broken",
    ["13/05/2025,\n14:04 - Bob Roy: Is PE on Thursday?", "[13/05/2025,\n14:04:00] Bob Roy: Is PE"],
    ids=["android", "ios"],
)
def test_header_split_across_lines(cli: Cli, tmp_path: Path, broken: str) -> None:
    bracket = broken.startswith("[")
    first = "[13/05/2025, 14:03:00] Ann Lee: hi" if bracket else "13/05/2025, 14:03 - Ann Lee: hi"
    last = "[13/05/2025, 14:05:00] Cy Dunn: ok" if bracket else "13/05/2025, 14:05 - Cy Dunn: ok"
    path = tmp_path / "split.txt"
    path.write_text(f"{first}\n{broken}\n{last}\n", encoding="utf-8")
    run = cli("parse", str(path), "--to", "jsonl")
    assert run.code == 0, run
    parsed = [json.loads(line) for line in run.out.splitlines()]
    ann = next(p for p in parsed if p["author"] == "Ann Lee")
    bob_is_a_row = any(p["author"] == "Bob Roy" for p in parsed)
    said_so = any("line 2" in n or "line 3" in n for n in notes(run))
    assert bob_is_a_row or said_so, run
    assert "Bob Roy" not in ann["text"] or said_so


@pytest.mark.parametrize(
    "header",
    ["31/02/2025, 14:04", "13/05/2025, 25:04", "13/05/2025, 14:61", "13/13/2025, 14:04"],
    ids=["31-february", "hour-25", "minute-61", "month-13"],
)
def test_impossible_header_is_not_silently_folded(cli: Cli, tmp_path: Path, header: str) -> None:
    path = tmp_path / "impossible.txt"
    path.write_text(
        f"13/05/2025, 14:03 - Ann: hi\n{header} - Bob: who wrote this?\n"
        "14/05/2025, 14:05 - Cy: ok\n",
        encoding="utf-8",
    )
    run = cli("parse", str(path), "--to", "jsonl")
    assert run.code == 0, run
    parsed = [json.loads(line) for line in run.out.splitlines()]
    bob_is_a_row = any(p["author"] == "Bob" for p in parsed)
    said_so = any("line 2" in n for n in notes(run))
    assert bob_is_a_row or said_so, run


def test_carriage_return_line_endings(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "cr.txt"
    path.write_bytes(CHAT.replace("\n", "\r").encode("utf-8"))
    run = cli("parse", str(path), "--to", "jsonl")
    if run.code == 2:
        assert_one_line_error(run, "cr.txt")
        return
    parsed = [json.loads(line) for line in run.out.splitlines()]
    every_row = [p["author"] for p in parsed] == ["Ann Lee", "Bob Roy", "Cy Dunn"]
    said_so = any(re.search(r"\bCR\b|carriage|line ending", n, re.I) for n in notes(run))
    assert every_row or said_so, run


# --------------------------------------------------------------------------- not a chat at all


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("command", ["stats", "parse", "scan"])
def test_random_bytes(cli: Cli, tmp_path: Path, seed: int, command: str) -> None:
    rng = random.Random(seed)
    path = tmp_path / f"random{seed}.txt"
    path.write_bytes(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 20_000))))
    assert_one_line_error(cli(command, str(path)), path.name)


@pytest.mark.parametrize("content", ["\n" * 1000, "\r\n" * 10, " \t \n\n   \n", "\u200e\n\u200f\n"])
def test_only_blank_lines(cli: Cli, tmp_path: Path, content: str) -> None:
    path = tmp_path / "blank.txt"
    path.write_text(content, encoding="utf-8")
    assert_one_line_error(cli("stats", str(path)), "blank.txt")


@pytest.mark.parametrize("suffix", [".txt", ".zip"])
def test_file_over_the_size_cap_is_refused_quickly(cli: Cli, tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"huge{suffix}"
    path.touch()
    os.truncate(path, 2 * 2**30)  # sparse: takes no disk space
    try:
        started = time.monotonic()
        run = cli("stats", str(path))
        elapsed = time.monotonic() - started
    finally:
        path.unlink()
    assert_one_line_error(run, str(path), "GiB")
    assert elapsed < 5, elapsed


def test_nul_bytes(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "nul.txt"
    path.write_bytes(CHAT.encode() + b"13/05/2025, 14:06 - Dee: a\x00b\n")
    assert_one_line_error(cli("stats", str(path)), "nul.txt", "line 4", "NUL")


# --------------------------------------------------------------------------- odd but valid


def test_many_system_messages_and_no_authored_ones(cli: Cli, tmp_path: Path) -> None:
    start = datetime(2025, 5, 13, 8, 0)
    lines = [
        f"{start + timedelta(minutes=n):%d/%m/%Y, %H:%M} - Sarah added Tom {n}\n"
        for n in range(100_000)
    ]
    path = tmp_path / "system.txt"
    path.write_text("".join(lines), encoding="utf-8")
    started = time.monotonic()
    result = stats_json(cli, path)
    assert time.monotonic() - started < 30
    assert (result["messages"], result["system_messages"], result["authors"]) == (0, 100_000, 0)
    assert result["suspect"] == 0
    assert cli("scan", str(path)).code == 0


def test_one_megabyte_line(cli: Cli, tmp_path: Path) -> None:
    long = "x" * (1 << 20) + " bloody"
    path = tmp_path / "long.txt"
    path.write_text(
        f"13/05/2025, 14:03 - Ann: hi\n13/05/2025, 14:04 - Bob: {long}\n"
        "13/05/2025, 14:05 - Cy: ok\n",
        encoding="utf-8",
    )
    assert rows(path)[1] == (2, "Bob", long)
    started = time.monotonic()
    run = cli("scan", str(path), "--format", "json")
    assert time.monotonic() - started < 60
    assert run.code == 1, run
    assert [f["line"] for f in json.loads(run.out)["findings"]] == [2]


def test_cut_off_start_parses_with_a_note(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "cut-start.txt"
    path.write_text("…and that's why I said no\nanyway\n" + CHAT, encoding="utf-8")
    run = cli("parse", str(path), "--to", "jsonl")
    assert run.code == 0
    parsed = [json.loads(line) for line in run.out.splitlines()]
    assert [(p["line"], p["author"]) for p in parsed] == [
        (3, "Ann Lee"),
        (4, "Bob Roy"),
        (5, "Cy Dunn"),
    ]
    (note,) = notes(run)
    assert "cut-start.txt" in note and "2 line(s)" in note
    warnings = stats_json(cli, path)["warnings"]
    assert isinstance(warnings, list) and any("cut at the start" in w for w in warnings)


def test_latin1_names_the_line_and_encoding(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes(CHAT.replace("☕", "").encode("latin-1"))
    for command in ("stats", "parse", "scan"):
        assert_one_line_error(cli(command, str(path)), "latin1.txt", "line 3", "--encoding")
    assert rows(path, encoding="latin-1")[2] == (
        3,
        "Cy Dunn",
        "Yes, café trip after  see you there",
    )


@pytest.mark.parametrize(
    "chat",
    [
        CHAT,
        "".join(
            f"13/05/2025, 14:{i:02d} - Νίκη Παπαδοπούλου: Καλημέρα, αύριο εκδρομή στο μουσείο {i}\n"
            for i in range(30)
        ),
        "".join(f"13/05/2025, 14:{i:02d} - Mum 🌸: {'😀' * 8} lol\n" for i in range(30)),
        "".join(f"13/05/2025, 14:{i:02d} - Mum 🌸: {'😀' * 40}\n" for i in range(30)),
    ],
    ids=["english", "greek", "emoji", "emoji-heavy"],
)
def test_utf16_le_without_bom(cli: Cli, tmp_path: Path, chat: str) -> None:
    path = tmp_path / "utf16.txt"
    path.write_bytes(chat.encode("utf-16-le"))
    assert not path.read_bytes().startswith(codecs.BOM_UTF16_LE)
    expected = rows(_write(tmp_path / "utf8.txt", chat))
    assert rows(path) == expected
    result = stats_json(cli, path)
    assert result["format"]["encoding"] == "utf-16-le"  # type: ignore[index]


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _android(n: int) -> list[tuple[str, str, str]]:
    start = datetime(2025, 5, 13, 8, 0)
    return [
        (
            f"{start + timedelta(minutes=i):%d/%m/%Y, %H:%M} - A{i}: android {i}",
            f"A{i}",
            f"android {i}",
        )
        for i in range(n)
    ]


def _android_mdy_12h(n: int) -> list[tuple[str, str, str]]:
    return [
        (f"5/{13 + i}/25, 2:{i:02d}\u202fPM - M{i}: us {i}", f"M{i}", f"us {i}") for i in range(n)
    ]


def _ios(n: int) -> list[tuple[str, str, str]]:
    return [(f"[20/05/2025, 09:{i:02d}:22] B{i}: ios {i}", f"B{i}", f"ios {i}") for i in range(n)]


@pytest.mark.parametrize(
    "parts",
    [
        pytest.param((_android(5), _ios(5)), id="android-then-ios"),
        pytest.param((_ios(5), _android(5)), id="ios-then-android"),
        pytest.param((_android_mdy_12h(5), _ios(5)), id="android-mdy-12h-then-ios-dmy"),
        pytest.param((_android(200), _ios(3)), id="three-ios-lines-after-200"),
        pytest.param((_android(2), _ios(2)), id="two-and-two"),
        pytest.param((_android(1000), _ios(4)), id="four-ios-lines-after-1000"),
    ],
)
def test_two_formats_concatenated(
    cli: Cli, tmp_path: Path, parts: tuple[list[tuple[str, str, str]], ...]
) -> None:
    lines = [line for part in parts for line in part]
    path = tmp_path / "mixed.txt"
    path.write_text("".join(f"{header}\n" for header, _, _ in lines), encoding="utf-8")
    run = cli("stats", str(path), "--format", "json")
    assert run.code == 0, run
    warnings = json.loads(run.out)["warnings"]
    mixed_said = any(re.search(r"mix|formats|joined", w, re.IGNORECASE) for w in warnings)
    got = rows(path)
    expected = [(n, author, text) for n, (_, author, text) in enumerate(lines, start=1)]
    assert got == expected or mixed_said, (got[-4:], warnings)


# --------------------------------------------------------------------------- the contract, broadly

HOSTILE: dict[str, bytes] = {
    "only-header": b"13/05/2025, 14:03 - ",
    "header-no-author": b"13/05/2025, 14:03 - : \n",
    "colon-storm": b"13/05/2025, 14:03 - a:b:c:d: : : :\n",
    "impossible-dates": b"31/02/2025, 14:03 - Ann: hi\n99/99/9999, 99:99 - Bob: x\n",
    "year-1969": b"13/05/1969, 14:03 - Ann: hi\n",
    "lone-cr": b"13/05/2025, 14:03 - Ann: hi\r13/05/2025, 14:04 - Bob: yo\r",
    "bom-only": codecs.BOM_UTF8,
    "bom16-only": codecs.BOM_UTF16_LE,
    "utf16-odd": codecs.BOM_UTF16_LE + "13/05/2025, 14:03 - A: b\n".encode("utf-16-le")[:-1],
    "overlong-utf8": b"13/05/2025, 14:03 - Ann: \xc0\xaf\n",
    "surrogate-utf8": b"13/05/2025, 14:03 - Ann: \xed\xa0\x80\n",
    "rtl-marks": "\u202e13/05/2025, 14:03 - \u200fAnn\u200e: \u2066hi\u2069\n".encode(),
    "huge-numbers": b"13/05/2025, 99999999999999999999:03 - Ann: hi\n",
    "many-colons-author": ("13/05/2025, 14:03 - " + "x:" * 5000 + " hi\n").encode(),
    "deep-brackets": b"[" * 10_000 + b"13/05/2025, 14:03:00] Ann: hi\n",
    "html-file": b"<!DOCTYPE html><html><body>13/05/2025</body></html>\n",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
@pytest.mark.parametrize("command", ["stats", "parse", "scan"])
def test_hostile_input_parses_or_fails_in_one_line(
    cli: Cli, tmp_path: Path, name: str, command: str
) -> None:
    path = tmp_path / f"{name}.txt"
    path.write_bytes(HOSTILE[name])
    run = cli(command, str(path))
    assert "Traceback" not in run.out + run.err
    if run.code == 2:
        assert_one_line_error(run, path.name)
    else:
        assert run.code in (0, 1), run
        assert all(line.startswith("chatguard: note: ") for line in run.err.splitlines()), run.err
    with contextlib.suppress(ChatguardError):
        read_chat(path)


# --------------------------------------------------------------------------- harmless output

OSC8 = "\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\"
PAYLOADS = [
    "\x1b[2J",
    OSC8,
    "\x07",
    "\x9b2J",
    "<img src=x onerror=alert(1)>",
    "=cmd|' /C calc'!A0",
    "+1+1",
    "@SUM(1)",
    "-2+3",
]


@pytest.fixture
def hostile_chat(tmp_path: Path) -> Path:
    """Every payload at the start of a flagged message, alone in a neighbour, and as an author."""
    lines = []
    for i, payload in enumerate(PAYLOADS):
        lines.append(f"13/05/2025, 14:{i:02d} - Parent {i}: {payload} this is bloody ridiculous")
        lines.append(f"13/05/2025, 14:{i:02d} - Other: {payload}")
        name = payload.replace(":", "")
        lines.append(f"13/05/2025, 15:{i:02d} - {name}: bloody hell")
    path = tmp_path / "hostile.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


RAW_CONTROLS = ("\x1b", "\x07", "\x9b")


def assert_no_raw_controls(text: str, controls: tuple[str, ...] = RAW_CONTROLS) -> None:
    for char in controls:
        assert char not in text, (char, text[max(0, text.find(char) - 60) : text.find(char) + 60])


def test_terminal_report_shows_controls_harmlessly(cli: Cli, hostile_chat: Path) -> None:
    run = cli("scan", str(hostile_chat), "--context", "1")
    assert run.code == 1
    assert_no_raw_controls(run.out + run.err)
    assert "\\x1b[2J" in run.out  # shown, made visible
    assert "<img src=x onerror=alert(1)>" in run.out  # plain text in a terminal


@pytest.mark.parametrize("args", [("parse",), ("stats",)], ids=["parse-table", "stats-text"])
def test_other_terminal_outputs_show_controls_harmlessly(
    cli: Cli, hostile_chat: Path, args: tuple[str, ...]
) -> None:
    run = cli(args[0], str(hostile_chat), *args[1:])
    assert run.code in (0, 1)
    assert_no_raw_controls(run.out + run.err)
    assert "\\x1b[2J" in run.out


@pytest.mark.parametrize(
    "args",
    [("parse", "--to", "jsonl"), ("scan", "--format", "json")],
    ids=["parse-jsonl", "scan-json"],
)
def test_json_on_the_terminal_escapes_esc_and_bel(
    cli: Cli, hostile_chat: Path, args: tuple[str, ...]
) -> None:
    """JSON keeps the exact text (so U+009B stays as it is) but escapes C0 controls."""
    run = cli(args[0], str(hostile_chat), *args[1:])
    assert run.code in (0, 1)
    assert_no_raw_controls(run.out + run.err, ("\x1b", "\x07"))


def test_check_shows_controls_harmlessly(cli: Cli) -> None:
    for payload in PAYLOADS:
        run = cli("check", "--", f"{payload} this is bloody ridiculous {payload}")
        assert run.code == 1
        assert_no_raw_controls(run.out + run.err)


@pytest.mark.parametrize("command", ["scan", "evidence"])
def test_markdown_shows_controls_harmlessly(cli: Cli, hostile_chat: Path, command: str) -> None:
    args = ("--format", "markdown") if command == "scan" else ()
    run = cli(command, str(hostile_chat), *args)
    assert run.code in (0, 1)
    assert_no_raw_controls(run.out)


UNESCAPED_TAG = re.compile(r"(?<!\\)<(img|script|b)\b", re.IGNORECASE)


def test_markdown_escapes_html(cli: Cli, hostile_chat: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    assert cli("scan", str(hostile_chat), "--format", "markdown", "-o", str(out)).code == 1
    text = out.read_text(encoding="utf-8")
    assert not UNESCAPED_TAG.search(text)
    assert "\\<img src=x onerror=alert(1)\\>" in text


def _csv_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


@pytest.mark.parametrize(
    "args",
    [("scan", "--format", "csv"), ("parse", "--to", "csv")],
    ids=["scan-csv", "parse-csv"],
)
def test_csv_has_no_formula_cells(
    cli: Cli, hostile_chat: Path, tmp_path: Path, args: tuple[str, ...]
) -> None:
    out = tmp_path / "out.csv"
    run = cli(args[0], str(hostile_chat), *args[1:], "-o", str(out))
    assert run.code in (0, 1), run
    cells = _csv_cells(out.read_text(encoding="utf-8"))
    formulas = [c for c in cells if c[:1] in {"=", "+", "-", "@", "\t", "\r"}]
    assert formulas == []
    assert "'=cmd|' /C calc'!A0 this is bloody ridiculous" in cells
    assert "'@SUM(1)" in cells  # an author named like a formula, defused too


def test_json_round_trips_the_exact_text(cli: Cli, hostile_chat: Path) -> None:
    run = cli("scan", str(hostile_chat), "--format", "json")
    findings = json.loads(run.out)["findings"]
    frame = read_chat(hostile_chat).messages
    by_line = {int(r.line): (r.author, r.text) for r in frame.itertuples()}
    assert len(findings) >= 2 * len(PAYLOADS)
    for finding in findings:
        assert (finding["author"], finding["text"]) == by_line[finding["line"]]
    texts = {f["text"] for f in findings}
    for payload in PAYLOADS:
        assert f"{payload} this is bloody ridiculous" in texts


ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "div", "h1", "h2", "h3",
    "table", "tr", "th", "td", "p", "span", "code", "section", "mark", "strong", "ul", "li",
    "figure", "figcaption", "svg", "line", "text", "rect",
}  # fmt: skip


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def test_evidence_html_is_not_executable(cli: Cli, hostile_chat: Path, tmp_path: Path) -> None:
    out = tmp_path / "pack.html"
    run = cli("evidence", str(hostile_chat), "-o", str(out), "--context", "1")
    assert run.code == 0, run
    html = out.read_text(encoding="utf-8")
    parser = _Tags()
    parser.feed(html)
    tags = {tag for tag, _ in parser.tags}
    assert tags <= ALLOWED_TAGS, tags - ALLOWED_TAGS
    for tag, attrs in parser.tags:
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name, value)
            assert name not in {"href", "src", "action", "formaction", "xlink:href"}, (tag, name)
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "default-src 'none'" in html  # and a CSP in case anything slipped through


def test_evidence_markdown_escapes_html(cli: Cli, hostile_chat: Path, tmp_path: Path) -> None:
    out = tmp_path / "pack.md"
    assert cli("evidence", str(hostile_chat), "-o", str(out)).code == 0
    text = out.read_text(encoding="utf-8")
    assert not UNESCAPED_TAG.search(text)
    assert "\\<img src=x onerror=alert(1)\\>" in text
