"""`chatguard evidence` and `chatguard review`: the document SLT put on the table."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Run

CHAT = """\
13/09/2025, 08:00 - Sarah Jones: Morning all, PE is on Thursday this week
13/09/2025, 08:05 - Mo Ahmed: Jack Taylor was lovely at the party, thanks Sarah
13/09/2025, 08:10 - Jo Bloggs: This is bloody ridiculous, nobody told us
13/09/2025, 08:12 - +44 7700 900123: Ring me on +44 7700 900456 about Jack's jumper
14/09/2025, 09:00 - Jo Bloggs: <script>alert("x")</script> what the f*ck is Grace Okafor doing
14/09/2025, 09:05 - Mo Ahmed: Calm down Jo, Grace's mum is lovely
15/09/2025, 10:01 - Sarah Jones: See you at pick-up
"""
ROSTER = (
    'pupils: ["Jack Taylor", "Grace Okafor"]\n'
    'staff:\n  - {name: "Mrs Anita Patel", role: "Year 3 teacher"}\n'
)


@pytest.fixture
def chat(tmp_path: Path) -> Path:
    path = tmp_path / "WhatsApp Chat with Year 3 Parents.txt"
    path.write_text(CHAT, encoding="utf-8")
    return path


@pytest.fixture
def roster(tmp_path: Path) -> Path:
    path = tmp_path / "roster.yaml"
    path.write_text(ROSTER, encoding="utf-8")
    return path


def evidence(cli: Callable[..., Run], chat: Path, out: Path, *args: str) -> str:
    run = cli("evidence", str(chat), "-o", str(out), *args)
    assert run.code == 0, run.err
    return out.read_text(encoding="utf-8")


def test_every_section_is_present(cli: Callable[..., Run], chat: Path, tmp_path: Path) -> None:
    html = evidence(cli, chat, tmp_path / "pack.html", "--author", "Jo Bloggs")
    for needle in (
        "evidence summary",  # header
        "Year 3 Parents",  # the group, from the export's name
        "Concerning",
        "Jo Bloggs",
        "Period",
        "chatguard 0.1.0",
        "rule set",
        "Integrity",
        hashlib.sha256(chat.read_bytes()).hexdigest(),
        "bytes",
        "Option: command",
        "Summary",
        "<svg",  # the chart, inline
        "Findings in time order",
        "<mark>bloody</mark>",
        "Displays of anger including swearing",  # the policy line
        'class="context"',
        "Appendix: the code of conduct",
        "Sending a cautionary notice to the parent.",  # the school's options
        "no time zone",
        "UNREVIEWED DRAFT",
    ):
        assert needle in html, needle
    assert "http://" not in html and "https://" not in html  # nothing to load from a network
    assert "<script" not in html.lower()


def test_message_html_is_shown_as_text(cli: Callable[..., Run], chat: Path, tmp_path: Path) -> None:
    html = evidence(cli, chat, tmp_path / "pack.html")
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "<script>" not in html


def test_redaction_leaves_no_name_or_number(
    cli: Callable[..., Run], chat: Path, roster: Path, tmp_path: Path
) -> None:
    for suffix in ("html", "md"):
        out = evidence(
            cli,
            chat,
            tmp_path / f"pack.{suffix}",
            "--author",
            "Jo Bloggs",
            "--redact",
            "children,others",
            "--roster",
            str(roster),
        )
        for secret in (
            "Jack",
            "Taylor",
            "Grace",
            "Okafor",
            "Sarah",
            "Jones",
            "Mo Ahmed",
            "7700",
            "900123",
            "900456",
        ):
            assert secret not in out, (suffix, secret)
        assert "Jo Bloggs" in out
        assert "Child A" in out or "Child B" in out
        assert "Parent A" in out


def test_same_child_keeps_one_label(
    cli: Callable[..., Run], chat: Path, roster: Path, tmp_path: Path
) -> None:
    md = evidence(
        cli,
        chat,
        tmp_path / "pack.md",
        "--author",
        "Jo Bloggs",
        "--redact",
        "children",
        "--roster",
        str(roster),
        "--context",
        "1",
    )
    # "Grace Okafor" in the message and "Grace's" in the context are the same child.
    labels = set(re.findall(r"Child [A-Z]", md))
    grace = re.search(r"is (Child [A-Z]) doing", md)
    assert grace is not None
    assert f"{grace.group(1)}'s mum" in md
    assert len(labels) <= 2


def test_same_input_gives_the_same_document(
    cli: Callable[..., Run], chat: Path, tmp_path: Path
) -> None:
    first = evidence(cli, chat, tmp_path / "a.html", "--redact", "children")
    second = evidence(cli, chat, tmp_path / "b.html", "--redact", "children")

    def stable(text: str) -> str:
        text = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d by chatguard", "TIME by chatguard", text)
        text = re.sub(r"generated \d{4}-\d\d-\d\d \d\d:\d\d:\d\d", "generated TIME", text)
        return text.replace("a.html", "OUT").replace("b.html", "OUT")

    assert stable(first) == stable(second)


def test_markdown_reads_as_a_document(cli: Callable[..., Run], chat: Path, tmp_path: Path) -> None:
    md = evidence(cli, chat, tmp_path / "pack.md")
    assert md.startswith("# WhatsApp group: evidence summary\n")
    assert "\n## Integrity\n" in md and "\n## Findings in time order\n" in md
    assert "**bloody**" in md
    assert "\\<script\\>" in md  # escaped, shown as text by a Markdown renderer
    assert "\n| Category | Findings |\n|---|---:|\n" in md


def test_output_is_owner_only_and_never_overwritten(
    cli: Callable[..., Run], chat: Path, tmp_path: Path
) -> None:
    out = tmp_path / "pack.html"
    evidence(cli, chat, out)
    assert out.stat().st_mode & 0o777 == 0o600
    again = cli("evidence", str(chat), "-o", str(out))
    assert again.code == 2 and "--force" in again.err
    assert cli("evidence", str(chat), "-o", str(out), "--force").code == 0


def test_input_errors(cli: Callable[..., Run], chat: Path, tmp_path: Path) -> None:
    assert cli("evidence", str(chat), "-o", str(tmp_path / "x.docx")).code == 2
    assert cli("evidence", str(chat), "--redact", "everyone").code == 2
    assert cli("evidence", str(chat), "--redact", "others").code == 2  # needs --author


def test_review_then_evidence_lists_confirmed_only(
    cli: Callable[..., Run], chat: Path, tmp_path: Path
) -> None:
    review = tmp_path / "review.yaml"
    # Findings in order: line 3 (bloody), line 5 (f*ck): confirm the first, dismiss the second.
    run = cli(
        "review",
        str(chat),
        "-o",
        str(review),
        "--reviewer",
        "J. Smith (DSL)",
        input="c\nd\n\nquoting another chat\n",
    )
    assert run.code == 0, run.err
    assert review.stat().st_mode & 0o777 == 0o600
    saved = review.read_text(encoding="utf-8")
    assert "decision: confirmed" in saved and "decision: dismissed" in saved
    assert "quoting another chat" in saved
    html = evidence(cli, chat, tmp_path / "pack.html", "--review", str(review))
    assert "UNREVIEWED DRAFT" not in html
    assert "reviewed and confirmed by a person (J. Smith (DSL))" in html
    assert "1 finding(s) were dismissed on review" in html
    assert html.count('<section class="finding">') == 1
    assert "<strong>Matched:</strong> bloody" in html
    assert "<strong>Matched:</strong> f*ck" not in html
    scanned = cli("scan", str(chat), "--ignore", str(review))
    assert "1 dismissed on review" in scanned.out


def test_review_keeps_earlier_decisions(
    cli: Callable[..., Run], chat: Path, tmp_path: Path
) -> None:
    review = tmp_path / "review.yaml"
    cli("review", str(chat), "-o", str(review), "--reviewer", "A", input="c\nq\n")
    cli("review", str(chat), "-o", str(review), "--reviewer", "B", input="c\nq\n")
    saved = review.read_text(encoding="utf-8")
    assert saved.count("decision: confirmed") == 2
    assert "who: A" in saved and "who: B" in saved


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def test_pdf_prints_in_a_real_browser(
    cli: Callable[..., Run], chat: Path, roster: Path, tmp_path: Path
) -> None:
    browser = _chromium()
    if browser is None or shutil.which("pdftotext") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the PDF test: .ci/run installs chromium and poppler-utils")
        pytest.skip(
            "needs Debian's chromium and poppler-utils (apt-get install chromium poppler-utils)"
        )
    out = tmp_path / "pack.pdf"
    run = cli(
        "evidence",
        str(chat),
        "-o",
        str(out),
        "--author",
        "Jo Bloggs",
        "--redact",
        "children,others",
        "--roster",
        str(roster),
    )
    assert run.code == 0, run.err
    assert out.read_bytes().startswith(b"%PDF")
    assert out.stat().st_mode & 0o777 == 0o600
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "evidence summary" in text
    assert "bloody" in text and "Jo Bloggs" in text
    assert "UNREVIEWED DRAFT" in text
    for secret in ("Jack", "Grace", "Okafor", "Sarah", "Mo Ahmed", "7700"):
        assert secret not in text, secret


def test_pdf_without_a_browser_says_what_to_do(
    cli: Callable[..., Run], chat: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    run = cli("evidence", str(chat), "-o", str(tmp_path / "pack.pdf"))
    assert run.code == 2
    assert "no Chromium, Chrome or Edge" in run.err and "pack.html" in run.err
    assert not (tmp_path / "pack.pdf").exists()
