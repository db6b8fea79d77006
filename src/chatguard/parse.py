"""Turn the lines of a decoded export into the messages DataFrame.

Everything here works on whole columns (pyarrow compute, numpy) rather than one Python call per
line: a school's export is a few thousand messages, but a year of a busy group with a million
lines must still parse in a couple of seconds.

The steps: split the text into lines; learn the header shape from a sample; match every line
against it at once; decide the date order from the whole file; mark which lines start a message;
glue continuation lines to their message; split author from text; classify each message
(system, media, deleted …); flag timestamps that run backwards.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from chatguard import exportlang as lang
from chatguard import model as m
from chatguard.errors import ChatguardError
from chatguard.exportlang import literal
from chatguard.headers import (
    DateOrder,
    HeaderShape,
    decide_date_order,
    learn_shapes,
    marker_kind,
)
from chatguard.headers import seconds_of_day as compute_seconds
from chatguard.io import ExportText

#: Lines read to learn the header shape: the start of the file and an even spread of the rest.
_SAMPLE_HEAD = 5000
_SAMPLE_SPREAD = 2000
#: Lines per pyarrow batch when matching headers on both cores.
_PARALLEL_MIN_LINES = 200_000

DATE_ORDERS = ("dmy", "mdy", "ymd", "ydm", "myd", "dym")


def parse_export(export: ExportText, *, date_order: str | None = None) -> m.ParsedExport:
    """Parse one decoded export into a :class:`~chatguard.model.ParsedExport`."""
    if date_order is not None and date_order not in DATE_ORDERS:
        raise ChatguardError(f"unknown date order {date_order!r}", hint="use one of dmy, mdy, ymd")
    label = str(export.path) if export.member is None else f"{export.path}:{export.member}"
    lines = split_lines(export.data)
    if len(lines) == 0 or export.data.isspace():
        raise ChatguardError(f"{label}: the chat text is empty", hint="export the chat again")
    shapes = learn_shapes(_sample(lines))
    if not shapes:
        raise ChatguardError(
            f"{label}: no WhatsApp message found",
            hint="is this a WhatsApp chat export (.txt or .zip from 'Export chat')?",
        )
    taken = np.zeros(len(lines), dtype=bool)
    parts: list[_Headers] = []
    rejected: list[np.ndarray] = []
    tried: set[HeaderShape] = set()
    while shapes:
        for shape in shapes:
            tried.add(shape)
            part, invalid = _read_headers(lines, shape, date_order, taken)
            rejected.append(invalid)
            if part is not None:
                taken[part.index] = True
                parts.append(part)
        # A header of another shape can hide among the rest (two exports joined, a few lines
        # of a second one): learn shapes again from lines that start with a date.
        shapes = [
            s for s in learn_shapes(_date_led_lines(lines, taken)) if s not in tried and s.delimited
        ]
    if not parts:
        raise ChatguardError(
            f"{label}: no message has a valid date",
            hint="if the dates are written in an unusual order, try --date-order dmy|mdy|ymd",
        )
    main = parts[0]
    if len(parts) == 1:
        header_idx, stamps, author, prefix_bytes = (
            main.index,
            main.stamps,
            main.author,
            main.prefix_bytes,
        )
    else:
        order_by_line = np.argsort(np.concatenate([p.index for p in parts]), kind="stable")
        header_idx = np.concatenate([p.index for p in parts])[order_by_line]
        stamps = np.concatenate([p.stamps for p in parts])[order_by_line]
        prefix_bytes = np.concatenate([p.prefix_bytes for p in parts])[order_by_line]
        author = pa.concat_arrays([p.author for p in parts]).take(pa.array(order_by_line))
    text = _message_texts(export.data, lines, header_idx, prefix_bytes)
    fmt = m.ExportFormat(
        platform=main.shape.platform,
        date_order=main.order.order,
        date_order_assumed=main.order.assumed,
        clock="12h" if main.twelve_hour else "24h",
        encoding=export.encoding,
    )
    frame = _assemble(lines, header_idx, author, text, stamps, export.group)
    frame.insert(0, m.SOURCE, pd.Series(export.name, index=frame.index, dtype="string"))
    frame = frame[list(m.COLUMNS)]
    m.check_messages(frame)
    info = m.SourceInfo(
        path=str(export.path),
        name=export.name,
        sha256=export.sha256,
        size=export.size,
        member=export.member,
        media_files=len(export.media),
        group=export.group,
        media=export.media,
    )
    warnings = [*export.notes, *_warnings(label, fmt, frame, lines, header_idx, export)]
    unread = _header_like_lines(lines, taken, np.concatenate(rejected) if rejected else None)
    if len(unread):
        shown = ", ".join(str(int(i) + 1) for i in unread[:8])
        more = f" and {len(unread) - 8} more" if len(unread) > 8 else ""
        which = f"line {shown} looks" if len(unread) == 1 else f"lines {shown}{more} look"
        warnings.append(
            f"{label}: {which} like a message header but cannot be read as one (an impossible "
            "date or time, or a header broken across lines): kept as part of the message before"
        )
    if len(parts) > 1:
        shown = "; ".join(
            f"{len(p.index):,} as {p.shape.platform} ({p.order.order}, "
            f"{'12h' if p.twelve_hour else '24h'})"
            for p in parts
        )
        warnings.append(
            f"{label}: the file mixes header formats, read both ({shown}): it may be several "
            "exports joined together"
        )
    return m.ParsedExport(source=info, format=fmt, messages=frame, warnings=warnings)


@dataclass
class _Headers:
    """The header lines one header shape found, with what they say."""

    shape: HeaderShape
    index: np.ndarray
    stamps: np.ndarray
    author: pa.Array
    prefix_bytes: np.ndarray
    order: DateOrder
    twelve_hour: bool


_NO_LINES = np.zeros(0, dtype=np.int64)
_DATE_LED = literal(
    r"^[\x{200e}\x{200f}\x{feff} ]*\[?[\x{200e}\x{feff}]*\d{1,4}(?:[./-]|\. )\d{1,4}"
)
_DATE_ONLY = literal(
    r"^[\x{200e}\x{200f}\x{feff} ]*\[?[\x{200e}\x{feff}]*\d{1,4}(?:[./-]|\. )\d{1,4}"
    r"(?:[./-]|\. )\d{1,4}\.?,?\s*$"
)
_TIME_LED = r"^\s*\d{1,2}[:.]\d{2}(?:[:.]\d{2})?"


def _date_led_lines(lines: pa.Array, taken: np.ndarray) -> list[str]:
    """Lines that are not headers yet start with a date (few, in an ordinary export)."""
    rest = np.flatnonzero(~taken)
    if len(rest) == 0:
        return []
    subset = lines.take(pa.array(rest))
    hits = np.asarray(
        pc.fill_null(pc.match_substring_regex(subset, _DATE_LED), False).to_numpy(
            zero_copy_only=False
        ),
        dtype=bool,
    )
    picked = rest[hits][:20_000]
    return [line.rstrip("\n") for line in lines.take(pa.array(picked)).to_pylist()]


def _header_like_lines(
    lines: pa.Array, taken: np.ndarray, rejected: np.ndarray | None
) -> np.ndarray:
    """Lines that look like headers but were not read as one, for a warning.

    Headers whose date or time cannot exist (31 February, 25:04), and a date alone on a line
    followed by a line starting with a time (a header broken across two lines).
    """
    found = [] if rejected is None else [rejected[~taken[rejected]]]
    rest = np.flatnonzero(~taken)
    if len(rest):
        subset = lines.take(pa.array(rest))
        date_only = np.asarray(
            pc.fill_null(pc.match_substring_regex(subset, _DATE_ONLY), False).to_numpy(
                zero_copy_only=False
            ),
            dtype=bool,
        )
        for index in rest[date_only].tolist():
            following = index + 1
            if following < len(lines) and not taken[following]:
                text = lines[following].as_py() or ""
                if re.match(_TIME_LED, text):
                    found.append(np.array([index], dtype=np.int64))
    if not found:
        return _NO_LINES
    return np.unique(np.concatenate(found))


def _read_headers(
    lines: pa.Array, shape: HeaderShape, date_order: str | None, taken: np.ndarray
) -> tuple[_Headers | None, np.ndarray]:
    """Match one header shape over every line and read its dates and times.

    Also returns the lines that matched the shape but hold an impossible date or time.
    """
    found = _match_headers(lines, shape)
    valid = np.asarray(found.is_valid().to_numpy(zero_copy_only=False), dtype=bool) & ~taken
    matched_idx = np.flatnonzero(valid)
    if len(matched_idx) == 0:
        return None, _NO_LINES
    fields = found.filter(pa.array(valid))
    markers = fields.field("ampm")
    twelve_hour = bool(pc.any(pc.not_equal(markers, "")).as_py())
    kinds = None
    if twelve_hour:
        encoded = pc.dictionary_encode(markers)
        lookup = np.array([marker_kind(v) for v in encoded.dictionary.to_pylist()], np.int8)
        kinds = lookup[encoded.indices.to_numpy()]
    seconds, time_ok = compute_seconds(
        _numbers(fields, "H"), _numbers(fields, "M"), _numbers(fields, "S"), kinds
    )
    order, days, date_ok = decide_date_order(
        (_numbers(fields, "d1"), _numbers(fields, "d2"), _numbers(fields, "d3")),
        (_widths(fields, "d1"), _widths(fields, "d2"), _widths(fields, "d3")),
        seconds,
        date_order,
    )
    ok = time_ok & date_ok
    invalid = matched_idx[~ok]
    if not ok.any():
        return None, invalid
    keep = pa.array(ok)
    return _Headers(
        shape=shape,
        index=matched_idx[ok],
        stamps=(days[ok] * 86_400 + seconds[ok]).astype("datetime64[s]"),
        author=fields.field("author").filter(keep),
        prefix_bytes=np.asarray(pc.binary_length(fields.field("prefix").filter(keep)).to_numpy()),
        order=order,
        twelve_hour=twelve_hour,
    ), invalid


def _numbers(fields: pa.StructArray, name: str) -> np.ndarray:
    """A captured number field as int64 (an optional field that did not match reads 0)."""
    column = fields.field(name)
    column = pc.if_else(pc.equal(column, ""), "0", column)
    return np.asarray(pc.cast(column, pa.int64()).to_numpy())


def _widths(fields: pa.StructArray, name: str) -> np.ndarray:
    """How many digits each captured field was written with (a 4-digit field is a year)."""
    return np.asarray(pc.utf8_length(fields.field(name)).to_numpy())


def parse_text(text: str, *, name: str = "<text>", date_order: str | None = None) -> m.ParsedExport:
    """Parse chat text given as a string (tests, and tools that already hold the text)."""
    import hashlib
    from pathlib import Path

    data = text.lstrip("\ufeff").encode("utf-8")
    export = ExportText(
        path=Path(name),
        name=name,
        data=data,
        encoding="utf-8",
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
    )
    return parse_export(export, date_order=date_order)


def split_lines(data: bytes) -> pa.LargeStringArray:
    """The physical lines of UTF-8 text as one Arrow array, each with its newline, no copy.

    Keeping the newline lets a message's lines be glued back together without copying each
    line first; patterns stop at it on their own (RE2's ``.`` does not match a newline).
    """
    if b"\r\n" in data:
        data = data.replace(b"\r\n", b"\n")
    elif b"\n" not in data and b"\r" in data:  # old Mac line ends: CR alone
        data = data.replace(b"\r", b"\n")
    buffer = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(buffer == 10) + 1
    if len(ends) == 0 or ends[-1] != len(data):
        ends = np.append(ends, len(data))
    offsets = np.empty(len(ends) + 1, dtype=np.int64)
    offsets[0] = 0
    offsets[1:] = ends
    return pa.LargeStringArray.from_buffers(len(ends), pa.py_buffer(offsets), pa.py_buffer(data))


def _message_texts(
    data: bytes, lines: pa.Array, header_idx: np.ndarray, prefix_bytes: np.ndarray
) -> pa.Array:
    """Every message's text, cut out of the file in one pass.

    A message runs from the end of its header (and ``Name: ``) to the start of the next
    header. Rather than copying each line and joining them, we drop the header prefixes from
    one copy of the file and describe the messages with offsets into it.
    """
    line_offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64, count=len(lines) + 1)
    starts = line_offsets[header_idx] + prefix_bytes
    ends = np.append(line_offsets[header_idx[1:]], line_offsets[-1])
    buffer = np.frombuffer(lines.buffers()[2], dtype=np.uint8, count=int(line_offsets[-1]))
    edges = np.zeros(len(buffer) + 1, dtype=np.int8)
    edges[starts] += 1
    edges[ends] -= 1
    keep = np.cumsum(edges[:-1], dtype=np.int8).view(bool)
    del edges
    kept = buffer[keep]
    offsets = np.zeros(len(starts) + 1, dtype=np.int64)
    np.cumsum(ends - starts, out=offsets[1:])
    text = pa.LargeStringArray.from_buffers(len(starts), pa.py_buffer(offsets), pa.py_buffer(kept))
    if bool(pc.any(pc.ends_with(text, "\n")).as_py()):
        text = pc.utf8_rtrim(text, characters="\n")
    return text


def _sample(lines: pa.Array) -> list[str]:
    head = [line.rstrip("\n") for line in lines.slice(0, _SAMPLE_HEAD).to_pylist()]
    if len(lines) <= _SAMPLE_HEAD:
        return head
    # An even spread, and the end: a second export pasted after the first shows there.
    spread = np.concatenate(
        [
            np.linspace(_SAMPLE_HEAD, len(lines) - 1, _SAMPLE_SPREAD).astype(np.int64),
            np.arange(max(_SAMPLE_HEAD, len(lines) - 1000), len(lines), dtype=np.int64),
        ]
    )
    return head + [line.rstrip("\n") for line in lines.take(pa.array(spread)).to_pylist()]


def _match_headers(lines: pa.Array, shape: HeaderShape) -> pa.StructArray:
    """Match every line against the file's header pattern, on both cores for big files."""
    pattern = shape.pattern()
    if len(lines) < _PARALLEL_MIN_LINES:
        return pc.extract_regex(lines, pattern)
    half = len(lines) // 2
    with ThreadPoolExecutor(max_workers=2) as pool:
        parts = list(
            pool.map(
                lambda part: pc.extract_regex(part, pattern),
                [lines.slice(0, half), lines.slice(half)],
            )
        )
    return pa.concat_arrays(parts)


def _matching(column: pa.Array, patterns: list[str]) -> list[np.ndarray]:
    """Which rows match each pattern; several RE2 passes on both cores for big files."""
    if len(column) < _PARALLEL_MIN_LINES or len(patterns) < 2:
        return [_bools(pc.match_substring_regex(column, p)) for p in patterns]
    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(lambda p: _bools(pc.match_substring_regex(column, p)), patterns))


