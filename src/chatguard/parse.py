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

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from chatguard import exportlang as lang
from chatguard import model as m
from chatguard.errors import ChatguardError
from chatguard.headers import HeaderShape, decide_date_order, learn_shape, marker_kind
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
        raise ChatguardError(
            f"unknown date order {date_order!r}", hint="use one of dmy, mdy, ymd"
        )
    label = str(export.path) if export.member is None else f"{export.path}:{export.member}"
    lines = split_lines(export.data)
    if len(lines) == 0 or not pc.any(pc.greater(pc.utf8_length(lines), 0)).as_py():
        raise ChatguardError(f"{label}: the chat text is empty", hint="export the chat again")
    shape = learn_shape(_sample(lines))
    if shape is None:
        raise ChatguardError(
            f"{label}: no WhatsApp message found",
            hint="is this a WhatsApp chat export (.txt or .zip from 'Export chat')?",
        )
    found = _match_headers(lines, shape)
    matched_idx = np.flatnonzero(found.is_valid().to_numpy(zero_copy_only=False))
    fields = found.take(pa.array(matched_idx))

    def numbers(name: str) -> np.ndarray:
        column = fields.field(name)
        column = pc.if_else(pc.equal(column, ""), "0", column)
        return pc.cast(column, pa.int64()).to_numpy()

    def widths(name: str) -> np.ndarray:
        return pc.utf8_length(fields.field(name)).to_numpy()

    markers = fields.field("ampm")
    twelve_hour = bool(pc.any(pc.not_equal(markers, "")).as_py()) if len(markers) else False
    kinds = None
    if twelve_hour:
        encoded = pc.dictionary_encode(markers).combine_chunks() if isinstance(
            markers, pa.ChunkedArray
        ) else pc.dictionary_encode(markers)
        lookup = np.array([marker_kind(v) for v in encoded.dictionary.to_pylist()], np.int8)
        kinds = lookup[encoded.indices.to_numpy()]
    seconds, time_ok = compute_seconds(numbers("H"), numbers("M"), numbers("S"), kinds)
    order, days, date_ok = decide_date_order(
        (numbers("d1"), numbers("d2"), numbers("d3")),
        (widths("d1"), widths("d2"), widths("d3")),
        seconds,
        date_order,
    )
    ok = time_ok & date_ok
    if not ok.any():
        raise ChatguardError(
            f"{label}: no message has a valid date",
            hint="if the dates are written in an unusual order, try --date-order dmy|mdy|ymd",
        )
    header_idx = matched_idx[ok]
    stamps = (days[ok] * 86_400 + seconds[ok]).astype("datetime64[s]")
    rest = fields.field("rest").filter(pa.array(ok))
    fmt = m.ExportFormat(
        platform=shape.platform,
        date_order=order.order,
        date_order_assumed=order.assumed,
        clock="12h" if twelve_hour else "24h",
        encoding=export.encoding,
    )
    frame = _assemble(lines, header_idx, rest, stamps, export.group)
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
    )
    warnings = _warnings(label, fmt, frame, lines, header_idx, export)
    return m.ParsedExport(source=info, format=fmt, messages=frame, warnings=warnings)


def split_lines(data: bytes) -> pa.LargeStringArray:
    """The physical lines of UTF-8 text as one Arrow array, without copying the text."""
    data = data.replace(b"\r\n", b"\n")
    if not data.endswith(b"\n"):
        data += b"\n"
    buffer = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(buffer == 10)
    offsets = np.empty(len(ends) + 1, dtype=np.int64)
    offsets[0] = 0
    offsets[1:] = ends + 1
    with_newlines = pa.LargeStringArray.from_buffers(
        len(ends), pa.py_buffer(offsets), pa.py_buffer(data)
    )
    return pc.utf8_rtrim(with_newlines, characters="\n")


def _sample(lines: pa.Array) -> list[str]:
    head = lines.slice(0, _SAMPLE_HEAD).to_pylist()
    if len(lines) <= _SAMPLE_HEAD:
        return head
    spread = np.linspace(_SAMPLE_HEAD, len(lines) - 1, _SAMPLE_SPREAD).astype(np.int64)
    return head + lines.take(pa.array(spread)).to_pylist()


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


def _alternation(patterns: tuple[str, ...]) -> str:
    return "|".join(f"(?:{p})" for p in patterns)


_SYSTEM_EVENTS = _alternation(lang.SYSTEM_EVENTS)
_UNTYPABLE = _alternation(lang.UNTYPABLE_EVENTS)
_SYSTEM_PREFIX = _alternation(lang.SYSTEM_PREFIXES)
_AUTHOR = r"^(?P<author>[^\n]*?):(?: |\n|$)(?P<body>(?s:.*))"
_MARKED_BODY = "^[^\\n]*?: \u200e"


