"""The product's main job as a library call: read exports, apply the rules, return findings.

`chatguard scan` is a thin layer over :func:`scan`; `chatguard check` over :func:`check_text`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from chatguard import __version__
from chatguard import model as m
from chatguard.engine import Progress, RuleHit, apply_rules, matched_words
from chatguard.findings import Finding, RuleInfo, ScanResult, SourceSummary
from chatguard.ignore import Review
from chatguard.matchers import Batch
from chatguard.roster import ROSTER_LISTS, Roster
from chatguard.rulefile import SEVERITIES, RuleSet, default_pack, load_rules

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class ScanOptions:
    """What to read and what to report; every field has the CLI option of the same name."""

    since: date | None = None
    until: date | None = None
    authors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    min_severity: str | None = None
    context: int = 0

    def describe(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "authors": list(self.authors),
            "categories": list(self.categories),
            "min_severity": self.min_severity,
            "context": self.context,
        }


def name_words() -> set[str]:
    """First names that are also ordinary words (from the bundled list ``name-words``)."""
    from chatguard.rulefile import load_lists

    return {w.lower() for w in load_lists([default_pack()]).get("name-words", [])}


def load_ruleset(
    roster: Roster | None = None,
    rule_dirs: Sequence[Path] = (),
    *,
    include_default: bool = True,
) -> RuleSet:
    """The default pack (unless excluded) plus a school's rule folders, with the roster lists."""
    folders = ([default_pack()] if include_default else []) + list(rule_dirs)
    lists = (roster or Roster()).word_lists(name_words())
    ruleset = load_rules(folders, extra_lists=lists)
    return ruleset


def batch_from_frame(frame: pd.DataFrame) -> Batch:
    """A matcher batch over a messages frame (text as one Arrow column, no Python copies)."""
    import pyarrow as pa

    texts = pa.Array.from_pandas(frame[m.TEXT])
    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks()
    authors = frame[m.AUTHOR].astype(object).where(frame[m.AUTHOR].notna(), None).to_numpy()
    attachments = (
        frame[m.ATTACHMENT].astype(object).where(frame[m.ATTACHMENT].notna(), None).to_numpy()
    )
    groups = frame[m.SOURCE].astype("category").cat.codes.to_numpy()
    return Batch(
        texts=texts,
        kinds=frame[m.KIND].astype(str).to_numpy(dtype=object),
        authors=authors,
        attachments=attachments,
        groups=groups,
    )


def select_messages(frame: pd.DataFrame, options: ScanOptions) -> np.ndarray:
    """Positions of the messages the rules should read, after --since/--until/--author."""
    import pandas as pd

    keep = np.ones(len(frame), dtype=bool)
    stamps = frame[m.TIMESTAMP]
    if options.since is not None:
        keep &= (stamps >= pd.Timestamp(options.since)).to_numpy()
    if options.until is not None:
        keep &= (stamps < pd.Timestamp(options.until) + pd.Timedelta(days=1)).to_numpy()
    if options.authors:
        keep &= frame[m.AUTHOR].isin(options.authors).fillna(False).to_numpy(dtype=bool)
    return np.flatnonzero(keep)


