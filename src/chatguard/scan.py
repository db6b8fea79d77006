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

from chatguard import __version__, matchers
from chatguard import model as m
from chatguard.engine import Progress, RuleHit, apply_rules, matched_words
from chatguard.findings import Finding, RuleInfo, ScanResult, SourceSummary
from chatguard.ignore import Review
from chatguard.matchers import Batch, distinct_texts
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

    lists = load_lists([default_pack()], only={"name-words"})
    return {w.lower() for w in lists.get("name-words", [])}


def load_ruleset(
    roster: Roster | None = None,
    rule_dirs: Sequence[Path] = (),
    *,
    include_default: bool = True,
) -> RuleSet:
    """The default pack (unless excluded) plus a school's rule folders, with the roster lists."""
    folders = ([default_pack()] if include_default else []) + list(rule_dirs)
    # Only pupils' first names are checked against the name-words list (no YAML read without).
    words = name_words() if roster is not None and roster.pupils else set()
    lists = (roster or Roster()).word_lists(words)
    key = _pack_key(folders, lists)
    cached = _cached_pack(key)
    if cached is not None:
        return cached
    ruleset = load_rules(folders, extra_lists=lists)
    _store_pack(key, ruleset)
    return ruleset


#: The modules whose objects a compiled pack holds.
_COMPILED_BY = (
    "matchers.py",
    "wordpattern.py",
    "tokenindex.py",
    "textmodel.py",
    "rulefile.py",
    "engine.py",
)


def _pack_key(folders: list[Path], lists: dict[str, list[str]]) -> str | None:
    """What the compiled pack depends on: chatguard's version, every rule file, the roster."""
    import hashlib

    digest = hashlib.sha256(__version__.encode())
    # The compiled pack is pickled objects of these modules: a changed module (an upgrade, or
    # a developer's edit) must not load objects shaped by the old code.
    for module in _COMPILED_BY:
        stat = (Path(__file__).parent / module).stat()
        digest.update(f"{module}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    for folder in folders:
        if not folder.is_dir():
            return None
        for path in sorted([*folder.rglob("*.yaml"), *folder.glob("models/*.json")]):
            stat = path.stat()
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    for name in sorted(lists):
        digest.update(name.encode() + b"\0" + "\n".join(lists[name]).encode())
    return digest.hexdigest()


def _pack_cache(key: str) -> Path:
    import os

    base = os.environ.get("CHATGUARD_CACHE_DIR")
    root = (
        Path(base)
        if base
        else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "chatguard"
    )
    return root / "rules" / f"{key}.pickle"


def _cached_pack(key: str | None) -> RuleSet | None:
    """The pack compiled by an earlier run (`chatguard check` must answer fast), if any."""
    if key is None:
        return None
    import gc
    import pickle

    # Unpickling makes tens of thousands of containers, each of which would otherwise count
    # towards a garbage collection that finds nothing to free: a tenth of `check`'s time.
    collecting = gc.isenabled()
    gc.disable()
    try:
        with _pack_cache(key).open("rb") as handle:
            pack = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None
    finally:
        if collecting:
            gc.enable()
    return pack if isinstance(pack, RuleSet) else None


def _store_pack(key: str | None, pack: RuleSet) -> None:
    """Keep the compiled pack for the next run (owner-only; failures are only slower)."""
    if key is None:
        return
    import os
    import pickle

    path = _pack_cache(key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        data = pickle.dumps(pack, protocol=pickle.HIGHEST_PROTOCOL)
        temp = path.with_suffix(f".{os.getpid()}.tmp")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, path)
        _prune_packs(path.parent, keep=path)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        return


#: Compiled packs kept in the cache (one per rule-file set, roster and chatguard version).
CACHED_PACKS = 8


def _prune_packs(folder: Path, keep: Path) -> None:
    """Drop all but the newest compiled packs: every edit of a rule file makes a new one."""
    packs = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in [p for p in packs if p != keep][CACHED_PACKS - 1 :]:
        old.unlink(missing_ok=True)


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
    batch = Batch(
        texts=texts,
        kinds=frame[m.KIND].astype(str).to_numpy(dtype=object),
        authors=authors,
        attachments=attachments,
        groups=groups,
    )
    if matchers.DEDUPLICATE_TEXTS:
        batch.distinct, batch.keys = distinct_texts(texts)
    return batch


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
    images: dict[tuple[str, str], str] | None = None,
) -> ScanResult:
    """Apply ``rules`` to a parsed chat and collect the findings.

    ``images`` maps (source, attachment name) to the text OCR read in that image: each becomes
    one more message to scan, by the same author at the same time, whose text names the image.
    """
    from chatguard.stats import message_stats

    options = options or ScanOptions()
    frame = chat.messages
    positions = select_messages(frame, options)
    if images:
        frame, positions = _with_image_rows(frame, positions, images)
    selected = rules.select(options.categories or None)
    if options.min_severity:
        floor = SEVERITIES.index(options.min_severity)
        selected.rules = [r for r in selected.rules if SEVERITIES.index(r.severity) >= floor]
    subset = frame.iloc[positions].reset_index(drop=True)
    hits = apply_rules(selected, batch_from_frame(subset), progress) if len(subset) else []
    sha_by_name = {e.source.name: e.source.sha256 for e in chat.exports}
    findings: list[Finding] = []
    dismissed = 0
    origin = subset[IMAGE_ROW].to_numpy() if IMAGE_ROW in subset.columns else None
    records = _HitRecords.of(subset, [hit.row for hit in hits])
    for hit in hits:
        row = int(positions[hit.row])
        if origin is not None and origin[hit.row] >= 0:
            row = int(origin[hit.row])  # context is the image's message and its neighbours
        finding = records.finding(hit, row)
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
        result.context = context_for(chat.messages, [f.row for f in findings], options.context)
    return result


