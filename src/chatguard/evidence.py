"""The evidence summary SLT put on the table when they meet a parent, and file afterwards.

It states what was written and which rule it matched; it never labels a person. It carries what
anyone needs to reproduce it from the same file (the export's SHA-256, the rule set's hash, the
options), redacts uninvolved children and parents on request, and lists only findings a person
confirmed when a review file is given (otherwise every page says "unreviewed draft").

The same input and options give a byte-identical document apart from the generation time.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chatguard import __version__
from chatguard import model as m
from chatguard.findings import Finding, ScanResult, category_label
from chatguard.ignore import Review
from chatguard.policy import Section, appendix, policy_text
from chatguard.redact import Redactor, names_in
from chatguard.roster import Roster

TIME_NOTE = (
    "Times are as shown on the phone that exported the chat; WhatsApp exports carry no time zone."
)
NEUTRAL_NOTE = (
    "This summary records what was written and which rule of the code of conduct it matched. "
    "It does not judge any person. Findings marked \u201cfor review\u201d need a person's "
    "judgement."
)


@dataclass
class EvidenceOptions:
    """Everything that shapes the document (recorded in it, so it can be reproduced)."""

    concerns: list[str] = field(default_factory=list)
    since: dt.date | None = None
    until: dt.date | None = None
    redact_children: bool = False
    redact_others: bool = False
    context: int = 2
    school: str | None = None
    include_unconfirmed: bool = False
    command: str = ""


@dataclass
class EvidenceDocument:
    """The document's content, ready for a template (HTML or Markdown)."""

    data: dict[str, Any]


def _period(options: EvidenceOptions, result: ScanResult) -> str:
    first = options.since.isoformat() if options.since else None
    last = options.until.isoformat() if options.until else None
    firsts = [s.first for s in result.sources if s.first]
    lasts = [s.last for s in result.sources if s.last]
    first = first or (min(firsts)[:10] if firsts else "?")
    last = last or (max(lasts)[:10] if lasts else "?")
    return f"{first} to {last}"


