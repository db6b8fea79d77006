"""Redaction for evidence packs: stable labels for children and uninvolved parents.

`--redact children` replaces every pupil's name (from the roster, and names the child-naming
rules found in the messages) with "Child A", "Child B" …; the same child keeps one label through
the document, whether written "Jack", "Jack Taylor" or "Jack's". `--redact others` replaces every
author other than the people the pack concerns with "Parent A", "Parent B" …, wherever the name
appears (author column, message text, context, summary), and masks phone numbers.

Labels are assigned in a fixed order (order of first appearance in the chat, then by name), so
the same input and options always give the same document.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from dataclasses import dataclass, field

_PHONE = re.compile(r"(?<![\w+])\+?\d[\d ()\-\u00a0\u202f]{6,}\d(?!\w)")
#: Capitalised words that are not names, when picking names out of child-naming matches.
_NOT_NAMES = frozenset(
    """My Our His Her Their Your The That This These Those A An In Year Class Reception Nursery
    Mr Mrs Ms Miss Dr Sir Boy Girl Son Daughter Kid Child Children Lad Little Big I He She They We
    You It Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April
    May June July August September October November December Mum Dad Mummy Daddy Nan Grandma
    Grandad Today Tomorrow Yesterday School Head Teacher TA PE PTA SEN SENCO Why What Who When
    Where How And But Or So If Just Also Again Still Yet Keeps Kept Has Had Is Was Ok Okay
    """.split()  # noqa: SIM905 (a word list reads better as text)
)


def _labels(prefix: str) -> Iterable[str]:
    """Child A … Child Z, Child AA …: as many as needed, always in the same order."""
    letters = string.ascii_uppercase
    for width in range(1, 4):
        if width == 1:
            for a in letters:
                yield f"{prefix} {a}"
        else:
            for a in letters:
                for b in letters:
                    yield f"{prefix} {a}{b}"


@dataclass
class Redactor:
    """Replace names by stable labels in any text of the document."""

    children: bool = False
    others: bool = False
    child_names: dict[str, str] = field(default_factory=dict)
    """Every spelling of a child's name -> that child's label."""
    author_names: dict[str, str] = field(default_factory=dict)
    """Every spelling of an uninvolved author's name -> their label."""
    _pattern: re.Pattern[str] | None = None

    @classmethod
    def build(
        cls,
        *,
        children: bool,
        others: bool,
        pupils: list[str],
        detected_children: list[str],
        authors_in_order: list[str],
        concerned: list[str],
    ) -> Redactor:
        """Assign labels: pupils (roster order, then names found in messages), then authors."""
        redactor = cls(children=children, others=others)
        if children:
            child_labels = iter(_labels("Child"))
            by_first: dict[str, str] = {}
            for full in [*pupils, *sorted(set(detected_children) - set(pupils))]:
                parts = full.split()
                if not parts:
                    continue
                first = parts[0]
                label = by_first.get(first) or next(child_labels)
                by_first[first] = label
                redactor.child_names[full] = label
                redactor.child_names[first] = label
        if others:
            parent_labels = iter(_labels("Parent"))
            keep = set(concerned)
            for author in authors_in_order:
                if author in keep or author in redactor.author_names:
                    continue
                label = next(parent_labels)
                redactor.author_names[author] = label
                tokens = [t for t in re.split(r"[\s~]+", author) if t]
                # A first name alone ("thanks Sarah") names the parent too.
                if tokens and tokens[0][:1].isupper() and len(tokens[0]) >= 3:
                    redactor.author_names.setdefault(tokens[0], label)
        redactor._compile()
        return redactor

    def _compile(self) -> None:
        names = {**self.child_names, **self.author_names}
        if not names:
            self._pattern = None
            return
        alternatives = "|".join(re.escape(n) for n in sorted(names, key=lambda n: (-len(n), n)))
        self._pattern = re.compile(rf"(?<![\w@])(?:{alternatives})(?!\w)")

    @property
    def active(self) -> bool:
        return self.children or self.others

    def text(self, value: str) -> str:
        """``value`` with every name replaced by its label (and phone numbers masked)."""
        if not self.active:
            return value
        names = {**self.child_names, **self.author_names}
        if self._pattern is not None:
            value = self._pattern.sub(lambda m: names[m.group()], value)
        if self.others:
            value = _PHONE.sub("[number removed]", value)
        return value

    def author(self, name: str | None) -> str:
        """An author as the document shows them."""
        if name is None:
            return "WhatsApp"
        if self.others and name in self.author_names:
            return self.author_names[name]
        return self.text(name) if self.children else name

    def spans_text(self, text: str, spans: tuple[tuple[int, int], ...]) -> list[tuple[str, bool]]:
        """The message cut into (piece, matched) runs, each piece redacted on its own."""
        pieces: list[tuple[str, bool]] = []
        cursor = 0
        for start, end in sorted(spans):
            if start < cursor:
                continue
            if start > cursor:
                pieces.append((self.text(text[cursor:start]), False))
            pieces.append((self.text(text[start:end]), True))
            cursor = end
        if cursor < len(text):
            pieces.append((self.text(text[cursor:]), False))
        return pieces


def names_in(matched: str) -> list[str]:
    """Capitalised words in a child-naming match that look like a name ("my son Jack" -> Jack)."""
    return [w for w in re.findall(r"\b[A-Z][a-z]{1,20}\b", matched) if w not in _NOT_NAMES]