IMAGE_ROW = "_image_of"
#: What a finding shows as its match when no words triggered it (an image beside the message).
NONVERBAL_MATCH = "(attachment beside the message)"


def _with_image_rows(
    frame: pd.DataFrame, positions: np.ndarray, images: dict[tuple[str, str], str]
) -> tuple[pd.DataFrame, np.ndarray]:
    """Add a row per selected message whose image had text, placed right after its message."""
    import pandas as pd

    chosen = frame.iloc[positions]
    keys = list(zip(chosen[m.SOURCE].tolist(), chosen[m.ATTACHMENT].tolist(), strict=True))
    extra_rows = []
    origins = []
    for position, key in zip(positions.tolist(), keys, strict=True):
        text = images.get(key) if isinstance(key[1], str) else None
        if text and text.strip():
            row = frame.iloc[position].copy()
            row[m.TEXT] = f"[text in image {key[1]}]\n{text.strip()}"
            extra_rows.append(row)
            origins.append(position)
    if not extra_rows:
        return frame, positions
    extra = pd.DataFrame(extra_rows).astype(frame.dtypes.to_dict())
    extra[IMAGE_ROW] = origins
    base = frame.assign(**{IMAGE_ROW: -1})
    combined = pd.concat([base, extra], ignore_index=True)
    new_positions = np.concatenate([positions, np.arange(len(frame), len(combined))])
    return combined, new_positions


@dataclass(frozen=True)
class _HitRecords:
    """The columns a finding copies, read once for every flagged row.

    A big scan has thousands of findings; reading each one's row from the frame one at a time
    (``frame.iloc[row]``) cost a quarter of a millisecond a finding, a fifth of the whole scan.
    """

    at: dict[int, int]
    sources: list[str]
    lines: list[int]
    stamps: list[str]
    authors: list[str]
    texts: list[str]

    @classmethod
    def of(cls, frame: pd.DataFrame, rows: list[int]) -> _HitRecords:
        wanted = sorted(set(rows))
        part = frame.iloc[wanted]
        return cls(
            at={row: i for i, row in enumerate(wanted)},
            sources=[str(v) for v in part[m.SOURCE].tolist()],
            lines=[int(v) for v in part[m.LINE].tolist()],
            stamps=[v.isoformat() for v in part[m.TIMESTAMP].tolist()],
            authors=[str(v) for v in part[m.AUTHOR].tolist()],
            texts=[str(v) for v in part[m.TEXT].tolist()],
        )

    def finding(self, hit: RuleHit, row: int) -> Finding:
        i = self.at[hit.row]
        text = self.texts[i]
        return Finding(
            source=self.sources[i],
            line=self.lines[i],
            timestamp=self.stamps[i],
            author=self.authors[i],
            category=hit.rule.category,
            rule=hit.rule.id,
            severity=hit.rule.severity,
            text=text,
            match=matched_words(text, hit.spans) or NONVERBAL_MATCH,
            spans=hit.spans,
            row=row,
        )