def _chart(findings: list[Finding]) -> dict[str, Any]:
    """Flagged messages per week (or per month over long spans) as bars of an inline SVG."""
    if not findings:
        return {"bars": [], "width": 0, "height": 0, "max": 0}
    days = sorted(dt.date.fromisoformat(f.timestamp[:10]) for f in findings)
    span = (days[-1] - days[0]).days
    by_month = span > 26 * 7

    def bucket(day: dt.date) -> dt.date:
        if by_month:
            return day.replace(day=1)
        return day - dt.timedelta(days=day.weekday())

    counts = Counter(bucket(d) for d in days)
    start, end = bucket(days[0]), bucket(days[-1])
    buckets: list[dt.date] = []
    cursor = start
    while cursor <= end:
        buckets.append(cursor)
        if by_month:
            cursor = (cursor.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        else:
            cursor += dt.timedelta(days=7)
    peak = max(counts.values())
    bar_w, gap, height = 28, 8, 120
    bars = []
    for i, day in enumerate(buckets):
        n = counts.get(day, 0)
        h = round(height * n / peak) if peak else 0
        bars.append(
            {
                "x": 40 + i * (bar_w + gap),
                "y": 10 + height - h,
                "w": bar_w,
                "h": h,
                "n": n,
                "label": day.strftime("%b %Y") if by_month else day.strftime("%d %b"),
            }
        )
    return {
        "bars": bars,
        "width": 40 + len(buckets) * (bar_w + gap) + 10,
        "height": height + 60,
        "max": peak,
        "base": 10 + height,
        "unit": "month" if by_month else "week (from Monday)",
    }


def build_document(
    chat: m.Chat,
    result: ScanResult,
    options: EvidenceOptions,
    *,
    review: Review | None = None,
    roster: Roster | None = None,
    policy_path: Path | None = None,
    generated_at: dt.datetime | None = None,
) -> EvidenceDocument:
    """Gather the content of the summary (redacted as asked) from a scan's result."""
    generated_at = generated_at or dt.datetime.now().replace(microsecond=0)
    sha_by_name = {e.source.name: e.source.sha256 for e in chat.exports}

    chosen: list[tuple[Finding, Any]] = []
    dismissed = unreviewed = 0
    for finding in sorted(result.findings, key=lambda f: (f.timestamp, f.source, f.line, f.rule)):
        decision = None
        if review is not None:
            decision = review.lookup(
                sha_by_name.get(finding.source, ""), finding.source, finding.line, finding.rule
            )
            if decision is None:
                unreviewed += 1
                if not options.include_unconfirmed:
                    continue
            elif decision.decision == "dismissed":
                dismissed += 1
                continue
        chosen.append((finding, decision))
    dismissed += result.dismissed

    authors_in_order = [
        a for a in chat.messages[m.AUTHOR].dropna().drop_duplicates().tolist() if isinstance(a, str)
    ]
    detected = sorted(
        {
            name
            for finding, _ in chosen
            if finding.category == "child-naming"
            for name in names_in(finding.match)
        }
    )
    redactor = Redactor.build(
        children=options.redact_children,
        others=options.redact_others,
        pupils=list(roster.pupils) if roster else [],
        detected_children=detected,
        authors_in_order=authors_in_order,
        concerned=options.concerns,
    )

    entries: list[dict[str, Any]] = []
    for finding, decision in chosen:
        info = result.rules.get(finding.rule)
        context = result.context.get(finding.row, [])
        entries.append(
            {
                "timestamp": finding.timestamp.replace("T", " "),
                "author": redactor.author(finding.author),
                "label": category_label(finding.category, bool(info and info.for_review)),
                "category": finding.category,
                "rule": finding.rule,
                "title": info.title if info else finding.rule,
                "policy": info.policy if info else "",
                "severity": finding.severity,
                "source": finding.source,
                "line": finding.line,
                "pieces": redactor.spans_text(finding.text, finding.spans),
                "match": redactor.text(finding.match),
                "before": [_context(c, redactor) for c in context if c["offset"] < 0],
                "after": [_context(c, redactor) for c in context if c["offset"] > 0],
                "review": decision.as_dict() if decision is not None else None,
            }
        )

    per_category = Counter(e["label"] for e in entries)
    per_author = Counter(e["author"] for e in entries)
    reviewers = sorted({e["review"]["who"] for e in entries if e["review"] and e["review"]["who"]})
    review_times = sorted(
        e["review"]["when"] for e in entries if e["review"] and e["review"]["when"]
    )
    groups = sorted({e.source.group for e in chat.exports if e.source.group})
    data = {
        "title": "WhatsApp group: evidence summary",
        "school": options.school,
        "group": ", ".join(groups) or ", ".join(sorted(s.name for s in result.sources)),
        "concerns": [redactor.author(a) for a in options.concerns] or ["all members of the group"],
        "period": _period(options, result),
        "generated": generated_at.isoformat(sep=" "),
        "version": __version__,
        "rules_digest": result.rules_digest,
        "rules_used": result.rules_used,
        "reviewed": review is not None,
        "draft": review is None,
        "reviewers": reviewers,
        "review_period": (f"{review_times[0]} to {review_times[-1]}" if review_times else None),
        "review_file": str(review.path) if review is not None and review.path else None,
        "dismissed": dismissed,
        "unreviewed": unreviewed,
        "sources": [
            {
                "name": s.name,
                "size": s.size,
                "sha256": s.sha256,
                "messages": s.messages,
                "system_messages": s.system_messages,
                "first": (s.first or "").replace("T", " "),
                "last": (s.last or "").replace("T", " "),
                "format": s.format,
            }
            for s in result.sources
        ],
        "options": _options_used(options),
        "per_category": sorted(per_category.items(), key=lambda kv: (-kv[1], kv[0])),
        "per_author": sorted(per_author.items(), key=lambda kv: (-kv[1], kv[0])),
        "chart": _chart([f for f, _ in chosen]),
        "findings": entries,
        "appendix": [_section(s) for s in appendix(policy_text(policy_path))],
        "time_note": TIME_NOTE,
        "neutral_note": NEUTRAL_NOTE,
        "warnings": [redactor.text(w) for w in result.warnings],
    }
    return EvidenceDocument(data)


def _context(item: dict[str, Any], redactor: Redactor) -> dict[str, Any]:
    return {
        "timestamp": item["timestamp"].replace("T", " "),
        "author": redactor.author(item["author"]),
        "text": redactor.text(item["text"]),
        "line": item["line"],
    }


def _section(section: Section) -> dict[str, Any]:
    items: list[dict[str, Any]] = []
    for paragraph in section.paragraphs:
        if paragraph.startswith("- "):
            if not items or items[-1]["kind"] != "list":
                items.append({"kind": "list", "items": []})
            items[-1]["items"].append(paragraph[2:])
        else:
            items.append({"kind": "p", "text": paragraph})
    return {"title": section.title, "items": items}


def _options_used(options: EvidenceOptions) -> list[tuple[str, str]]:
    used = [
        ("concerns", ", ".join(options.concerns) if options.concerns else "everyone"),
        ("since", options.since.isoformat() if options.since else "start of export"),
        ("until", options.until.isoformat() if options.until else "end of export"),
        (
            "redaction",
            ", ".join(
                n
                for n, on in (
                    ("children", options.redact_children),
                    ("others", options.redact_others),
                )
                if on
            )
            or "none",
        ),
        ("context", f"{options.context} message(s) either side"),
    ]
    if options.command:
        used.append(("command", options.command))
    return used


def render(document: EvidenceDocument, fmt: str) -> str:
    """The document as HTML (print-ready) or Markdown."""
    from chatguard.templating import environment

    if fmt == "html":
        return environment().get_template("evidence.html.j2").render(**document.data)
    return environment(markdown=True).get_template("evidence.md.j2").render(**document.data)
