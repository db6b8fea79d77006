"""Rule files: the schema, loading a rule pack, and compiling each rule once.

One YAML file per rule under ``rules/<category>/``; shared word lists under ``rules/lists/``.
A rule says what it enforces (``policy``), why and what to do instead (``description``), what it
matches (``match``), what it lets through (``exceptions``, ``unless``) and carries examples that
must and must not match (they run as tests). Every mistake is reported as
``file:line: field: what is wrong``.
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

from chatguard.errors import ChatguardError
from chatguard.matchers import Matcher, SpecError, Vocabulary, compile_matcher
from chatguard.yamlpos import Path_, load_yaml, where

#: The category ids every output uses; fixed by the code of conduct.
CATEGORIES: tuple[str, ...] = (
    "abuse",
    "swearing",
    "child-naming",
    "private-email",
    "defamation",
    "disrepute",
    "policy-challenge",
    "discrimination",
)
#: Categories that need human judgement: reports word their findings "possible …, for review".
REVIEW_CATEGORIES = frozenset({"defamation", "disrepute"})
SEVERITIES: tuple[str, ...] = ("low", "medium", "high")
#: Kinds of message a rule reads unless it says otherwise (system lines and deletions are not
#: anybody's words).
DEFAULT_KINDS: tuple[str, ...] = ("text", "media", "poll", "location", "contact")


@dataclass(frozen=True)
class Examples:
    """Messages a rule must flag (``match``) and must let through (``ok``)."""

    __pydantic_config__: ClassVar[dict[str, Any]] = {"extra": "forbid"}

    match: list[str] = field(default_factory=list)
    ok: list[str] = field(default_factory=list)
    after: str | None = None
    """For a rule that follows others: the message each example replies to."""


@dataclass(frozen=True)
class RuleSpec:
    """The fields of a rule file, validated (see :mod:`chatguard.ruleschema`).

    A plain record, not the validating model: a compiled pack is stored and read back by
    `chatguard check`, which should not have to import the validator to read it.
    """

    # Read by pydantic when it validates a rule file (a plain dict: no import needed here).
    __pydantic_config__: ClassVar[dict[str, Any]] = {"extra": "forbid"}

    id: str
    category: str
    severity: str
    title: str
    policy: str
    description: str
    match: dict[str, Any]
    exceptions: list[str] = field(default_factory=list)
    unless: list[dict[str, Any]] = field(default_factory=list)
    applies_to: list[str] = field(default_factory=lambda: list(DEFAULT_KINDS))
    examples: Examples = field(default_factory=Examples)
    enabled: bool = True


@dataclass
class Rule:
    """A compiled rule, ready to apply."""

    spec: RuleSpec
    path: Path
    matcher: Matcher
    exceptions: Matcher | None
    unless: list[Matcher]
    lines: dict[Path_, int] = field(repr=False, default_factory=dict)

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def category(self) -> str:
        return self.spec.category

    @property
    def severity(self) -> str:
        return self.spec.severity

    @property
    def for_review(self) -> bool:
        return self.spec.category in REVIEW_CATEGORIES


@dataclass
class RuleSet:
    """Every rule of a pack (plus a school's extra rules), and a hash that identifies them."""

    rules: list[Rule]
    sources: list[Path]
    digest: str

    def select(self, categories: list[str] | None = None) -> RuleSet:
        chosen = [r for r in self.rules if not categories or r.category in categories]
        return RuleSet(chosen, self.sources, self.digest)

    def by_id(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        close = difflib.get_close_matches(rule_id, [r.id for r in self.rules], n=1)
        hint = f"did you mean {close[0]}?" if close else "see chatguard rules list"
        raise ChatguardError(f"no rule with id {rule_id!r}", hint=hint)


def default_pack() -> Path:
    """The rule pack that ships inside chatguard (``rules/`` in the source tree)."""
    return Path(str(resources.files("chatguard.defaultpack")))


def load_lists(folders: list[Path], only: set[str] | None = None) -> dict[str, list[str]]:
    """Shared word lists: every ``lists/*.yaml`` holding ``words:`` (a later folder wins), or
    only the lists named in ``only`` (reading sixty YAML files for one list slowed ``check``)."""
    lists: dict[str, list[str]] = {}
    for folder in folders:
        for path in sorted(p for p in (folder / "lists").glob("*.yaml") if p.is_file()):
            if only is not None and path.stem not in only:
                continue
            data, lines = load_yaml(path)
            if not isinstance(data, dict) or not isinstance(data.get("words"), list):
                raise ChatguardError(f"{path}:1: expected a mapping with a list under words:")
            unknown = [k for k in data if k not in {"words", "description"}]
            if unknown:
                raise ChatguardError(f"{where(path, lines, (unknown[0],))}: unknown field")
            words = []
            for i, word in enumerate(data["words"]):
                if not isinstance(word, str) or not word.strip():
                    raise ChatguardError(f"{where(path, lines, ('words', i))}: expected a word")
                words.append(word.strip())
            if not words:
                raise ChatguardError(f"{where(path, lines, ('words',))}: the list is empty")
            lists[path.stem] = words
    return lists


def load_shared_matchers(folders: list[Path]) -> dict[str, Any]:
    """Named matchers: every ``matchers/*.yaml`` holding ``description:`` and ``match:``."""
    shared: dict[str, Any] = {}
    for folder in folders:
        for path in sorted(p for p in (folder / "matchers").glob("*.yaml") if p.is_file()):
            data, lines = load_yaml(path)
            if not isinstance(data, dict) or not isinstance(data.get("match"), dict):
                raise ChatguardError(f"{path}:1: expected a mapping with a matcher under match:")
            unknown = [k for k in data if k not in {"match", "description"}]
            if unknown:
                raise ChatguardError(f"{where(path, lines, (unknown[0],))}: unknown field")
            shared[path.stem] = data["match"]
    return shared


def load_rules(
    folders: list[Path] | None = None,
    *,
    extra_lists: dict[str, list[str]] | None = None,
) -> RuleSet:
    """Load, validate and compile every rule in ``folders`` (default: the bundled pack).

    ``extra_lists`` adds named lists (the roster's ``pupils``, ``staff`` …) that rules use as
    ``@roster-pupils`` etc.
    """
    folders = folders or [default_pack()]
    for folder in folders:
        if not folder.is_dir():
            raise ChatguardError(f"{folder}: not a folder of rules")
    from chatguard.roster import ROSTER_LISTS

    lists = load_lists(folders)
    lists.update(extra_lists or {})
    for name in ROSTER_LISTS:
        lists.setdefault(name, [])
    from chatguard.textmodel import load_models

    models = load_models(folders)
    vocab = Vocabulary(
        lists,
        optional=frozenset(ROSTER_LISTS),
        matchers=load_shared_matchers(folders),
        models=models,
    )
    rules: list[Rule] = []
    seen: dict[str, Path] = {}
    digest = hashlib.sha256()
    for folder in folders:
        paths = sorted(
            p
            for p in folder.rglob("*.yaml")
            if p.is_file() and not {"lists", "matchers"} & set(p.relative_to(folder).parts)
        )
        for path in paths:
            text = _read_rule_text(path)
            digest.update(str(path.relative_to(folder)).encode() + b"\0" + text.encode())
            rule = load_rule(path, vocab, text=text)
            if rule.id in seen:
                raise ChatguardError(
                    f"{where(path, rule.lines, ('id',))}: duplicate rule id {rule.id!r} "
                    f"(also in {seen[rule.id]})",
                    hint="give each rule its own id",
                )
            seen[rule.id] = path
            if rule.spec.enabled:
                rules.append(rule)
    _check_follows(rules, seen)
    for name in sorted(lists):
        digest.update(name.encode() + b"\0" + "\n".join(lists[name]).encode())
    for name in sorted(vocab.matchers):
        digest.update(name.encode() + b"\0" + repr(vocab.matchers[name]).encode())
    for name in sorted(models):
        digest.update(name.encode() + b"\0" + repr(models[name]).encode())
    return RuleSet(rules, folders, digest.hexdigest())


def _check_follows(rules: list[Rule], seen: dict[str, Path]) -> None:
    """``follows:`` must name rules that exist and do not themselves read other rules."""
    readers = {r.id for r in rules if r.matcher.followed_rules()}
    for rule in rules:
        for followed in rule.matcher.followed_rules():
            path = seen[rule.id]
            at = where(path, rule.lines, ("match",))
            if followed not in seen:
                close = difflib.get_close_matches(followed, list(seen), n=1)
                hint = f"did you mean {close[0]}?" if close else "name a rule id from rules list"
                raise ChatguardError(f"{at}: follows: no rule with id {followed!r}", hint=hint)
            if followed in readers:
                raise ChatguardError(
                    f"{at}: follows: {followed!r} itself follows other rules",
                    hint="follow the rules that find the first message of a thread",
                )


def _read_rule_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ChatguardError(f"{path}: not UTF-8 text", hint="save it as UTF-8") from exc
    except OSError as exc:
        raise ChatguardError(f"{path}: cannot be read ({exc.strerror})") from exc


def load_rule(path: Path, vocab: Vocabulary, *, text: str | None = None) -> Rule:
    """Validate and compile one rule file."""
    data, lines = load_yaml(path, text)
    if not isinstance(data, dict):
        raise ChatguardError(f"{path}:1: a rule file holds one mapping (id:, category: …)")
    from chatguard.ruleschema import validate_rule

    spec = validate_rule(data, path, lines)
    expected_folder = path.parent.name
    if expected_folder in CATEGORIES and spec.category != expected_folder:
        raise ChatguardError(
            f"{where(path, lines, ('category',))}: category {spec.category!r} in folder "
            f"{expected_folder}/",
            hint="move the file or fix the category",
        )
    if not spec.id.startswith(spec.category + "."):
        raise ChatguardError(
            f"{where(path, lines, ('id',))}: id must start with its category ({spec.category}.)"
        )
    try:
        matcher = compile_matcher(spec.match, vocab, ("match",))
        exceptions = None
        if spec.exceptions:
            exceptions = compile_matcher({"phrases": spec.exceptions}, vocab, ("exceptions",))
        unless = [compile_matcher(u, vocab, ("unless", i)) for i, u in enumerate(spec.unless)]
    except SpecError as exc:
        raise ChatguardError(f"{where(path, lines, exc.at)}: {exc.message}") from None
    return Rule(spec, path, matcher, exceptions, unless, lines)
