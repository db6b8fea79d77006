"""Generate a synthetic, deterministic WhatsApp chat export for benchmarking.

Real exports cannot be committed (they are private), and a benchmark must be
reproducible byte for byte, so this script fabricates one from a seeded
``random.Random``. It is stdlib-only on purpose: it runs with any Python 3.11
(the project venv, the peers venv, CI) without installing anything.

The output imitates the features that make real exports expensive or tricky to
parse, in roughly realistic proportions: 30 authors (phone numbers, emoji,
a ZWJ emoji sequence), mostly short messages with a few very long ones, ~10%
multi-line messages, ~5% media placeholders, ~1% system lines without an
author, and the invisible U+200E / U+202F characters that WhatsApp inserts.

Usage::

    python bench/generate.py --messages 1000000 --format android-dmy-24h -o /tmp/x.txt

or, as a module::

    from generate import generate
    text = generate(1000, "ios-dmy-24h", seed=1)
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

FORMATS: tuple[str, ...] = ("android-dmy-24h", "ios-dmy-24h", "android-mdy-12h")
"""Supported export flavours; the names are also the ``--format`` values."""

DEFAULT_SEED = 20250513

GENERATOR_VERSION = 1
"""Bump whenever the output for a given (n, format, seed) changes.

``bench_parse.py`` puts this number in its cache key, so a stale cached file
is never benchmarked after the generator has been changed.
"""

START = dt.datetime(2021, 3, 1, 8, 0, 0)
"""First timestamp. Exports carry naive local wall-clock time, so we do too."""

LRM = "\u200e"  # LEFT-TO-RIGHT MARK: iOS puts it before "[" and before "<attached:" on media lines.
NNBSP = "\u202f"  # NARROW NO-BREAK SPACE: recent Android/iOS put it between the time and AM/PM.

# Share of each kind of entry. Text is the remainder (~84%).
P_MULTILINE = 0.10
P_MEDIA = 0.05
P_SYSTEM = 0.01

GROUP_NAME = "Weekend Crew 🏕️"
"""iOS writes system events as if the group itself had sent them."""

AUTHORS: tuple[str, ...] = (
    "Anna Müller",
    "Ben",
    "Carlos Pérez",
    "Dana 🌸",
    "Eli",
    "+44 7700 900123",
    "Fatima Z.",
    "Giulia Rossi",
    "Hiro Tanaka",
    "+1 (555) 010-4477",
    "Ines",
    "Jonas 🚴",
    "Kemal",
    "Lena B.",
    "Mom ❤️",
    "+34 612 34 56 78",
    "Noah",
    "Olga Ivanova",
    "Priya 👩‍💻",
    "Quentin",
    "Rafa 🇪🇸",
    "Sven",
    "+49 1512 3456789",
    "Tomás",
    "Uma",
    "Viktor",
    "Wen Li",
    "Xavi",
    "+91 98765 43210",
    "Zoë 😎",
)
"""30 participants. Phone numbers and emoji appear because exports of unsaved
contacts and decorated display names are common and stress name matching;
"Priya 👩‍💻" contains a ZERO WIDTH JOINER, which naive cleaning breaks."""

_WORD_TEXT = (
    "the be to of and a in that have I it for not on with he as you do at this but his by "
    "from they we say her she or an will my one all would there their what so up out if about "
    "who get which go me when make can like time no just him know take people into year your "
    "good some could them see other than then now look only come its over think also back "
    "after use two how our work first well way even new want because any these give day most "
    "us tomorrow tonight dinner pizza train late sorry lol haha okay sure thanks meeting "
    "weekend beach football match tickets price cheap expensive birthday party cake gift "
    "photo video link address parking rain sunny coffee tea breakfast lunch flight hotel "
    "Müller café über señor mañana straße größer naïve déjà-vu Zürich São Paulo Kraków "
    "😂 👍 🙏 ❤️ 🎉 😅 🔥 🤔 👀 ✅ 🍕 ⚽"
)
WORDS: tuple[str, ...] = tuple(_WORD_TEXT.split())

SHORT_REPLIES: tuple[str, ...] = (
    "ok",
    "Ok 👍",
    "haha",
    "lol",
    "yes!",
    "no",
    "sure",
    "thanks!",
    "😂😂😂",
    "👍",
    "on my way",
    "same",
    "wow",
    "nice one",
    "k",
    "🙏",
)

SPICE: tuple[str, ...] = (
    "Note: bring cash",
    "https://example.com/events/2021?id=42&ref=chat",
    "see you at 18:30 - don't be late",
    "Q: who has the charger?",
    "10/12 was the better date",
    "price: 12,50 €",
)
"""Fragments that contain colons, dashes, dates or times inside message text.