def _alternation(patterns: tuple[str, ...]) -> str:
    return "|".join(f"(?:{p})" for p in patterns)


_SYSTEM_EVENTS = _alternation(lang.SYSTEM_EVENTS)
_UNTYPABLE = _alternation(lang.UNTYPABLE_EVENTS)
_SYSTEM_PREFIX = _alternation(lang.SYSTEM_PREFIXES)
_ATTACHMENT_ANY = _alternation(lang.ATTACHMENT_PATTERNS)
_SPEAKER_PREFIX = r"^(?P<speaker>[^\n:]{1,30}): "
_EMPTY = pa.scalar("", pa.large_string())
_COLON = pa.scalar(": ", pa.large_string())


def _assemble(
    lines: pa.Array,
    header_idx: np.ndarray,
    author: pa.Array,
    text: pa.Array,
    stamps: np.ndarray,
    group_hint: str | None,
) -> pd.DataFrame:
    """Decide author, kind and flags of every message."""
    raw = pc.utf8_rtrim(lines.take(pa.array(header_idx)), characters="\n")

    # The body of an iOS system line starts with U+200E; keep that fact before marks go.
    marked = _bools(pc.starts_with(text, "\u200e"))
    author = _clean(author)
    text = _clean(text)
    has_author = pc.not_equal(author, _EMPTY)
    author, text, has_author = _rejoin_colon_names(author, text, has_author)

    # Which lines WhatsApp wrote itself.
    no_author = _bools(pc.invert(has_author))
    named = ~no_author
    untypable, event = _matching(text, [_UNTYPABLE, _SYSTEM_EVENTS])
    untypable &= named
    colon_inside = named & _bools(pc.match_substring_regex(author, _SYSTEM_PREFIX))
    whole = text
    if colon_inside.any():
        whole = pc.binary_join_element_wise(author, text, _COLON)
        colon_inside &= _bools(pc.match_substring_regex(whole, _SYSTEM_EVENTS))
        # `Sarah added Mum: Priya` is an event, unless that "author" also writes messages.
        writers = set(pc.unique(author.filter(pa.array(named & ~colon_inside))).to_pylist())
        colon_inside &= ~_bools(
            pc.is_in(author, value_set=pa.array(sorted(writers), pa.large_string()))
        )
    group_names = set(
        pc.unique(author.filter(pa.array(untypable | (named & marked & event)))).to_pylist()
    )
    if group_hint:
        group_names.add(group_hint)
    group_names.discard("")
    by_group = np.zeros(len(text), dtype=bool)
    if group_names:
        in_group = pc.is_in(author, value_set=pa.array(sorted(group_names), pa.large_string()))
        by_group = named & event & _bools(in_group)
    system = no_author | colon_inside | untypable | by_group
    if colon_inside.any():
        text = pc.if_else(pa.array(colon_inside), whole, text)
    del whole
    author = pc.if_else(pa.array(system), pa.scalar(None, pa.large_string()), author)

    edited = ~system & _bools(pc.match_substring_regex(text, lang.EDITED_SUFFIX))
    if edited.any():
        stripped = pc.replace_substring_regex(
            text.filter(pa.array(edited)), lang.EDITED_SUFFIX, "", max_replacements=1
        )
        text = pc.replace_with_mask(text, pa.array(edited), stripped)

    attachment = _attachments(text)
    kind = _kinds(text, attachment, system)

    suspect = np.zeros(len(stamps), dtype=bool)
    if len(stamps) > 1:
        suspect[1:] = stamps[1:] < stamps[:-1]

    return pd.DataFrame(
        {
            m.LINE: header_idx.astype(np.int64) + 1,
            m.TIMESTAMP: pd.Series(stamps),
            m.AUTHOR: _strings(author),
            m.TEXT: _strings(text),
            m.KIND: pd.Categorical.from_codes(kind, dtype=pd.CategoricalDtype(list(m.KINDS))),
            m.ATTACHMENT: _strings(attachment),
            m.EDITED: edited,
            m.SUSPECT: suspect,
            m.RAW: _strings(raw),
        }
    )


