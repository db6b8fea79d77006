"""`chatguard.yaml` in the current folder saves typing; mistakes in it are one line, exit 2."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Run

CHAT = """\
13/09/2025, 08:00 - Sarah Jones: Morning all, PE is on Thursday this week
13/09/2025, 08:10 - Dad: This is bloody ridiculous, nobody told us
13/09/2025, 08:12 - Sarah Jones: oh blast, forgot the cakes
"""

OWN_RULE = """\
id: swearing.school-words
category: swearing
severity: low
title: Words this school asked us to flag
policy: "Displays of anger including swearing or using offensive language."
description: A school's own rule, added beside the default pack.
match:
  words: [blast]
examples:
  match: ["oh blast"]
  ok: ["a blaster"]
"""


@pytest.fixture
def school(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "chat.txt").write_text(CHAT, encoding="utf-8")
    (tmp_path / "our-rules" / "swearing").mkdir(parents=True)
    (tmp_path / "our-rules" / "swearing" / "school-words.yaml").write_text(OWN_RULE, "utf-8")
    (tmp_path / "roster.yaml").write_text('pupils: ["Jack Taylor"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_settings_apply_without_options(cli: Callable[..., Run], school: Path) -> None:
    sha = hashlib.sha256((school / "chat.txt").read_bytes()).hexdigest()
    (school / "review.yaml").write_text(
        f"decisions:\n  - {{source: {sha}, line: 2, rule: swearing.mild, decision: dismissed, "
        "reason: test}\n",
        encoding="utf-8",
    )
    (school / "chatguard.yaml").write_text(
        "school: Dingle Community Primary\nroster: roster.yaml\nrules: [our-rules]\n"
        "ignore: review.yaml\n",
        encoding="utf-8",
    )
    report = json.loads(cli("scan", "chat.txt", "--format", "json").out)
    rules = {(f["line"], f["rule"]) for f in report["findings"]}
    assert (3, "swearing.school-words") in rules  # the school's own rule
    assert (2, "swearing.mild") not in rules  # dismissed in the review file
    html = cli("evidence", "chat.txt", "-o", "pack.html")
    assert html.code == 0
    assert "Dingle Community Primary" in (school / "pack.html").read_text(encoding="utf-8")


def test_a_mistake_in_the_settings_is_one_line(cli: Callable[..., Run], school: Path) -> None:
    (school / "chatguard.yaml").write_text("roster: roster.yaml\nrosta: x\n", encoding="utf-8")
    run = cli("scan", "chat.txt")
    assert run.code == 2
    assert run.err.strip() == (
        f"chatguard: error: {school / 'chatguard.yaml'}:2: rosta: unknown setting "
        "(did you mean roster?)"
    )


def test_missing_roster_named_in_settings(cli: Callable[..., Run], school: Path) -> None:
    (school / "chatguard.yaml").write_text("roster: nowhere.yaml\n", encoding="utf-8")
    run = cli("scan", "chat.txt")
    assert run.code == 2
    assert "nowhere.yaml: no such roster file" in run.err


def test_no_color_and_forced_color(
    cli: Callable[..., Run], school: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    coloured = cli("scan", "chat.txt").out
    assert "\x1b[" in coloured
    monkeypatch.setenv("NO_COLOR", "1")
    plain = cli("scan", "chat.txt").out
    colour = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-8]|9[0-7]|4[0-8])[;m]")
    assert colour.search(coloured)
    assert not colour.search(plain)