def scan_chat(
    chat: m.Chat,
    rules: RuleSet,
    options: ScanOptions | None = None,
    review: Review | None = None,
    progress: Progress | None = None,
) -> ScanResult:
    """Apply ``rules`` to a parsed chat and collect the findings."""
    from chatguard.stats import message_stats

    options = options or ScanOptions()
    frame = chat.messages
    positions = select_messages(frame, options)
    selected = rules.select(options.categories or None)
    if options.min_severity:
        floor = SEVERITIES.index(options.min_severity)
        selected.rules = [r for r in selected.rules if SEVERITIES.index(r.severity) >= floor]
    subset = frame.iloc[positions].reset_index(drop=True)
    hits = apply_rules(selected, batch_from_frame(subset), progress) if len(subset) else []
    sha_by_name = {e.source.name: e.source.sha256 for e in chat.exports}
    findings: list[Finding] = []
    dismissed = 0
    for hit in hits:
        finding = _finding(subset, hit, int(positions[hit.row]))
        if review is not None:
            decision = review.lookup(
                sha_by_name.get(finding.source, ""), finding.source, finding.line, finding.rule
            )
            if decision is not None and decision.decision == "dismissed":
                dismissed += 1
                continue
        findings.append(finding)
    sources = []
    for export in chat.exports:
        counts = message_stats(export.messages)
        sources.append(
            SourceSummary(
                path=export.source.path,
                name=export.source.name,
                sha256=export.source.sha256,
                size=export.source.size,
                messages=counts["messages"],
                system_messages=counts["system_messages"],
                authors=counts["authors"],
                first=counts["first"],
                last=counts["last"],
                format=export.format.describe(),
            )
        )
    result = ScanResult(
        version=__version__,
        sources=sources,
        findings=findings,
        rules_used=len(selected.rules),
        rules_digest=rules.digest,
        scanned=len(subset),
        dismissed=dismissed,
        warnings=list(chat.warnings),
        options=options.describe(),
        rules={
            r.id: RuleInfo(
                id=r.id,
                category=r.category,
                severity=r.severity,
                title=r.spec.title,
                policy=r.spec.policy,
                description=r.spec.description,
                for_review=r.for_review,
            )
            for r in selected.rules
        },
    )
    if options.context:
        result.context = context_for(frame, [f.row for f in findings], options.context)
    return result


def _finding(frame: pd.DataFrame, hit: RuleHit, row: int) -> Finding:
    record = frame.iloc[hit.row]
    text = str(record[m.TEXT])
    return Finding(
        source=str(record[m.SOURCE]),
        line=int(record[m.LINE]),
        timestamp=record[m.TIMESTAMP].isoformat(),
        author=str(record[m.AUTHOR]),
        category=hit.rule.category,
        rule=hit.rule.id,
        severity=hit.rule.severity,
        text=text,
        match=matched_words(text, hit.spans) or _nonverbal(hit),
        spans=hit.spans,
        row=row,
    )


def _nonverbal(hit: RuleHit) -> str:
    """What to show as the match when no words triggered it (an attachment, shouting)."""
    return "(attachment beside the message)"


def context_for(frame: pd.DataFrame, rows: list[int], n: int) -> dict[int, list[dict[str, Any]]]:
    """For each row, the ``n`` messages before and after it in the same export."""
    import pandas as pd

    out: dict[int, list[dict[str, Any]]] = {}
    sources = frame[m.SOURCE].to_numpy()
    for row in sorted(set(rows)):
        around = []
        for other in range(max(0, row - n), min(len(frame), row + n + 1)):
            if sources[other] != sources[row]:
                continue
            record = frame.iloc[other]
            author = record[m.AUTHOR]
            around.append(
                {
                    "row": other,
                    "offset": other - row,
                    "line": int(record[m.LINE]),
                    "timestamp": record[m.TIMESTAMP].isoformat(),
                    "author": None if pd.isna(author) else str(author),
                    "kind": str(record[m.KIND]),
                    "text": str(record[m.TEXT]),
                }
            )
        out[row] = around
    return out


def scan(
    paths: str | Path | Sequence[str | Path],
    *,
    rules: RuleSet | None = None,
    roster: Roster | None = None,
    options: ScanOptions | None = None,
    review: Review | None = None,
    chat: str | None = None,
    date_order: str | None = None,
    encoding: str | None = None,
) -> ScanResult:
    """Read exports and scan them with ``rules`` (default: the bundled pack + ``roster``)."""
    from chatguard.load import read_chat

    parsed = read_chat(paths, chat=chat, date_order=date_order, encoding=encoding)
    return scan_chat(parsed, rules or load_ruleset(roster), options, review)


def check_text(text: str, rules: RuleSet) -> list[RuleHit]:
    """Run the rules on one draft message (no pandas: this path must answer fast)."""
    return apply_rules(rules, Batch.of_texts([text]))


__all__ = [
    "ROSTER_LISTS",
    "ScanOptions",
    "check_text",
    "load_ruleset",
    "scan",
    "scan_chat",
]