def _rejoin_colon_names(
    author: pa.Array, text: pa.Array, has_author: pa.Array
) -> tuple[pa.Array, pa.Array, pa.Array]:
    """Put back a colon inside a contact's name (``Mum: Priya: Thanks``).

    We split at the first ": ", so such a name loses its second half to the text. When *every*
    message of a name starts with the same short ``word: ``, that word belongs to the name.
    """
    starts_with_word = _bools(pc.match_substring_regex(text, _SPEAKER_PREFIX))
    if not starts_with_word.any():
        return author, text, has_author
    encoded = pc.dictionary_encode(author)
    codes = encoded.indices.to_numpy()
    per_author = np.bincount(codes, minlength=len(encoded.dictionary))
    with_word = np.bincount(codes[starts_with_word], minlength=len(encoded.dictionary))
    names = encoded.dictionary.to_pylist()
    suspects = [
        names[i] for i in np.flatnonzero((per_author == with_word) & (per_author >= 2)) if names[i]
    ]
    if not suspects:
        return author, text, has_author
    candidate = pc.is_in(author, value_set=pa.array(suspects, pa.large_string()))
    speaker = pc.extract_regex(text.filter(candidate), _SPEAKER_PREFIX).field("speaker")
    owners = author.filter(candidate)
    pairs = pd.DataFrame({"a": owners.to_pylist(), "s": speaker.to_pylist()})
    unique = pairs.groupby("a")["s"].nunique()
    colon_names = unique[unique == 1].index.tolist()
    if not colon_names:
        return author, text, has_author
    affected = pc.is_in(author, value_set=pa.array(colon_names, pa.large_string()))
    affected = pc.fill_null(affected, False)
    speaker = pc.extract_regex(text, _SPEAKER_PREFIX).field("speaker")
    joined = pc.binary_join_element_wise(author, speaker, _COLON)
    rest = pc.replace_substring_regex(text, _SPEAKER_PREFIX, "", max_replacements=1)
    return pc.if_else(affected, joined, author), pc.if_else(affected, rest, text), has_author