They are the usual way a header-matching regex gets fooled, so a fair
benchmark must include some."""

MEDIA_KINDS: tuple[tuple[str, str], ...] = (
    ("PHOTO", "jpg"),
    ("PHOTO", "jpg"),
    ("PHOTO", "jpg"),
    ("VIDEO", "mp4"),
    ("AUDIO", "opus"),
    ("STICKER", "webp"),
)

E2E_NOTICE = (
    "Messages and calls are end-to-end encrypted. No one outside of this chat, not even "
    "WhatsApp, can read or listen to them. Tap to learn more."
)

POOL_SIZE = 20_000
"""Distinct message bodies drawn per file.

Building each of 1M bodies word by word would take most of the time budget;
sampling from a pool of 20k keeps generation fast while still giving parsers
plenty of distinct strings (there is no parser-side caching to exploit)."""


@dataclass(frozen=True)
class Stats:
    """What the generator wrote, so a benchmark can check parsers' counts."""

    fmt: str
    seed: int
    entries: int
    """Header lines written: user messages plus system lines (== ``n``)."""
    user_messages: int
    system_lines: int
    multiline_messages: int
    media_messages: int
    lines: int
    chars: int
    first_timestamp: str
    last_timestamp: str


def _body(rng: random.Random, target_len: int) -> str:
    """Build one message body of roughly ``target_len`` characters."""
    words: list[str] = []
    length = -1
    while length < target_len:
        word = rng.choice(WORDS)
        words.append(word)
        length += len(word) + 1
    if rng.random() < 0.06:
        words.insert(rng.randrange(len(words) + 1), rng.choice(SPICE))
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice((".", "", "", "!", "?", " 😂"))


def _make_pool(rng: random.Random) -> tuple[list[str], list[str]]:
    """Return (all bodies, bodies short enough to be one line of a multi-line message).

    Length mix: ~9% one-word replies, ~90% between 20 and 120 characters,
    ~1% long (200-1500 characters), matching the "mostly short, a few very
    long" shape of real group chats.
    """
    pool: list[str] = []
    for _ in range(POOL_SIZE):
        r = rng.random()
        if r < 0.09:
            pool.append(rng.choice(SHORT_REPLIES))
        elif r < 0.99:
            pool.append(_body(rng, rng.randint(20, 120)))
        else:
            pool.append(_body(rng, rng.randint(200, 1500)))
    lines = [b for b in pool if len(b) <= 120]
    return pool, lines


def _date_android_dmy(d: dt.date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def _date_android_mdy(d: dt.date) -> str:
    return f"{d.month}/{d.day}/{d.year % 100:02d}"


def _times_24h_minutes() -> list[str]:
    return [f"{m // 60:02d}:{m % 60:02d}" for m in range(1440)]


def _times_24h_seconds() -> list[str]:
    return [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86400)]


def _times_12h_minutes() -> list[str]:
    out = []
    for m in range(1440):
        hour, minute = divmod(m, 60)
        h12 = hour % 12 or 12
        out.append(f"{h12}:{minute:02d}{NNBSP}{'AM' if hour < 12 else 'PM'}")
    return out


