"""Findings: one per (message, rule), a plain record every reporter reads.

Reporters are pure functions of a :class:`ScanResult`; nothing here formats for a screen.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

Span = tuple[int, int]


@dataclass(frozen=True)
class Finding:
    """A message that matched a rule."""

    source: str
    line: int
    timestamp: str
    """ISO 8601, as written on the exporting phone (no time zone)."""
    author: str
    category: str
    rule: str
    severity: str
    text: str
    match: str
    """The words that triggered the rule, joined with " … "."""
    spans: tuple[Span, ...] = ()
    row: int = -1
    """Position of the message in the scanned messages table (for context)."""

    def as_contract(self) -> dict[str, Any]:
        """The JSON fields other tools rely on (see CHANGELOG before changing)."""
        return {
            "source": self.source,
            "line": self.line,
            "timestamp": self.timestamp,
            "author": self.author,
            "category": self.category,
            "rule": self.rule,
            "severity": self.severity,
            "text": self.text,
            "match": self.match,
        }


@dataclass(frozen=True)
class SourceSummary:
    """One scanned export, counted as `chatguard stats` counts."""

    path: str
    name: str
    sha256: str
    size: int
    messages: int
    system_messages: int
    authors: int
    first: str | None
    last: str | None
    format: str

    def as_contract(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "sha256": self.sha256,
            "messages": self.messages,
            "system_messages": self.system_messages,
            "authors": self.authors,
            "first": self.first,
            "last": self.last,
        }


@dataclass(frozen=True)
class RuleInfo:
    """What a report says about a rule: its title and the policy sentence it enforces."""

    id: str
    category: str
    severity: str
    title: str
    policy: str
    description: str
    for_review: bool


def category_label(category: str, for_review: bool) -> str:
    """How a report names a finding's category; judgement calls are worded for review."""
    words = category.replace("-", " ")
    return f"possible {words}, for review" if for_review else words


@dataclass
class ScanResult:
    """Everything a report shows: the sources, the findings, and how they were produced."""

    version: str
    sources: list[SourceSummary]
    findings: list[Finding]
    rules_used: int
    rules_digest: str
    scanned: int
    """Messages the rules read (after --since/--until/--author)."""
    dismissed: int = 0
    warnings: list[str] = field(default_factory=list)
    context: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    """For each finding's row: neighbouring messages, when --context asked for them."""
    options: dict[str, Any] = field(default_factory=dict)
    rules: dict[str, RuleInfo] = field(default_factory=dict)
    """The rules behind the findings, by id."""

    def label(self, finding: Finding) -> str:
        info = self.rules.get(finding.rule)
        return category_label(finding.category, bool(info and info.for_review))

    def per_category(self) -> dict[str, int]:
        return dict(Counter(f.category for f in self.findings).most_common())

    def per_author(self) -> dict[str, int]:
        return dict(Counter(f.author for f in self.findings).most_common())

    def as_contract(self) -> dict[str, Any]:
        return {
            "chatguard": self.version,
            "sources": [s.as_contract() for s in self.sources],
            "findings": [f.as_contract() for f in self.findings],
        }
