"""`chatguard.yaml` in the current folder: settings a school would otherwise type every time.

    school: Dingle Community Primary
    roster: roster.yaml          # paths are relative to this file
    rules: [our-rules/]          # extra rule folders, beside the default pack
    ignore: review.yaml          # reviewed findings (see `chatguard review`)

Options given on the command line win over the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from chatguard.errors import ChatguardError
from chatguard.yamlpos import load_yaml, where

CONFIG_NAME = "chatguard.yaml"
_KEYS = ("school", "roster", "rules", "ignore")


@dataclass
class Config:
    school: str | None = None
    roster: Path | None = None
    rules: list[Path] = field(default_factory=list)
    ignore: Path | None = None
    path: Path | None = None


def load_config(folder: Path | None = None) -> Config:
    """The config in ``folder`` (default: the current folder), or an empty one."""
    path = (folder or Path.cwd()) / CONFIG_NAME
    if not path.is_file():
        return Config()
    data, lines = load_yaml(path)
    if data is None:
        return Config(path=path)
    if not isinstance(data, dict):
        raise ChatguardError(f"{path}:1: expected a mapping (school:, roster:, rules:, ignore:)")
    for key in data:
        if key not in _KEYS:
            import difflib

            close = difflib.get_close_matches(str(key), _KEYS, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise ChatguardError(f"{where(path, lines, (str(key),))}: unknown setting{hint}")
    base = path.parent

    def a_path(key: str) -> Path | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise ChatguardError(f"{where(path, lines, (key,))}: expected a file path")
        return base / value

    rules = data.get("rules") or []
    if isinstance(rules, str):
        rules = [rules]
    if not isinstance(rules, list) or not all(isinstance(r, str) for r in rules):
        raise ChatguardError(f"{where(path, lines, ('rules',))}: expected a list of folders")
    school = data.get("school")
    if school is not None and not isinstance(school, str):
        raise ChatguardError(f"{where(path, lines, ('school',))}: expected the school's name")
    return Config(
        school=school,
        roster=a_path("roster"),
        rules=[base / r for r in rules],
        ignore=a_path("ignore"),
        path=path,
    )
