"""Hostile rule files and rosters: wrong shapes, deep nesting, slow patterns, alias bombs.

A school writes its own rules and roster, so these files are input like any export: a mistake
is one line naming the file (and line and field), exit 2; a rule that loads works exactly, and
no rule file can hang a scan or crash it with a traceback.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import regex

from chatguard import read_chat
from chatguard.errors import ChatguardError
from chatguard.rulefile import load_rules
from chatguard.scan import ScanOptions, load_ruleset, scan_chat
from tests.conftest import Run
from tests.test_cli_input_errors import assert_one_line_error

Cli = Callable[..., Run]

HEAD = """\
id: swearing.hostile
category: swearing
severity: low
title: Hostile
policy: "Displays of anger including swearing or using offensive language."
description: A rule written to hurt.
"""


def rule_dir(
    tmp_path: Path, text: str, name: str = "hostile.yaml", category: str = "swearing"
) -> tuple[Path, Path]:
    folder = tmp_path / "rules"
    (folder / category).mkdir(parents=True, exist_ok=True)
    path = folder / category / name
    path.write_text(text, encoding="utf-8")
    return folder, path


def refused(folder: Path) -> str:
    with pytest.raises(ChatguardError) as caught:
        load_rules([folder])
    return caught.value.one_line()


def run_isolated(code: str, timeout: float) -> subprocess.CompletedProcess[str] | None:
    """Run ``code`` in a fresh interpreter; None if it did not finish in ``timeout`` seconds."""
    try:
        return subprocess.run(
            [sys.executable, "-c", textwrap.dedent(code)],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None


# --------------------------------------------------------------------------- not a rule at all

NOT_A_MAPPING = {
    "text": "just some words\n",
    "list": "- id: swearing.x\n- category: swearing\n",
    "number": "42\n",
    "empty": "",
    "null": "~\n",
    "binary": "!!binary aGVsbG8=\n",
    "nested-lists": "[[[[[]]]]]\n",
    "complex-key": "? [a, b]\n: c\n",
    "tabs": "id:\tswearing.x\n\tcategory: swearing\n",
    "python-tag": "!!python/object/apply:os.system ['touch PWNED']\n",
    "two-documents": HEAD + "match: {words: [x]}\n---\n" + HEAD,
}


@pytest.mark.parametrize("name", sorted(NOT_A_MAPPING))
def test_yaml_that_is_not_a_rule(cli: Cli, tmp_path: Path, name: str) -> None:
    pwned = tmp_path / "pwned"
    folder, path = rule_dir(tmp_path, NOT_A_MAPPING[name].replace("PWNED", str(pwned)))
    assert refused(folder).startswith(f"{path}")
    assert_one_line_error(cli("rules", "validate", str(folder)), str(path))
    assert_one_line_error(cli("scan", "--rules", str(folder), str(_chat(tmp_path))), str(path))
    assert not pwned.exists()  # YAML tags never run code


def _chat(tmp_path: Path, lines: list[str] | None = None) -> Path:
    path = tmp_path / "chat.txt"
    body = lines or ["13/05/2025, 14:03 - Ann: oh blast", "13/05/2025, 14:04 - Bob: fine"]
    path.write_text("\n".join(body) + "\n", encoding="utf-8")
    return path


WRONG_SHAPES = {
    "match-list": ("match:\n  - words: [blast]\n", "match"),
    "examples-list": ("match: {words: [blast]}\nexamples: [oh blast]\n", "examples"),
    "unless-mapping": ("match: {words: [blast]}\nunless: {words: [x]}\n", "unless"),
    "any-mapping": ("match:\n  any: {words: [blast]}\n", "match.any"),
    "near-one": ("match:\n  near: [{words: [a]}]\n", "match.near"),
    "not-list": ("match:\n  not: [{words: [a]}]\n", "match.not"),
    "applies-mapping": ("match: {words: [blast]}\napplies_to: {text: true}\n", "applies_to"),
    "exceptions-mapping": ("match: {words: [blast]}\nexceptions: {a: b}\n", "exceptions"),
    "words-mapping": ("match:\n  words: {blast: 1}\n", "match.words"),
    "words-nested": ("match:\n  words: [[blast]]\n", "match.words[0]"),
    "id-list": ("match: {words: [blast]}\n", "id"),
    "severity-number": ("match: {words: [blast]}\n", "severity"),
}


@pytest.mark.parametrize("name", sorted(WRONG_SHAPES))
def test_wrong_shape_names_file_line_and_field(cli: Cli, tmp_path: Path, name: str) -> None:
    tail, field = WRONG_SHAPES[name]
    head = HEAD
    if name == "id-list":
        head = head.replace("id: swearing.hostile", "id: [swearing.hostile]")
    if name == "severity-number":
        head = head.replace("severity: low", "severity: 3")
    folder, path = rule_dir(tmp_path, head + tail)
    message = refused(folder)
    assert message.startswith(f"{path}:"), message
    assert f": {field}" in message, message
    assert_one_line_error(cli("rules", "validate", str(folder)), str(path), field)


# --------------------------------------------------------------------------- deep nesting


def _nested(kind: str, depth: int) -> str:
    matcher = "{words: [blast]}"
    for level in range(depth):
        if kind == "not":
            matcher = f"{{not: {matcher}}}"
        else:
            matcher = f"{{{'any' if level % 2 else 'all'}: [{matcher}]}}"
    return matcher


@pytest.mark.parametrize(
    ("kind", "depth"),
    [
        ("any-all", 50),
        ("any-all", 100),
        ("any-all", 300),
        ("any-all", 500),
        ("not", 100),
        ("not", 900),
    ],
)
def test_deep_nesting(cli: Cli, tmp_path: Path, kind: str, depth: int) -> None:
    folder, path = rule_dir(tmp_path, HEAD + f"match: {_nested(kind, depth)}\n")
    try:
        rules = load_rules([folder])
    except ChatguardError as exc:
        assert exc.one_line().startswith(f"{path}:")
    else:
        from chatguard.engine import apply_rule
        from chatguard.matchers import Batch

        hits = apply_rule(rules.rules[0], Batch.of_texts(["oh blast", "a blaster", "fine"]))
        negated = kind == "not" and depth % 2 == 1
        assert [h.row for h in hits] == ([1, 2] if negated else [0])
    run = cli("rules", "validate", str(folder))
    assert "Traceback" not in run.out + run.err
    if run.code == 2:
        assert_one_line_error(run, str(path))
    else:
        assert run.code == 0


# --------------------------------------------------------------------------- YAML aliases


@pytest.mark.parametrize("where", ["rule", "roster"])
def test_recursive_alias(cli: Cli, tmp_path: Path, where: str) -> None:
    chat = _chat(tmp_path)
    if where == "rule":
        folder, path = rule_dir(tmp_path, HEAD + "match: {words: [blast]}\nexceptions: &a [*a]\n")
        run = cli("scan", str(chat), "--rules", str(folder))
    else:
        path = tmp_path / "roster.yaml"
        path.write_text("pupils: &a [*a]\n", encoding="utf-8")
        run = cli("scan", str(chat), "--roster", str(path))
    assert_one_line_error(run, str(path))


def _alias_bomb(levels: int) -> str:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, levels):
        refs = ", ".join([f"*a{level - 1}"] * 10)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("where", ["rule", "roster"])
def test_alias_bomb_is_refused_quickly(tmp_path: Path, where: str) -> None:
    if where == "rule":
        folder, path = rule_dir(tmp_path, HEAD + "match: {words: [blast]}\n" + _alias_bomb(7))
        call = f"from chatguard.rulefile import load_rules; load_rules([Path({str(folder)!r})])"
    else:
        path = tmp_path / "roster.yaml"
        path.write_text("pupils: [Jack Taylor]\n" + _alias_bomb(7), encoding="utf-8")
        call = f"from chatguard.roster import load_roster; load_roster(Path({str(path)!r}))"
    done = run_isolated(
        f"""
        from pathlib import Path
        from chatguard.errors import ChatguardError
        try:
            {call}
        except ChatguardError as exc:
            print("refused:", exc.one_line())
        """,
        timeout=5,
    )
    assert done is not None, "still loading after 5 s"
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"refused: {path}")


# --------------------------------------------------------------------------- patterns


def test_catastrophic_pattern_is_stopped_and_named(cli: Cli, tmp_path: Path) -> None:
    folder, _ = rule_dir(tmp_path, HEAD + "match:\n  pattern: '(a+)+$'\n")
    chat = _chat(
        tmp_path,
        [
            "13/05/2025, 14:03 - Ann: hi",
            "13/05/2025, 14:04 - Bob: " + "a" * 100_000 + "b",
            "13/05/2025, 14:05 - Cy: ok",
        ],
    )
    started = time.monotonic()
    run = cli("scan", str(chat), "--rules", str(folder))
    assert time.monotonic() - started < 30
    assert_one_line_error(run, "swearing.hostile", "stopped")


def _truth(pattern: str, texts: list[str], case_sensitive: bool = False) -> list[int]:
    flags = 0 if case_sensitive else regex.IGNORECASE
    return [
        i for i, t in enumerate(texts) if any(m.group() for m in regex.finditer(pattern, t, flags))
    ]


#: Patterns Python's regex module reads and RE2 (the whole-column prefilter) reads otherwise or
#: not at all: each must still match exactly (the prefilter steps aside or is translated).
RE2_ONLY_IN_PYTHON = [
    "(?<!not )bloody",
    "(?<=very )bloody",
    r"(\w)\1{2}",
    "(?>bl)oody",
    "blo++dy",
    "bloody(?= hell)",
    r"bloody\Z",
    "(?x) blo+dy  # a comment",
    "bloody(?#a comment)",
    "blo{,2}dy",
    r"bloody\sidiot",
]


def _pattern_cases() -> list[object]:
    cases: list[object] = []
    for pattern in RE2_ONLY_IN_PYTHON:
        for size in (10, 2500):  # under 2,000 messages the RE2 prefilter does not run
            cases.append(pytest.param(pattern, size, id=f"{pattern}-{size}"))
    return cases


@pytest.mark.parametrize(("pattern", "size"), _pattern_cases())
def test_python_only_patterns_work_exactly(tmp_path: Path, pattern: str, size: int) -> None:
    samples = [
        "that is bloody awful",
        "not bloody again",
        "very bloody indeed",
        "aaa sorted",
        "blooody hell",
        "bloody hell",
        "bloody",
        "bloody\u2028idiot",
        "bloody\x85idiot",
        "bloody\x0bidiot",
        "blody nice",
        "bldy",
    ]
    lines = [
        f"{13 + i // 1440:02d}/05/2025, {i // 60 % 24:02d}:{i % 60:02d} - P{i % 7}: "
        + samples[i % len(samples)]
        for i in range(size)
    ]
    folder, _ = rule_dir(tmp_path, HEAD + f"match:\n  pattern: {json.dumps(pattern)}\n")
    chat = read_chat(_chat(tmp_path, lines))
    result = scan_chat(chat, load_ruleset(rule_dirs=[folder], include_default=False), ScanOptions())
    flagged = sorted(f.row for f in result.findings)
    assert flagged == _truth(pattern, list(chat.messages["text"]))
    assert flagged  # the samples do hold matches


# --------------------------------------------------------------------------- odd files and values


def test_rule_file_not_in_utf8(cli: Cli, tmp_path: Path) -> None:
    folder, path = rule_dir(tmp_path, "")
    path.write_bytes((HEAD + "match: {words: [café]}\n").encode("cp1252"))
    assert_one_line_error(cli("rules", "validate", str(folder)), str(path), "UTF-8")


def test_folder_named_like_a_rule(cli: Cli, tmp_path: Path) -> None:
    folder, _ = rule_dir(tmp_path, HEAD + "match: {words: [blast]}\n")
    (folder / "swearing" / "drafts.yaml").mkdir()
    run = cli("rules", "validate", str(folder))
    assert run.code in (0, 2)
    if run.code == 2:
        assert_one_line_error(run, "drafts.yaml")


@pytest.mark.parametrize(
    "tail",
    ['match: {words: [blast]}\n"bad\\nkey": 1\n', 'match: {words: ["@no\\nlist"]}\n'],
    ids=["key", "list-name"],
)
def test_line_breaks_in_names_keep_the_error_on_one_line(
    cli: Cli, tmp_path: Path, tail: str
) -> None:
    folder, path = rule_dir(tmp_path, HEAD + tail)
    assert_one_line_error(cli("rules", "validate", str(folder)), str(path))


@pytest.mark.parametrize(
    ("matcher", "field"),
    [
        ("near: [{words: [blast]}, {words: [it]}]\n  within: -1", "match.within"),
        ("attachment: image\n  within: -1", "match.within"),
        ("shouting: true\n  min_letters: 0", "match.min_letters"),
        ("shouting: true\n  min_letters: -5", "match.min_letters"),
    ],
    ids=["near-negative", "attachment-negative", "shouting-zero", "shouting-negative"],
)
def test_nonsense_numbers_are_refused(tmp_path: Path, matcher: str, field: str) -> None:
    folder, path = rule_dir(tmp_path, HEAD + f"match:\n  {matcher}\n")
    message = refused(folder)
    assert message.startswith(f"{path}:") and field in message


def test_huge_attachment_window_does_not_hang(tmp_path: Path) -> None:
    folder, _ = rule_dir(
        tmp_path,
        HEAD.replace("swearing", "private-email").replace(
            "private-email.hostile", "private-email.x"
        )
        + "match:\n  attachment: image\n  within: 1000000000\n",
    )
    (folder / "swearing").rename(folder / "private-email")
    chat = _chat(
        tmp_path,
        ["13/05/2025, 14:03 - Ann: see this email", "13/05/2025, 14:04 - Ann: <Media omitted>"],
    )
    done = run_isolated(
        f"""
        from pathlib import Path
        from chatguard.errors import ChatguardError
        from chatguard.scan import scan, load_ruleset
        try:
            rules = load_ruleset(rule_dirs=[Path({str(folder)!r})], include_default=False)
            print(len(scan({str(chat)!r}, rules=rules).findings))
        except ChatguardError as exc:
            print("refused:", exc.one_line())
        """,
        timeout=5,
    )
    assert done is not None, "still scanning two messages after 5 s"
    assert done.returncode == 0, done.stderr


# --------------------------------------------------------------------------- labels (rules eval)


def test_labels_not_in_utf8(cli: Cli, tmp_path: Path) -> None:
    chat = _chat(tmp_path)
    labels = tmp_path / "labels.csv"
    labels.write_bytes(
        "file,line,author,categories,excerpt\nchat.txt,1,Zoë,swearing,oh blast\n".encode("cp1252")
    )
    assert_one_line_error(cli("rules", "eval", str(labels), str(chat)), "labels.csv")


# --------------------------------------------------------------------------- roster


def test_missing_roster(cli: Cli, tmp_path: Path) -> None:
    missing = tmp_path / "nope" / "roster.yaml"
    for command in ("scan", "check"):
        args = (str(_chat(tmp_path)),) if command == "scan" else ("hello",)
        run = cli(command, *args, "--roster", str(missing))
        assert_one_line_error(run, str(missing), "--roster")


ROSTER_SHAPES = {
    "top-level-list": ("- Will Smith\n- Grace Hall\n", ":1:"),
    "top-level-text": ("Will Smith, Grace Hall\n", ":1:"),
    "pupils-string": ("pupils: Will Smith\n", ":1: pupils"),
    "pupils-mapping": ("pupils: {Will: Smith}\n", ":1: pupils"),
    "pupils-numbers": ("pupils: [1, 2]\n", ":1: pupils[0]"),
    "pupils-nested": ("pupils:\n  - [Will, Smith]\n", ":2: pupils[0]"),
    "staff-numbers": ("staff:\n  - 3\n  - 4\n", ":2: staff[0]"),
    "staff-name-number": ("staff:\n  - {name: 5}\n", ":2: staff[0]"),
    "staff-mapping": ("staff: {name: Mrs Patel}\n", ":1: staff"),
    "staff-role-list": ("staff:\n  - {name: Mrs Patel, role: [teacher]}\n", ":2: staff[0].role"),
    "staff-unknown-field": ("staff:\n  - {name: Mrs Patel, email: x@y}\n", ":2: staff[0].email"),
    "unknown-key": ("pupils: []\nteachers: []\n", ":2: teachers"),
    "duplicate-key": ("pupils: [A]\npupils: [B]\n", ":2:"),
    "invalid-yaml": ("pupils: [Will\n", ":"),
}


@pytest.mark.parametrize("name", sorted(ROSTER_SHAPES))
def test_roster_of_the_wrong_shape(cli: Cli, tmp_path: Path, name: str) -> None:
    text, where = ROSTER_SHAPES[name]
    roster = tmp_path / "roster.yaml"
    roster.write_text(text, encoding="utf-8")
    run = cli("scan", str(_chat(tmp_path)), "--roster", str(roster))
    assert_one_line_error(run, f"{roster}{where}")
    assert_one_line_error(cli("check", "hello", "--roster", str(roster)), str(roster))


def test_blank_staff_name_is_refused(cli: Cli, tmp_path: Path) -> None:
    roster = tmp_path / "roster.yaml"
    roster.write_text("staff:\n  - {name: '  ', role: Head}\n", encoding="utf-8")
    assert_one_line_error(cli("check", "hello", "--roster", str(roster)), f"{roster}:2")


ORDINARY = [
    "Will you bring the cakes on Friday?",
    "will you bring a packed lunch tomorrow",
    "Will do!",
    "Will do, thanks x",
    "mark my words, it'll rain for sports day",
    "Mark my words the trip will be fun",
    "I'll mark it on the calendar",
    "by the grace of god we made it on time",
    "By the grace of the office the trip is back on",
    "Prices rose again at the uniform shop",
    "prices rose by a pound this year",
    "The rose bushes by the gate look lovely",
    "Can someone mark the register for the cake sale?",
    "Grace period for the trip money is Friday",
    "We will be late, sorry",
    "Who will collect the lost property?",
    "Rose gold water bottle found at pickup",
    "I will check with the office. Will let you know",
    "The bell rang early today, will they fix it?",
    "will someone remind me about PE",
]


def test_names_that_are_words_do_not_flood(cli: Cli, tmp_path: Path) -> None:
    roster = tmp_path / "roster.yaml"
    roster.write_text(
        'pupils: ["Will Smith", "Grace Hall", "Mark Jones", "Rose Bell"]\n', encoding="utf-8"
    )
    authors = ["Sarah Jones", "Mo Ahmed", "Priya", "Dad 🚀"]
    lines = [
        f"{13 + i // 100:02d}/05/2025, {8 + i % 100 // 10:02d}:{i % 10 * 5:02d} - "
        f"{authors[i % 4]}: {ORDINARY[i % len(ORDINARY)]}"
        for i in range(200)
    ]
    run = cli("scan", str(_chat(tmp_path, lines)), "--roster", str(roster), "--format", "json")
    assert run.code in (0, 1), run
    report = json.loads(run.out)
    assert report["sources"][0]["messages"] == 200
    naming = [f for f in report["findings"] if f["category"] == "child-naming"]
    assert naming == []
    # The roster is in force: the same names used about a child are found.
    flagged = cli(
        "check", "Mark Jones is a bully and Will Smith hit my son", "--roster", str(roster)
    )
    assert flagged.code == 1 and "child-naming" in flagged.out