def generate_with_stats(n: int, fmt: str, seed: int = DEFAULT_SEED) -> tuple[str, Stats]:
    """Generate an export of ``n`` entries and return it with its :class:`Stats`.

    Every entry is one header line (a user message, possibly followed by
    continuation lines, or a system line). The first entry is the usual
    end-to-end-encryption notice. Timestamps increase strictly, by 1-300 s
    per entry (1, not 0, so that "strictly" holds at second resolution; the
    minute-resolution Android formats still show many equal stamps).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if n < 1:
        raise ValueError("n must be at least 1")

    rng = random.Random(seed)
    pool, line_pool = _make_pool(rng)
    ios = fmt.startswith("ios")

    date_fmt: Callable[[dt.date], str]
    if fmt == "android-mdy-12h":
        date_fmt, times, per = _date_android_mdy, _times_12h_minutes(), 60
    elif ios:
        date_fmt, times, per = _date_android_dmy, _times_24h_seconds(), 1
    else:
        date_fmt, times, per = _date_android_dmy, _times_24h_minutes(), 60

    # Precomputed "<separator>Name: " per author so the hot loop only concatenates.
    sep = "] " if ios else " - "
    author_tail = [f"{sep}{name}: " for name in AUTHORS]
    # Zipf-like activity: a few people write most of the messages, as in real groups.
    weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(AUTHORS))]
    author_ix = rng.choices(range(len(AUTHORS)), weights=weights, k=n)
    bodies = rng.choices(pool, k=n)
    kinds = rng.random
    gap = rng.random

    out: list[str] = []
    # Seconds since 0001-01-01 (proleptic ordinal days), so divmod gives (ordinal day,
    # second of day) directly and nothing depends on the machine's time zone.
    start_sod = START.hour * 3600 + START.minute * 60 + START.second
    t = START.toordinal() * 86400 + start_sod
    cur_day = -1
    prefix = ""
    user = system = multiline = media = extra_lines = 0
    attachment_no = 0

    for i in range(n):
        if i:
            t += int(gap() * 300) + 1
        day, sec = divmod(t, 86400)
        if day != cur_day:
            cur_day = day
            date_str = date_fmt(dt.date.fromordinal(day))
            prefix = f"[{date_str}, " if ios else f"{date_str}, "
        stamp = prefix + times[sec // per]

        r = kinds() if i else -1.0
        if r < P_SYSTEM:
            system += 1
            event = E2E_NOTICE if i == 0 else _system_event(rng)
            if ios:
                out.append(f"{LRM}{stamp}] {GROUP_NAME}: {LRM}{event}")
            else:
                out.append(f"{stamp} - {event}")
            continue

        user += 1
        head = stamp + author_tail[author_ix[i]]
        if r < P_SYSTEM + P_MEDIA:
            media += 1
            if ios:
                attachment_no += 1
                kind, ext = rng.choice(MEDIA_KINDS)
                when = dt.datetime.fromordinal(day) + dt.timedelta(seconds=sec)
                name = f"{attachment_no:08d}-{kind}-{when:%Y-%m-%d-%H-%M-%S}.{ext}"
                out.append(f"{LRM}{head}{LRM}<attached: {name}>")
            else:
                out.append(head + "<Media omitted>")
        elif r < P_SYSTEM + P_MEDIA + P_MULTILINE:
            multiline += 1
            k = rng.randint(2, 4)
            extra_lines += k - 1
            out.append(head + "\n".join(rng.choices(line_pool, k=k)))
        else:
            out.append(head + bodies[i])

    out.append("")  # exports end with a newline
    text = "\n".join(out)
    last = dt.datetime.fromordinal(cur_day) + dt.timedelta(seconds=t % 86400)
    stats = Stats(
        fmt=fmt,
        seed=seed,
        entries=n,
        user_messages=user,
        system_lines=system,
        multiline_messages=multiline,
        media_messages=media,
        lines=n + extra_lines,
        chars=len(text),
        first_timestamp=START.isoformat(),
        last_timestamp=last.isoformat(),
    )
    return text, stats


def _system_event(rng: random.Random) -> str:
    """Return a group event line body; system lines have no "Name: " part."""
    a, b = rng.sample(AUTHORS, 2)
    return rng.choice(
        (
            f"{a} added {b}",
            f"{a} left",
            f"{a} removed {b}",
            f"{a} joined using this group's invite link",
            f"{a} changed the group description",
        )
    )


def generate(n: int, fmt: str, seed: int = DEFAULT_SEED) -> str:
    """Return a synthetic export of ``n`` entries in format ``fmt`` (see :data:`FORMATS`)."""
    return generate_with_stats(n, fmt, seed)[0]


def write_export(path: Path, n: int, fmt: str, seed: int = DEFAULT_SEED) -> Stats:
    """Write an export to ``path`` as UTF-8 with ``\\n`` line endings and return its stats.

    Written to a temporary name and renamed, so an interrupted run never leaves
    a truncated file that a cache would later trust.
    """
    text, stats = generate_with_stats(n, fmt, seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    tmp.replace(path)
    return stats


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", "-n", type=int, default=1000, help="entries to write")
    parser.add_argument("--format", "-f", choices=FORMATS, default=FORMATS[0], dest="fmt")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("-o", "--output", type=Path, help="output file (default: stdout)")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    if args.output is None:
        text, stats = generate_with_stats(args.messages, args.fmt, args.seed)
        sys.stdout.reconfigure(encoding="utf-8", newline="\n")  # type: ignore[union-attr]
        sys.stdout.write(text)
    else:
        stats = write_export(args.output, args.messages, args.fmt, args.seed)
    elapsed = time.perf_counter() - started
    print(f"generated in {elapsed:.2f}s: {asdict(stats)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
