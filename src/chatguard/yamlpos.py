"""Load YAML and remember the line of every key, so errors can say *where* in a file.

Schools write their own rules and rosters; "rules/x.yaml:12: match.words: expected a list"
gets a mistake fixed in seconds, "validation error" does not.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chatguard.errors import ChatguardError

if TYPE_CHECKING:
    import yaml

Path_ = tuple[str | int, ...]


@functools.cache
def _scalars() -> yaml.constructor.SafeConstructor:
    # PyYAML is imported when a file is read, not with this module: `chatguard check` with a
    # compiled pack reads no YAML at all.
    import yaml

    return yaml.constructor.SafeConstructor()


def load_yaml(path: Path, text: str | None = None) -> tuple[Any, dict[Path_, int]]:
    """Parse ``path`` and return the data and a map from key paths to 1-based line numbers."""
    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise ChatguardError(f"{path}: no such file") from exc
        except UnicodeDecodeError as exc:
            raise ChatguardError(f"{path}: not UTF-8 text", hint="save it as UTF-8") from exc
        except OSError as exc:
            raise ChatguardError(f"{path}: cannot be read ({exc.strerror})") from exc
    import yaml

    try:  # the C loader is much faster where PyYAML was built with libyaml
        loader: Any = yaml.CSafeLoader
    except AttributeError:  # pragma: no cover
        loader = yaml.SafeLoader
    try:
        node = yaml.compose(text, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ChatguardError(f"{where}: invalid YAML ({problem})") from exc
    except RecursionError as exc:
        raise ChatguardError(f"{path}: nested too deeply to read") from exc
    lines: dict[Path_, int] = {}
    if node is None:
        return None, lines
    budget = _Budget(path)
    try:
        return _convert(node, (), lines, path, budget, frozenset()), lines
    except RecursionError as exc:
        raise ChatguardError(f"{path}: nested too deeply to read") from exc


#: Most values one YAML file may expand to: aliases can multiply a small file ("billion laughs").
MAX_YAML_NODES = 200_000


class _Budget:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.left = MAX_YAML_NODES

    def spend(self, node: yaml.Node) -> None:
        self.left -= 1
        if self.left < 0:
            raise ChatguardError(
                f"{self.path}:{node.start_mark.line + 1}: expands to more than "
                f"{MAX_YAML_NODES:,} values (aliases repeating aliases?)",
                hint="write the lists out instead of nesting aliases",
            )


def _convert(
    node: yaml.Node,
    at: Path_,
    lines: dict[Path_, int],
    path: Path,
    budget: _Budget,
    open_nodes: frozenset[int],
) -> Any:
    budget.spend(node)
    if id(node) in open_nodes:
        raise ChatguardError(
            f"{path}:{node.start_mark.line + 1}: a YAML alias refers to itself",
            hint="remove the self-reference",
        )
    kind = _kind(node)
    if kind in ("mapping", "sequence"):
        open_nodes = open_nodes | {id(node)}
    lines.setdefault(at, node.start_mark.line + 1)
    if kind == "mapping":
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _convert(key_node, at, {}, path, budget, open_nodes)
            if not isinstance(key, str | int | float | bool) or key is None:
                raise ChatguardError(
                    f"{path}:{key_node.start_mark.line + 1}: keys must be plain words"
                )
            if key in result:
                raise ChatguardError(
                    f"{path}:{key_node.start_mark.line + 1}: {_dotted((*at, str(key)))!r} "
                    "is given twice"
                )
            lines[(*at, str(key))] = key_node.start_mark.line + 1
            result[key] = _convert(value_node, (*at, str(key)), lines, path, budget, open_nodes)
        return result
    if kind == "sequence":
        return [
            _convert(child, (*at, i), lines, path, budget, open_nodes)
            for i, child in enumerate(node.value)
        ]
    return _scalars().construct_object(node, deep=True)


def _kind(node: yaml.Node) -> str:
    """ "mapping", "sequence" or "scalar": PyYAML's node classes name themselves in ``id``."""
    return str(getattr(node, "id", ""))


def _dotted(at: Path_) -> str:
    out = ""
    for part in at:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def where(path: Path, lines: dict[Path_, int], at: Path_) -> str:
    """``file:line: dotted.path`` for the closest known position of ``at``."""
    probe = tuple(at)
    while probe and probe not in lines:
        probe = probe[:-1]
    line = lines.get(probe, 1)
    return f"{path}:{line}: {_dotted(at) or '(top)'}"
