"""The school's roster of pupils and staff, turned into word lists that rules can use.

Shape (YAML)::

    pupils: ["Jack Taylor", "Grace Okafor"]
    staff:
      - {name: "Mrs Anita Patel", role: "Year 3 teacher"}

Pupils are matched by full name and first name (a possessive, ``Jack's``, matches too). A first
name that is also an ordinary word (Grace, Will, Rose, Mark …, the list ``name-words`` in the rule
pack) goes to a separate list that rules match only when written as a name: with a capital and
not at the start of a sentence, or possessive. Staff match by full name, title and surname
(``Mrs Patel``, ``Mrs. Patel``), and the words of their role (``Year 3 teacher``).

Rules use the lists as ``@roster-pupils``, ``@roster-pupil-words``, ``@roster-staff`` and
``@roster-surnames``; without a roster they are empty and match nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chatguard.errors import ChatguardError
from chatguard.yamlpos import load_yaml, where

TITLES = ("Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Sir", "Madam", "Mme")
ROSTER_LISTS = ("roster-pupils", "roster-pupil-words", "roster-staff", "roster-surnames")


@dataclass(frozen=True)
class StaffMember:
    name: str
    role: str | None = None


@dataclass
class Roster:
    """Pupils' and staff members' names, as the school wrote them."""

    pupils: list[str] = field(default_factory=list)
    staff: list[StaffMember] = field(default_factory=list)
    path: Path | None = None

    def word_lists(self, name_words: set[str]) -> dict[str, list[str]]:
        """The roster's names as the lists rules refer to."""
        pupils: set[str] = set()
        pupil_words: set[str] = set()
        for full in self.pupils:
            parts = full.split()
            pupils.add(full)
            if parts:
                first = parts[0]
                (pupil_words if first.lower() in name_words else pupils).add(first)
        staff: set[str] = set()
        surnames: set[str] = set()
        for member in self.staff:
            parts = member.name.replace(".", "").split()
            title = parts[0] if parts and parts[0] in TITLES else None
            names = parts[1:] if title else parts
            staff.add(member.name)
            if names:
                surname = names[-1]
                surnames.add(surname)
                staff.add(" ".join(names))
                for t in [title] if title else list(TITLES):
                    staff.add(f"{t} {surname}")
                    staff.add(f"{t}. {surname}")
                    staff.add(f"{t} {names[0][0]}")  # "Mrs P"
            if member.role:
                staff.add(member.role)
        return {
            "roster-pupils": sorted(pupils),
            "roster-pupil-words": sorted(pupil_words),
            "roster-staff": sorted(staff),
            "roster-surnames": sorted(surnames),
        }


def load_roster(path: Path) -> Roster:
    """Read and check a roster file; every mistake names the file, line and field."""
    if not path.is_file():
        raise ChatguardError(
            f"{path}: no such roster file", hint="give --roster the path of roster.yaml"
        )
    data, lines = load_yaml(path)
    if not isinstance(data, dict):
        raise ChatguardError(
            f"{path}:1: a roster is a mapping with pupils: and staff:",
            hint="see README, section Roster",
        )
    for key in data:
        if key not in {"pupils", "staff", "school"}:
            raise ChatguardError(
                f"{where(path, lines, (str(key),))}: unknown field (pupils, staff)"
            )
    pupils = _names(data.get("pupils") or [], path, lines, ("pupils",))
    staff: list[StaffMember] = []
    raw_staff: Any = data.get("staff") or []
    if not isinstance(raw_staff, list):
        raise ChatguardError(f"{where(path, lines, ('staff',))}: expected a list")
    for i, entry in enumerate(raw_staff):
        at = ("staff", i)
        if isinstance(entry, str) and entry.strip():
            staff.append(StaffMember(entry.strip()))
            continue
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("name"), str)
            or not entry["name"].strip()
        ):
            raise ChatguardError(
                f"{where(path, lines, at)}: expected {{name: ..., role: ...}} or a name"
            )
        unknown = [k for k in entry if k not in {"name", "role"}]
        if unknown:
            raise ChatguardError(f"{where(path, lines, (*at, str(unknown[0])))}: unknown field")
        role = entry.get("role")
        if role is not None and not isinstance(role, str):
            raise ChatguardError(f"{where(path, lines, (*at, 'role'))}: expected text")
        staff.append(StaffMember(entry["name"].strip(), role.strip() if role else None))
    return Roster(pupils, staff, path)


def _names(value: Any, path: Path, lines: dict[Any, int], at: tuple[str, ...]) -> list[str]:
    if not isinstance(value, list):
        raise ChatguardError(f"{where(path, lines, at)}: expected a list of names")
    names = []
    for i, name in enumerate(value):
        if not isinstance(name, str) or not name.strip():
            raise ChatguardError(f"{where(path, lines, (*at, i))}: expected a name")
        names.append(name.strip())
    return names
