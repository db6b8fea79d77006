"""Recognise the header at the start of each message and decide the export's format.

A WhatsApp header is ``date, time - `` (Android) or ``[date, time] `` (iOS), written in the
phone's region: the date's field order, separators, 2- or 4-digit years, 12- or 24-hour clock and
a localised AM/PM marker all vary. We decide the shape once per file from a sample of lines,
then run one specialised pattern over every line at once (RE2 through pyarrow, in C++), and
decide the date order from the whole file: a field above 12 settles it, then the order that keeps
timestamps running forward, then ``--date-order``, then day-first.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import permutations

import numpy as np
import regex

from chatguard.exportlang import AM_MARKERS, MARKER_PATTERN, PM_MARKERS, literal

_LEAD = literal(r"^[\x{200e}\x{200f}\x{feff}\x{202a}-\x{202e} ]*")
_DATE_SEPARATORS = (r"\. ", ".", "/", "-")

#: The loosest header we accept, used on a sample to learn the file's shape.
GENERIC_HEADER = regex.compile(
    literal(
        _LEAD + r"(?P<open>\[)?[\x{200e}\x{feff}]*"
        r"(?P<d1>\d{1,4})(?P<s1>\. |[./-])(?P<d2>\d{1,4})(?P=s1)(?P<d3>\d{1,4})\.?"
        r"(?P<comma>,)?[ \x{a0}]*(?:klo )?"
        r"(?P<H>\d{1,2})(?P<tsep>[:.])(?P<M>\d{2})(?:[:.](?P<S>\d{2}))?"
        r"(?:[ \x{a0}\x{202f}]*(?P<ampm>" + MARKER_PATTERN + r"))?"
        r"(?P<close>\])?(?P<delim> [-–] |: | |$)"
    )
)


@dataclass(frozen=True)
class HeaderShape:
    """The parts of the header that are fixed for a whole export."""

    bracket: bool
    date_separator: str
    delimiter: str

    @property
    def delimited(self) -> bool:
        """True when something besides a space ends the header (`] `, ` - `, `: `)."""
        return self.bracket or self.delimiter != " "

    @property
    def platform(self) -> str:
        return "ios" if self.bracket else "android"

    def pattern(self) -> str:
        """An RE2 pattern for this shape, capturing the fields and the author.

        ``prefix`` is everything before the message's text (the header and ``Name: ``): its
        length is all we need to cut the text out of the file without copying each line. The
        author is whatever stands before the first ": " (or a ":" that ends the line).
        """
        sep = regex.escape(self.date_separator)
        if self.bracket:
            opening, closing = r"\[[\x{200e}\x{feff}]*", r"\]"
        else:
            opening, closing = "", ""
        if self.delimiter.strip() in {"-", "–"}:
            delim = r" [-–] "
        elif self.delimiter == ": ":
            delim = ": "
        else:
            delim = " "
        return literal(
            r"(?P<prefix>"
            + _LEAD
            + opening
            + r"(?P<d1>\d{1,4})"
            + sep
            + r"(?P<d2>\d{1,4})"
            + sep
            + r"(?P<d3>\d{1,4})\.?,?[ \x{a0}]*(?:klo )?"
            r"(?P<H>\d{1,2})[:.](?P<M>\d{2})(?:[:.](?P<S>\d{2}))?"
            r"(?:[ \x{a0}\x{202f}]*(?P<ampm>"
            + MARKER_PATTERN
            + r"))?"
            + closing
            + delim
            + r"(?:(?P<author>[^\n:]*(?::[^ \n][^\n:]*)*):(?: |\n|$))?)"
        )


def learn_shapes(sample: list[str]) -> list[HeaderShape]:
    """The header shapes seen in sample lines, most common first."""
    counts = _shape_counts(sample)
    if not counts:
        return []
    total = sum(counts.values())
    ranked = counts.most_common()
    return [ranked[0][0]] + [shape for shape, n in ranked[1:] if n >= 3 and n >= 0.005 * total]


def _shape_counts(sample: list[str]) -> Counter[HeaderShape]:
    shapes: Counter[HeaderShape] = Counter()
    for line in sample:
        match = GENERIC_HEADER.match(line)
        if match is None:
            continue
        bracket = bool(match["open"]) and bool(match["close"])
        if bool(match["open"]) != bool(match["close"]):
            continue
        delimiter = match["delim"]
        if not bracket and delimiter in {" ", ""}:
            # `13. 6. 2018. 21:25:15 a: m` has no delimiter; accept only when nothing better shows.
            delimiter = " "
        if bracket and delimiter == "":
            continue
        if bracket:
            delimiter = " "
        shapes[HeaderShape(bracket, match["s1"], delimiter)] += 1
    return shapes


@dataclass(frozen=True)
class DateOrder:
    """The decided order of the three date fields, e.g. ``dmy``, and whether it was assumed."""

    order: str
    assumed: bool


#: Preference when the file cannot tell: a UK tool reads day-first.
_PREFERENCE = ("dmy", "mdy", "ymd", "ydm", "myd", "dym")


def decide_date_order(
    fields: tuple[np.ndarray, np.ndarray, np.ndarray],
    widths: tuple[np.ndarray, np.ndarray, np.ndarray],
    seconds_of_day: np.ndarray,
    requested: str | None,
) -> tuple[DateOrder, np.ndarray, np.ndarray]:
    """Pick the date order for the whole file and return it with the dates and a validity mask.

    ``fields`` are the three numbers of every header, ``widths`` their written lengths (a 4-digit
    field is a year). Returns ``(order, days since epoch as int64, valid mask)``.
    """
    candidates: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for perm in permutations("dmy"):
        order = "".join(perm)
        year_pos = order.index("y")
        # A year has 2 or 4 digits; day and month at most 2.
        bad_width = np.zeros(len(fields[0]), dtype=bool)
        for pos in range(3):
            if pos == year_pos:
                bad_width |= (widths[pos] != 2) & (widths[pos] != 4)
            else:
                bad_width |= widths[pos] > 2
        year = fields[year_pos]
        year = np.where(widths[year_pos] == 2, year + 2000, year)
        days, valid = _days_since_epoch(year, fields[order.index("m")], fields[order.index("d")])
        candidates[order] = (days, valid & ~bad_width)
    if requested is not None:
        days, valid = candidates[requested]
        return DateOrder(requested, assumed=False), days, valid

    def backwards(order: str) -> int:
        days, valid = candidates[order]
        stamps = days[valid] * 86_400 + seconds_of_day[valid]
        return int(np.count_nonzero(np.diff(stamps) < 0))

    # Phones write day-month-year, month-day-year, or a 4-digit year first.
    four_digit_year_first = bool(np.all(widths[0] == 4))
    usual = ["dmy", "mdy"] + (["ymd"] if four_digit_year_first else [])
    fitting = [o for o in usual if bool(candidates[o][1].all())]
    if not fitting:
        most = max(int(valid.sum()) for _, valid in candidates.values())
        fitting = [o for o in _PREFERENCE if int(candidates[o][1].sum()) == most]
    scored = sorted(fitting, key=lambda o: (backwards(o), _PREFERENCE.index(o)))
    best = scored[0]
    assumed = len(scored) > 1 and backwards(scored[1]) == backwards(best)
    # A shape found in no real export (2-digit year first) wins only on the evidence of time
    # running forward where the usual reading runs backwards.
    if backwards(best) * 100 <= len(fields[0]):
        days, valid = candidates[best]
        return DateOrder(best, assumed=assumed), days, valid
    for order in _PREFERENCE:
        if order in fitting or not bool(candidates[order][1].all()):
            continue
        if backwards(order) < backwards(best):
            best, assumed = order, False
    days, valid = candidates[best]
    return DateOrder(best, assumed=assumed), days, valid


def _days_since_epoch(
    year: np.ndarray, month: np.ndarray, day: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Dates as days since 1970-01-01, with a mask of the ones that exist on a calendar."""
    valid = (month >= 1) & (month <= 12) & (day >= 1) & (year >= 1970) & (year <= 2200)
    safe_month = np.where(valid, month, 1)
    safe_year = np.where(valid, year, 1970)
    months = (safe_year - 1970) * 12 + (safe_month - 1)
    first = months.astype("datetime64[M]").astype("datetime64[D]")
    following = (months + 1).astype("datetime64[M]").astype("datetime64[D]")
    length = (following - first).astype(np.int64)
    valid &= day <= length
    days = first.astype(np.int64) + np.where(valid, day, 1) - 1
    return days, valid


def seconds_of_day(
    hour: np.ndarray, minute: np.ndarray, second: np.ndarray, marker_kind: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """Seconds since midnight and a validity mask.

    ``marker_kind`` is 0 (none), 1 (AM) or 2 (PM) per header. ``2:03 p.m.`` is 14:03 and
    ``12:10 a.m.`` is 00:10. Hand-edited exports hold impossible times such as ``23:59 PM``; an
    hour above 12 is taken as already on the 24-hour clock.
    """
    if marker_kind is not None:
        pm = (marker_kind == 2) & (hour < 12)
        am_midnight = (marker_kind == 1) & (hour == 12)
        hour = np.where(pm, hour + 12, np.where(am_midnight, 0, hour))
    valid = (hour <= 23) & (minute <= 59) & (second <= 59)
    return hour * 3600 + minute * 60 + second, valid


def marker_kind(marker: str) -> int:
    """1 for an AM marker, 2 for PM, 0 for anything else (localised markers from the data table)."""
    key = regex.sub("[.\\s\u00a0\u202f]", "", marker).lower()
    if key in PM_MARKERS:
        return 2
    if key in AM_MARKERS:
        return 1
    return 0
