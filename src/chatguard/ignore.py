"""Reviewed decisions about findings: what a school dismissed (and why), or confirmed.

Chat text cannot carry inline suppressions (we do not control what parents write), so a school
keeps its reviewed list in a file::

    chatguard-review: 1
    decisions:
      - source: 3f1c…            # SHA-256 of the export, or its file name
        line: 12
        rule: swearing.profanity
        decision: dismissed      # or confirmed
        reason: "quoting the panto title"
        who: "J. Smith (DSL)"
        when: "2025-10-02T09:30:00"

`scan --ignore FILE` leaves dismissed findings out and counts them; `evidence` lists confirmed
ones. `chatguard review` writes this file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chatguard.errors import ChatguardError
from chatguard.yamlpos import load_yaml, where

DECISIONS = ("dismissed", "confirmed")


@dataclass(frozen=True)
class Decision:
    source: str
    line: int
    rule: str
    decision: str
    reason: str = ""
    who: str = ""
    when: str = ""

    def key(self) -> tuple[str, int, str]:
        return (self.source, self.line, self.rule)

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "line": self.line,
            "rule": self.rule,
            "decision": self.decision,
            "reason": self.reason,
            "who": self.who,
            "when": self.when,
        }


@dataclass
class Review:
    decisions: list[Decision]
    path: Path | None = None
    _indexed: tuple[list[Decision], dict[tuple[str, int, str], Decision]] | None = field(
        default=None, repr=False, compare=False
    )

    def lookup(self, sha256: str, name: str, line: int, rule: str) -> Decision | None:
        index = self._index()
        for source in (sha256, name):
            found = index.get((source, line, rule))
            if found is not None:
                return found
        return None

    def _index(self) -> dict[tuple[str, int, str], Decision]:
        """Decisions by key, built once per list (recording a decision replaces the list)."""
        if self._indexed is None or self._indexed[0] is not self.decisions:
            self._indexed = (self.decisions, {d.key(): d for d in self.decisions})
        return self._indexed[1]


def load_review(path: Path) -> Review:
    """Read a review/ignore file; mistakes name the file, line and field."""
    if not path.is_file():
        raise ChatguardError(f"{path}: no such review file", hint="check the --ignore path")
    data, lines = load_yaml(path)
    if data is None:
        return Review([], path)
    if not isinstance(data, dict) or not isinstance(data.get("decisions", []), list):
        raise ChatguardError(f"{path}:1: expected a mapping with a list under decisions:")
    decisions = []
    for i, entry in enumerate(data.get("decisions") or []):
        at = ("decisions", i)
        if not isinstance(entry, dict):
            raise ChatguardError(f"{where(path, lines, at)}: expected a mapping")
        for key in ("source", "line", "rule"):
            if key not in entry:
                raise ChatguardError(f"{where(path, lines, at)}: {key} is missing")
        unknown = [
            k
            for k in entry
            if k not in {"source", "line", "rule", "decision", "reason", "who", "when"}
        ]
        if unknown:
            raise ChatguardError(f"{where(path, lines, (*at, str(unknown[0])))}: unknown field")
        if not isinstance(entry["line"], int) or isinstance(entry["line"], bool):
            raise ChatguardError(f"{where(path, lines, (*at, 'line'))}: expected a line number")
        decision = str(entry.get("decision", "dismissed"))
        if decision not in DECISIONS:
            raise ChatguardError(
                f"{where(path, lines, (*at, 'decision'))}: expected dismissed or confirmed"
            )
        decisions.append(
            Decision(
                source=str(entry["source"]),
                line=int(entry["line"]),
                rule=str(entry["rule"]),
                decision=decision,
                reason=str(entry.get("reason", "") or ""),
                who=str(entry.get("who", "") or ""),
                when=str(entry.get("when", "") or ""),
            )
        )
    return Review(decisions, path)
