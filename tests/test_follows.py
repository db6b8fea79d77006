"""`follows:` — a reply about a child identified a message or three before is flagged too."""

from __future__ import annotations

from pathlib import Path

import pytest

from chatguard import read_chat
from chatguard.errors import ChatguardError
from chatguard.rulefile import load_rules
from chatguard.scan import ScanOptions, load_ruleset, scan_chat

THREAD = """\
12/03/2025, 15:01 - Amy: that boy in Oak with the red coat keeps hitting the others
12/03/2025, 15:02 - Ben: yeah him, he kicks off every single day and nothing happens
12/03/2025, 15:03 - Cat: is it non-uniform on Friday?
12/03/2025, 15:09 - Dee: Lovely assembly today
12/03/2025, 15:10 - Eve: Lovely assembly today
12/03/2025, 15:11 - Fay: Lovely assembly today
12/03/2025, 15:12 - Gus: yeah him, he kicks off every single day
"""


def _scan(tmp_path: Path, **options: object) -> set[tuple[int, str]]:
    path = tmp_path / "WhatsApp Chat with Oak.txt"
    path.write_text(THREAD, encoding="utf-8")
    result = scan_chat(read_chat(path), load_ruleset(), ScanOptions(**options))  # type: ignore[arg-type]
    return {(f.line, f.rule) for f in result.findings}


def test_a_reply_about_the_child_just_described_is_flagged(tmp_path: Path) -> None:
    found = _scan(tmp_path)
    assert (1, "child-naming.described-child-issue") in found
    assert (2, "child-naming.follow-up") in found
    assert not any(line == 3 for line, _ in found)


def test_the_thread_is_over_after_three_messages(tmp_path: Path) -> None:
    assert not any(line == 7 for line, _ in _scan(tmp_path))


def test_scanning_other_categories_only_does_not_break(tmp_path: Path) -> None:
    assert not any(
        rule.startswith("child-naming") for _, rule in _scan(tmp_path, categories=["abuse"])
    )


def _pack(tmp_path: Path, follows: str) -> Path:
    (tmp_path / "abuse").mkdir()
    base = 'category: abuse\nseverity: low\ntitle: t\npolicy: "p"\ndescription: d\n'
    (tmp_path / "abuse" / "a.yaml").write_text(
        f"id: abuse.first\n{base}match:\n  words: [idiot]\n", encoding="utf-8"
    )
    (tmp_path / "abuse" / "b.yaml").write_text(
        f"id: abuse.second\n{base}match:\n  follows: [{follows}]\n", encoding="utf-8"
    )
    return tmp_path


def test_following_a_rule_that_does_not_exist_names_the_file_and_a_close_id(
    tmp_path: Path,
) -> None:
    with pytest.raises(ChatguardError) as caught:
        load_rules([_pack(tmp_path, "abuse.frist")])
    assert "b.yaml" in str(caught.value) and "abuse.first" in (caught.value.hint or "")


def test_a_rule_cannot_follow_a_rule_that_follows(tmp_path: Path) -> None:
    with pytest.raises(ChatguardError) as caught:
        load_rules([_pack(tmp_path, "abuse.second")])
    assert "itself follows" in str(caught.value)