def _clean(column: pa.Array) -> pa.Array:
    """Remove the invisible direction marks WhatsApp writes around names and placeholders."""
    mask = pc.fill_null(pc.match_substring_regex(column, lang.INVISIBLE_MARKS), False)
    if not bool(pc.any(mask).as_py()):
        return column
    cleaned = pc.replace_substring_regex(column.filter(mask), lang.INVISIBLE_MARKS, "")
    return pc.replace_with_mask(column, mask, cleaned)


def _bools(column: Any) -> np.ndarray:
    return np.asarray(pc.fill_null(column, False).to_numpy(zero_copy_only=False), dtype=bool)


def _strings(column: Any) -> pd.arrays.ArrowStringArray:
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    return pd.arrays.ArrowStringArray(pa.chunked_array([column.cast(pa.large_string())]))


def _attachments(text: pa.Array) -> pa.Array:
    """The exported file's name for messages that carry one, else null."""
    candidates = pc.fill_null(pc.match_substring_regex(text, _ATTACHMENT_ANY), False)
    result = pa.nulls(len(text), pa.large_string())
    if not bool(pc.any(candidates).as_py()):
        return result
    subset = text.filter(candidates)
    names = pa.nulls(len(subset), pa.large_string())
    for pattern in lang.ATTACHMENT_PATTERNS:
        found = pc.extract_regex(subset, pattern)
        name = pc.utf8_trim_whitespace(found.field("file"))
        names = pc.coalesce(names, pc.if_else(found.is_valid(), name, None))
    return pc.replace_with_mask(result, candidates, names)


