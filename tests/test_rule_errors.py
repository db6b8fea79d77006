"""A broken rule file is reported as `file:line: field: what is wrong`, exit 2, no traceback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from chatguard.engine import apply_rule
from chatguard.errors import ChatguardError
from chatguard.matchers import Batch
from chatguard.rulefile import load_rules
from tests.conftest import Run

GOOD = """\
id: swearing.test
category: swearing
severity: low
title: Test
policy: "Displays of anger including swearing or using offensive language."
description: A test rule.
match:
  words: [blast]
examples:
  match: ["oh blast"]
  ok: ["a blaster"]
"""


def write_rule(folder: Path, text: str, name: str = "test.yaml") -> Path:
    (folder / "swearing").mkdir(parents=True, exist_ok=True)
    path = folder / "swearing" / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(folder: Path) -> str:
    with pytest.raises(ChatguardError) as caught:
        load_rules([folder])
    return caught.value.one_line()


def test_good_rule_loads(tmp_path: Path) -> None:
    write_rule(tmp_path, GOOD)
    assert [r.id for r in load_rules([tmp_path]).rules] == ["swearing.test"]


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    path = write_rule(tmp_path, GOOD.replace("words: [blast]", "words: [blast"))
    assert error_of(tmp_path).startswith(f"{path}:")
    assert "invalid YAML" in error_of(tmp_path)


def test_wrong_type_names_file_line_and_field(tmp_path: Path) -> None:
    path = write_rule(tmp_path, GOOD.replace("words: [blast]", "words: 3"))
    assert error_of(tmp_path) == f"{path}:8: match.words: expected a list of words"


def test_unknown_field_suggests_the_closest(tmp_path: Path) -> None:
    path = write_rule(tmp_path, GOOD.replace("severity: low", "severty: low"))
    message = error_of(tmp_path)
    assert message.startswith(f"{path}:3: severty: unknown field (did you mean severity?)")


def test_unknown_matcher_option_suggests_the_closest(tmp_path: Path) -> None:
    path = write_rule(
        tmp_path, GOOD.replace("  words: [blast]", "  words: [blast]\n  disgised: true")
    )
    assert error_of(tmp_path).startswith(
        f"{path}:9: match.disgised: unknown option (did you mean disguised?)"
    )


def test_unknown_matcher_kind(tmp_path: Path) -> None:
    path = write_rule(tmp_path, GOOD.replace("  words: [blast]", "  wrds: [blast]"))
    assert error_of(tmp_path).startswith(f"{path}:8: match.wrds: unknown matcher kind")


def test_duplicate_ids(tmp_path: Path) -> None:
    write_rule(tmp_path, GOOD, "a.yaml")
    path = write_rule(tmp_path, GOOD, "b.yaml")
    message = error_of(tmp_path)
    assert "duplicate rule id 'swearing.test'" in message
    assert str(path) in message


def test_empty_word_list(tmp_path: Path) -> None:
    path = write_rule(tmp_path, GOOD.replace("words: [blast]", "words: []"))
    assert error_of(tmp_path) == f"{path}:8: match.words: the list is empty"


def test_unknown_list(tmp_path: Path) -> None:
    path = write_rule(tmp_path, GOOD.replace("words: [blast]", "words: ['@swaers']"))
    assert error_of(tmp_path).startswith(f"{path}:8: match.words[0]: no word list named @swaers")


def test_unknown_category(tmp_path: Path) -> None:
    write_rule(tmp_path, GOOD.replace("category: swearing", "category: swaering"))
    assert "did you mean swearing?" in error_of(tmp_path)


def test_missing_field(tmp_path: Path) -> None:
    path = write_rule(tmp_path, GOOD.replace("title: Test\n", ""))
    assert error_of(tmp_path) == f"{path}:1: title: required field is missing"


def test_invalid_regex(tmp_path: Path) -> None:
    path = write_rule(tmp_path, GOOD.replace("  words: [blast]", "  pattern: 'bl(ast'"))
    assert error_of(tmp_path).startswith(f"{path}:8: match.pattern: not a valid regular expression")


def test_catastrophic_regex_is_stopped_and_named(tmp_path: Path) -> None:
    write_rule(tmp_path, GOOD.replace("  words: [blast]", "  pattern: '(a|aa)+$'"))
    rule = load_rules([tmp_path]).rules[0]
    with pytest.raises(ChatguardError) as caught:
        apply_rule(rule, Batch.of_texts(["a" * 5000 + "b"]))
    assert "swearing.test" in caught.value.one_line()
    assert "stopped" in caught.value.one_line()


def test_cli_reports_a_bad_rule_in_one_line(cli: Callable[..., Run], tmp_path: Path) -> None:
    path = write_rule(tmp_path, GOOD.replace("words: [blast]", "words: 3"))
    run = cli("rules", "validate", str(tmp_path))
    assert run.code == 2
    assert run.err.strip() == f"chatguard: error: {path}:8: match.words: expected a list of words"
    assert "Traceback" not in run.out + run.err


def test_rules_test_reports_failing_examples(cli: Callable[..., Run], tmp_path: Path) -> None:
    write_rule(tmp_path, GOOD.replace('ok: ["a blaster"]', 'ok: ["blast it"]'))
    run = cli("rules", "test", str(tmp_path))
    assert run.code == 1
    assert "swearing.test: should not flag: 'blast it'" in run.err
    assert "1 passed, 1 failed" in run.out


def test_shared_matcher_is_used_by_name(tmp_path: Path) -> None:
    (tmp_path / "matchers").mkdir()
    (tmp_path / "matchers" / "staff-reference.yaml").write_text(
        "description: a member of staff\nmatch:\n  pattern: '\\b(?:Mr|Mrs) [A-Z][a-z]+'\n"
        "  case_sensitive: true\n",
        encoding="utf-8",
    )
    write_rule(
        tmp_path,
        GOOD.replace(
            "  words: [blast]",
            "  near:\n    - use: staff-reference\n    - words: [useless]\n  within: 3",
        )
        .replace('match: ["oh blast"]', 'match: ["Mrs Patel is useless"]')
        .replace('ok: ["a blaster"]', 'ok: ["the printer is useless"]'),
    )
    rule = load_rules([tmp_path]).rules[0]
    hits = apply_rule(rule, Batch.of_texts(["Mrs Patel is useless", "the printer is useless"]))
    assert [h.row for h in hits] == [0]


def test_unknown_shared_matcher(tmp_path: Path) -> None:
    (tmp_path / "matchers").mkdir()
    (tmp_path / "matchers" / "staff-reference.yaml").write_text(
        "match:\n  words: [teacher]\n", encoding="utf-8"
    )
    path = write_rule(tmp_path, GOOD.replace("  words: [blast]", "  use: staff-refrence"))
    assert error_of(tmp_path).startswith(
        f"{path}:8: match.use: no shared matcher named 'staff-refrence' "
        "(did you mean staff-reference?)"
    )


def test_shared_matcher_that_uses_itself(tmp_path: Path) -> None:
    (tmp_path / "matchers").mkdir()
    (tmp_path / "matchers" / "loop.yaml").write_text("match:\n  use: loop\n", encoding="utf-8")
    write_rule(tmp_path, GOOD.replace("  words: [blast]", "  use: loop"))
    assert "uses itself" in error_of(tmp_path)