def context_for(frame: pd.DataFrame, rows: list[int], n: int) -> dict[int, list[dict[str, Any]]]:
    """For each row, the ``n`` messages before and after it in the same export.

    Several exports merged into one table interleave by time, so neighbours are counted among
    the rows of the row's own export, not in the table (``offset`` is the distance there).
    Every neighbour's columns are read in one go: a big scan asks for thousands.
    """
    import pandas as pd

    sources = frame[m.SOURCE].to_numpy()
    rows_of: dict[Any, np.ndarray] = {}
    windows: dict[int, list[tuple[int, int]]] = {}
    for row in sorted(set(rows)):
        source = sources[row]
        own = rows_of.get(source)
        if own is None:
            own = rows_of[source] = np.flatnonzero(sources == source)
        at = int(np.searchsorted(own, row))
        window = range(max(0, at - n), min(len(own), at + n + 1))
        windows[row] = [(int(own[position]), position - at) for position in window]
    wanted = sorted({other for window in windows.values() for other, _ in window})
    part = frame.iloc[wanted]
    records = {
        other: {
            "line": int(line),
            "timestamp": stamp.isoformat(),
            "author": None if pd.isna(author) else str(author),
            "kind": str(kind),
            "text": str(text),
        }
        for other, line, stamp, author, kind, text in zip(
            wanted,
            part[m.LINE].tolist(),
            part[m.TIMESTAMP].tolist(),
            part[m.AUTHOR].tolist(),
            part[m.KIND].tolist(),
            part[m.TEXT].tolist(),
            strict=True,
        )
    }
    return {
        row: [{"row": other, "offset": offset, **records[other]} for other, offset in window]
        for row, window in windows.items()
    }


def read_images(chat: m.Chat, *, use_cache: bool = True) -> tuple[dict[tuple[str, str], str], str]:
    """OCR the images messages point at, in every zip export; returns (texts, a note for users).

    Raises :class:`~chatguard.errors.ChatguardError` when Tesseract is missing.
    """
    from chatguard import ocr

    wanted: dict[str, set[str]] = {}
    frame = chat.messages
    named = frame[frame[m.ATTACHMENT].notna()]
    for source, name in zip(named[m.SOURCE].tolist(), named[m.ATTACHMENT].tolist(), strict=True):
        if ocr.is_image(str(name)):
            wanted.setdefault(str(source), set()).add(str(name))
    images: dict[tuple[str, str], bytes] = {}
    for export in chat.exports:
        names = wanted.get(export.source.name, set()) & set(export.source.media)
        if export.source.member is None or not names:
            continue
        for name, data in ocr.images_in_zip(Path(export.source.path), names).items():
            images[(export.source.name, name)] = data
    if not images:
        return {}, (
            "--ocr: nothing to read: no image attached to a message is in the export "
            "(export the chat 'with media' to include them)"
        )
    by_name: dict[str, bytes] = {}
    for (_, name), data in images.items():
        by_name[name] = data
    read = ocr.read_images(by_name, use_cache=use_cache)
    texts = {key: read[key[1]].text for key in images if key[1] in read}
    cached = sum(1 for r in read.values() if r.cached)
    with_text = sum(1 for t in texts.values() if t.strip())
    return texts, (
        f"--ocr: read {len(read)} image(s) ({cached} from the cache); {with_text} hold text"
    )


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
