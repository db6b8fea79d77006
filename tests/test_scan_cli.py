"""`chatguard scan` and `check` as a user (and another tool) sees them."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Run

CHAT = """\
13/09/2025, 08:00 - Sarah Jones: Morning all, PE is on Thursday this week
13/09/2025, 08:05 - Mo Ahmed: Thanks! Is it outdoor?
13/09/2025, 08:10 - Dad 🚀: This is bloody ridiculous, nobody told us
13/09/2025, 08:12 - Sarah Jones: We drove through Scunthorpe to get here
14/09/2025, 09:00 - +44 7700 900123: =HYPERLINK("http://x") what the f*ck \x1b[2J
15/09/2025, 10:00 - Mo Ahmed: <script>alert(1)</script> | bollocks **bold**
15/09/2025, 10:01 - Sarah Jones: See you at pick-up
"""


@pytest.fixture
def chat(tmp_path: Path) -> Path:
    path = tmp_path / "WhatsApp Chat with Year 3 Parents.txt"
    path.write_text(CHAT, encoding="utf-8")
    return path


def test_exit_codes(cli: Callable[..., Run], chat: Path, tmp_path: Path) -> None:
    assert cli("scan", str(chat)).code == 1
    clean = tmp_path / "clean.txt"
    clean.write_text("13/09/2025, 08:00 - Sarah: See you at pick-up\n", encoding="utf-8")
    assert cli("scan", str(clean)).code == 0
    assert cli("scan", str(tmp_path / "missing.txt")).code == 2


def test_json_contract(cli: Callable[..., Run], chat: Path) -> None:
    run = cli("scan", str(chat), "--format", "json")
    report = json.loads(run.out)
    assert set(report) == {"chatguard", "sources", "findings"}
    (source,) = report["sources"]
    assert set(source) == {
        "path",
        "sha256",
        "messages",
        "system_messages",
        "authors",
        "first",
        "last",
    }
    assert source["sha256"] == hashlib.sha256(chat.read_bytes()).hexdigest()
    assert (source["messages"], source["system_messages"], source["authors"]) == (7, 0, 4)
    assert (source["first"], source["last"]) == ("2025-09-13T08:00:00", "2025-09-15T10:01:00")
    fields = {
        "source",
        "line",
        "timestamp",
        "author",
        "category",
        "rule",
        "severity",
        "text",
        "match",
    }
    assert all(set(f) == fields for f in report["findings"])
    swearing = [(f["line"], f["match"]) for f in report["findings"] if f["category"] == "swearing"]
    assert swearing == [(3, "bloody"), (5, "f*ck"), (6, "bollocks")]
    first = report["findings"][0]
    assert first["timestamp"] == "2025-09-13T08:10:00"
    assert first["author"] == "Dad 🚀"
    assert first["severity"] in {"low", "medium", "high"}


def test_one_finding_per_message_and_rule(cli: Callable[..., Run], chat: Path) -> None:
    report = json.loads(cli("scan", str(chat), "--format", "json").out)
    keys = [(f["line"], f["rule"]) for f in report["findings"]]
    assert len(keys) == len(set(keys))


def test_filters(cli: Callable[..., Run], chat: Path) -> None:
    def lines(*args: str) -> list[int]:
        report = json.loads(cli("scan", str(chat), "--format", "json", *args).out)
        return sorted({f["line"] for f in report["findings"]})

    assert lines("--since", "2025-09-14") == [5, 6]
    assert lines("--until", "2025-09-13") == [3]
    assert lines("--author", "Mo Ahmed") == [6]
    assert lines("--author", "Mo Ahmed", "--author", "Dad 🚀") == [3, 6]
    assert lines("--category", "discrimination") == []


def test_bad_filter_values(cli: Callable[..., Run], chat: Path) -> None:
    run = cli("scan", str(chat), "--since", "13/09/2025")
    assert run.code == 2 and "YYYY-MM-DD" in run.err
    run = cli("scan", str(chat), "--category", "swaering")
    assert run.code == 2 and "unknown category" in run.err


def test_csv_is_safe_for_spreadsheets(cli: Callable[..., Run], chat: Path) -> None:
    run = cli("scan", str(chat), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(run.out)))
    texts = [r["text"] for r in rows]
    assert any(t.startswith("'=HYPERLINK") for t in texts)
    assert not any(t.startswith(("=", "+", "-", "@")) for t in texts)
    assert set(rows[0]) == {
        "source",
        "line",
        "timestamp",
        "author",
        "category",
        "rule",
        "severity",
        "text",
        "match",
    }


def test_markdown_escapes_message_text(cli: Callable[..., Run], chat: Path) -> None:
    run = cli("scan", str(chat), "--format", "markdown")
    assert "<script>" not in run.out
    assert "\\<script\\>" in run.out
    assert "\\| bollocks \\*\\*bold\\*\\*" in run.out
    assert "| Line | Time |" in run.out


def test_terminal_report_is_plain_and_harmless(cli: Callable[..., Run], chat: Path) -> None:
    run = cli("scan", str(chat), "--context", "1")
    assert "\x1b" not in run.out  # not a terminal: no colour, and the ESC in a message is shown
    assert "\\x1b[2J" in run.out
    assert "line 3" in run.out and "Dad 🚀" in run.out
    assert "Displays of anger including swearing" in run.out  # the policy line
    assert "Morning all" not in run.out  # context 1 around line 3 is lines 2 and 4
    assert "Thanks! Is it outdoor?" in run.out
    assert "Findings by category" in run.out


def test_output_file_owner_only_and_not_overwritten(
    cli: Callable[..., Run], chat: Path, tmp_path: Path
) -> None:
    target = tmp_path / "findings.json"
    assert cli("scan", str(chat), "--format", "json", "-o", str(target)).code == 1
    assert target.stat().st_mode & 0o777 == 0o600
    again = cli("scan", str(chat), "--format", "json", "-o", str(target))
    assert again.code == 2 and "--force" in again.err


def test_ignore_file_dismisses_reviewed_findings(
    cli: Callable[..., Run], chat: Path, tmp_path: Path
) -> None:
    sha = hashlib.sha256(chat.read_bytes()).hexdigest()
    before = json.loads(cli("scan", str(chat), "--format", "json").out)["findings"]
    (rule,) = [f["rule"] for f in before if f["line"] == 3 and f["category"] == "swearing"]
    review = tmp_path / "review.yaml"
    review.write_text(
        "chatguard-review: 1\ndecisions:\n"
        f"  - {{source: {sha}, line: 3, rule: {rule}, decision: dismissed,"
        " reason: quoting, who: DSL}\n",
        encoding="utf-8",
    )
    run = cli("scan", str(chat), "--ignore", str(review))
    assert "1 dismissed on review" in run.out
    report = json.loads(cli("scan", str(chat), "--format", "json", "--ignore", str(review)).out)
    assert 3 not in {f["line"] for f in report["findings"] if f["rule"] == rule}


def test_check_a_draft(cli: Callable[..., Run]) -> None:
    run = cli("check", "Mrs Patel is bloody useless")
    assert run.code == 1
    assert "swearing (swearing." in run.out and "bloody" in run.out
    assert cli("check", "See you at pick-up!").code == 0
    assert cli("check", "-", input="what the f*ck\n").code == 1


def test_every_command_has_examples_in_help(cli: Callable[..., Run]) -> None:
    for command in (["scan"], ["check"], ["parse"], ["stats"], ["rules", "eval"]):
        run = cli(*command, "--help")
        assert run.code == 0
        assert "Example" in run.out, command