def _assemble(
    lines: pa.Array,
    header_idx: np.ndarray,
    rest: pa.Array,
    stamps: np.ndarray,
    group_hint: str | None,
) -> pd.DataFrame:
    """Glue continuation lines to their header and split out author, kind and flags."""
    n_lines = len(lines)
    is_header = np.zeros(n_lines, dtype=bool)
    is_header[header_idx] = True
    content = pc.replace_with_mask(lines, pa.array(is_header), rest)
    offsets = np.append(header_idx, n_lines).astype(np.int64)
    grouped = pa.LargeListArray.from_arrays(pa.array(offsets), content)
    full = pc.utf8_rtrim(pc.binary_join(grouped, pa.scalar("\n", pa.large_string())), characters="\n")
    raw = lines.take(pa.array(header_idx))

    split = pc.extract_regex(full, _AUTHOR)
    has_author = split.is_valid()
    author = split.field("author")
    body_marked = pc.if_else(has_author, split.field("body"), full)
    marked = pc.match_substring_regex(full, _MARKED_BODY)

    author = _clean(author)
    body = _clean(body_marked)
    whole = _clean(full)

    # Decide which lines WhatsApp wrote itself.
    no_author = pc.invert(has_author)
    colon_inside_event = pc.and_kleene(
        has_author, pc.match_substring_regex(author, _SYSTEM_PREFIX)
    )
    untypable = pc.and_kleene(has_author, pc.match_substring_regex(body, _UNTYPABLE))
    event = pc.match_substring_regex(body, _SYSTEM_EVENTS)
    marked_event = pc.and_kleene(pc.and_kleene(has_author, marked), event)
    group_names = set(
        pc.unique(author.filter(pc.or_kleene(untypable, marked_event))).to_pylist()
    )
    if group_hint:
        group_names.add(group_hint)
    group_names.discard(None)
    by_group = pc.and_kleene(
        pc.is_in(author, value_set=pa.array(sorted(group_names), pa.large_string())), event
    ) if group_names else pa.array(np.zeros(len(full), dtype=bool))
    system = pc.or_kleene(pc.or_kleene(no_author, colon_inside_event), pc.or_kleene(untypable, by_group))
    system_np = _bools(system)

    # System lines: no author; their text is the event (without a group name in front).
    text = pc.if_else(
        pc.or_kleene(colon_inside_event, no_author), whole, body
    )
    author = pc.if_else(system, pa.scalar(None, pa.large_string()), author)

    edited = pc.and_kleene(pc.invert(system), pc.match_substring_regex(text, lang.EDITED_SUFFIX))
    edited_np = _bools(edited)
    if edited_np.any():
        text = pc.replace_substring_regex(text, lang.EDITED_SUFFIX, "", max_replacements=1)

    attachment = _attachments(text)
    kind = _kinds(text, attachment, system_np)

    timestamps = pd.Series(stamps)
    suspect = np.zeros(len(stamps), dtype=bool)
    if len(stamps) > 1:
        suspect[1:] = stamps[1:] < stamps[:-1]

    return pd.DataFrame(
        {
            m.LINE: header_idx.astype(np.int64) + 1,
            m.TIMESTAMP: timestamps,
            m.AUTHOR: _strings(author),
            m.TEXT: _strings(text),
            m.KIND: pd.Categorical.from_codes(kind, categories=list(m.KINDS)),
            m.ATTACHMENT: _strings(attachment),
            m.EDITED: edited_np,
            m.SUSPECT: suspect,
            m.RAW: _strings(raw),
        }
    )


def _clean(column: pa.Array) -> pa.Array:
    """Remove the invisible direction marks WhatsApp writes around names and placeholders."""
    return pc.replace_substring_regex(column, lang.INVISIBLE_MARKS, "")


def _bools(column: Any) -> np.ndarray:
    return np.asarray(pc.fill_null(column, False).to_numpy(zero_copy_only=False), dtype=bool)


def _strings(column: Any) -> pd.arrays.ArrowStringArray:
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    return pd.arrays.ArrowStringArray(pa.chunked_array([column.cast(pa.large_string())]))


def _attachments(text: pa.Array) -> pa.Array:
    """The exported file's name for messages that carry one, else null."""
    result = pa.nulls(len(text), pa.large_string())
    for pattern in lang.ATTACHMENT_PATTERNS:
        found = pc.extract_regex(text, pattern)
        name = pc.utf8_trim_whitespace(found.field("file"))
        result = pc.coalesce(result, pc.if_else(found.is_valid(), name, None))
    return result


def _kinds(text: pa.Array, attachment: pa.Array, system: np.ndarray) -> np.ndarray:
    """A code into :data:`~chatguard.model.KINDS` per message; first rule that applies wins."""
    code = {name: i for i, name in enumerate(m.KINDS)}
    kind = np.full(len(text), code["text"], dtype=np.int8)

    def where(column: Any) -> np.ndarray:
        return _bools(column)

    has_file = where(attachment.is_valid())
    vcf = where(pc.ends_with(pc.utf8_lower(pc.fill_null(attachment, "")), lang.CONTACT_FILE_SUFFIX))
    omitted = where(pc.match_substring_regex(text, _alternation(lang.MEDIA_OMITTED)))
    contact_omitted = where(pc.match_substring_regex(text, lang.CONTACT_OMITTED))
    kind[(has_file & ~vcf) | omitted] = code["media"]
    kind[(has_file & vcf) | contact_omitted] = code["contact"]
    kind[where(pc.match_substring_regex(text, _alternation(lang.LOCATIONS)))] = code["location"]
    kind[where(pc.match_substring_regex(text, lang.POLL_PREFIX))] = code["poll"]
    kind[where(pc.match_substring_regex(text, _alternation(lang.DELETED_MESSAGES)))] = code[
        "deleted"
    ]
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