def _kinds(text: pa.Array, attachment: pa.Array, system: np.ndarray) -> np.ndarray:
    """A code into :data:`~chatguard.model.KINDS` per message; first rule that applies wins."""
    code = {name: i for i, name in enumerate(m.KINDS)}
    kind = np.full(len(text), code["text"], dtype=np.int8)

    def where(column: Any) -> np.ndarray:
        return _bools(column)

    has_file = where(pc.is_valid(attachment))
    vcf = where(pc.ends_with(pc.utf8_lower(pc.fill_null(attachment, "")), lang.CONTACT_FILE_SUFFIX))
    omitted, contact_omitted, location, poll, deleted = _matching(
        text,
        [
            _alternation(lang.MEDIA_OMITTED),
            lang.CONTACT_OMITTED,
            _alternation(lang.LOCATIONS),
            lang.POLL_PREFIX,
            _alternation(lang.DELETED_MESSAGES),
        ],
    )
    kind[(has_file & ~vcf) | omitted] = code["media"]
    kind[(has_file & vcf) | contact_omitted] = code["contact"]
    kind[location] = code["location"]
    kind[poll] = code["poll"]
    kind[deleted] = code["deleted"]
    kind[system] = code["system"]
    return kind


def _warnings(
    label: str,
    fmt: m.ExportFormat,
    frame: pd.DataFrame,
    lines: pa.Array,
    header_idx: np.ndarray,
    export: ExportText,
) -> list[str]:
    """What a careful reader of the results must know about how this file was read."""
    notes: list[str] = []
    if fmt.date_order_assumed:
        notes.append(
            f"{label}: nothing in the file settles the date order; read as {fmt.date_order} "
            "(use --date-order to change)"
        )
    before = int(header_idx[0]) if len(header_idx) else 0
    if before and pc.any(pc.greater(pc.utf8_length(lines.slice(0, before)), 0)).as_py():
        notes.append(
            f"{label}: {before} line(s) before the first message belong to no message "
            "(the export may be cut at the start)"
        )
    total = len(frame)
    cutoff = m.EXPORT_CUTOFF_WITH_MEDIA if export.media else m.EXPORT_CUTOFF
    if total >= int(cutoff * 0.95):
        notes.append(
            f"{label}: {total:,} lines of chat is near the ~{cutoff:,}-message limit at which "
            "WhatsApp silently cuts exports; earlier messages may be missing"
        )
    suspects = int(frame[m.SUSPECT].sum())
    if suspects:
        notes.append(
            f"{label}: {suspects} message(s) have a timestamp earlier than the message before "
            "(marked suspect: a header typed inside a message looks like this)"
        )
    return notes
