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

Message bodies are random words by default (``--content mixed``), which is what a parser should
be timed on. ``--content school`` writes ordinary class-group chatter with ~1% code-of-conduct
breaches planted in it instead, for timing the rules (``bench_scan.py``); only the bodies differ.

Usage::

    python bench/generate.py --messages 1000000 --format android-dmy-24h -o /tmp/x.txt
    python bench/generate.py --messages 1000000 --content school -o /tmp/school.txt

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

CONTENTS: tuple[str, ...] = ("mixed", "school")
"""Kinds of message body; the names are also the ``--content`` values.

``mixed`` (the default, unchanged since version 1) is random words in many languages: good for
timing a parser, useless for timing rules, which would find almost nothing to do. ``school`` is
ordinary class-group chatter with ~1% breaches of a parents' code of conduct planted in it, so a
scan does the work it does on a real export: prefilters pass some rows, exact patterns run,
exceptions and near-matches are tested, findings are built.
"""

SCHOOL_GROUP_NAME = "Year 3 Parents 🏫"

SCHOOL_SLOTS: dict[str, tuple[str, ...]] = {
    # Staff of the fictional school in fixtures/labelled/roster.yaml, so a scan with that roster
    # meets them. Pratt and Hancock are there on purpose: surnames that contain or resemble a
    # swear are what the swearing rule's exceptions exist for.
    "staff": (
        "Mrs Patel",
        "Miss Carter",
        "Mr Hill",
        "Mrs Whitfield",
        "Mr Bennett",
        "Miss Hancock",
        "Mr Pratt",
        "Mrs Grayson",
        "Mrs Wood",
        "Mrs Hussain",
        "Mrs P",
    ),
    # Pupils' first names from the same roster, including those that are also ordinary words
    # (Grace, Will, Rose, Mark, Hope, Summer), which name rules must treat with care.
    "child": (
        "Jack",
        "Ellie",
        "Liam",
        "Tom",
        "Amelia",
        "Grace",
        "Rose",
        "Will",
        "Mark",
        "Hope",
        "Summer",
        "Oliver",
        "Isla",
        "Harjot",
        "Noah",
        "Freya",
        "Aisha",
        "Mason",
        "Poppy",
        "Leo",
        "Maisie",
        "Charlie",
        "Ava",
        "Ethan",
        "Lily",
        "Zain",
        "Ruby",
        "Alfie",
        "Evie",
        "Oscar",
        "Sophia",
        "Millie",
        "Theo",
        "Layla",
        "Archie",
        "Daisy",
        "Zoë",
    ),
    "day": (
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "tomorrow",
        "next Tuesday",
        "the 14th",
        "this Friday",
    ),
    "time": ("8:45", "3:15", "9am", "2pm", "15:30", "half 3", "10:30", "12.15"),
    "item": (
        "PE kit",
        "reading folder",
        "water bottle",
        "jumper",
        "cardigan",
        "lunchbox",
        "coat",
        "book bag",
        "swimming kit",
        "wellies",
        "library book",
        "trainers",
        "fleece",
    ),
    "colour": ("navy", "grey", "red", "green", "blue", "black"),
    "place": (
        "Jump Zone",
        "the village hall",
        "Clent Hills",
        "Twycross Zoo",
        "the leisure centre",
        "the Safari Park",
        "Think Tank",
        "Laser Quest",
        "Cadbury World",
        "Soft Play Palace",
    ),
    "amount": ("£2", "£3", "£5", "£12.50", "£1.50", "£8"),
    "club": (
        "football club",
        "choir",
        "Lego club",
        "netball",
        "coding club",
        "breakfast club",
        "art club",
        "multi-sports",
    ),
    "event": (
        "the harvest festival",
        "the Christmas fair",
        "sports day",
        "the nativity",
        "World Book Day",
        "the summer fete",
        "parents' evening",
        "the cake sale",
        "non-uniform day",
        "Children in Need",
    ),
    "year": ("Year 3", "Y3", "Birch class", "Willow class", "Year 4"),
}
"""Values for the ``{slot}`` placeholders of the sentences below (``child2``/``day2`` too)."""

SCHOOL_SENTENCES: tuple[str, ...] = (
    "Does anyone know if it's PE on {day} this week?",
    "{staff} said PE kit needs to be in school on {day}",
    "Anyone seen a {colour} jumper with {child} written in it? Came home with someone else's 🙈",
    "Lost: {colour} {item}, the label says {child}. Thanks!",
    "Found a {item} in our bag with no name, will hand it in to the office",
    "Reminder: trip money for {place} is due {day}, {amount} on ParentPay",
    "The {place} trip is {day}, packed lunch and a coat please",
    "{child}'s party is at {place} on Saturday, {time}, hope everyone can come 🎉",
    "Happy birthday {child}! 🎂🎈",
    "Thanks so much for inviting {child}, had the best time at {place}",
    "Can anyone do pick up for {child} {day}? Stuck at work till {time}",
    "Is {club} still on {day}?",
    "{staff} is running {club} this term, sign up at the office",
    "Cake sale for {event} {day}, any donations welcome 🍰",
    "Does anyone have a spare {item}? {child} has grown out of theirs",
    "Swimming starts {day}, they need a towel, costume and hat",
    "Homework is on the website, it's the spelling sheet again",
    "Letter came home about {event}, costumes by {day}",
    "{staff} said reading records need signing every week",
    "Parents' evening slots open {day}, book through the app",
    "Anyone know what time they finish {day}? {time} I think?",
    "Non-uniform day {day}, {amount} for Children in Need",
    "Thanks {staff} for organising {event}, the kids loved it ❤️",
    "Well done to everyone in {year} for {event}, amazing!",
    "The car park is closed {day}, {staff} asked us to park on the road",
    "Headlice letter again 🙄 check heads everyone",
    "Note: school photos are {day}, hair brushed please 😂",
    "Can someone send me a photo of the spellings? We lost the sheet",
    "{child} came home saying they're doing the Romans, anyone got an old sheet for a toga lol",
    "Is it a packed lunch day {day} for the trip?",
    "Could whoever borrowed our {item} drop it back? no rush x",
    "{staff} fixed the gate this morning, what a star",
    "Mr Pratt the caretaker sorted the heating in the hall 👍",
    "Miss Hancock's class won the attendance cup again",
    "Dick Whittington panto at {place} on the 12th, anyone want to share a lift?",
    "Spotted dick for pudding {day}, {child} is very excited 😂",
    "Anyone going to the Christmas fair? Need volunteers for the tombola",
    "Uniform sale at the PTA stall {day} {time}, everything {amount}",
    "Please can we all remember to label jumpers, lost property is overflowing",
    "Bring a bottle for the tombola if you can",
    "The consent form for the trip: https://forms.example.org/trip?class=y3&id=42",
    "See you at {time} - don't be late, the coach leaves on time",
    "Q: does the {item} need a name in it? A: yes, everything does",
    "{child} and {child2} are inseparable at the moment 😂",
    "Playdate at ours {day} if {child} is free?",
    "Who's doing the class gift for {staff}? Happy to chip in {amount}",
    "Collection for {staff}'s leaving present, {amount} each if you can",
    "{staff} is off this week so {year} have a supply teacher",
    "{staff} gave {child} star of the week ⭐ so proud",
    "Are they allowed to take toys in for show and tell {day}?",
    "Weather looks awful {day}, wellies for forest school",
    "Bag2School collection {day}, bags at the office",
    "Anyone want to car share for {place}?",
    "Tickets for {event} came through, {amount} each",
    "{child} got a certificate for reading today, so proud",
    "Lunch menu changes next week, it's on the website",
    "Can I just check it's an inset day {day}?",
    "School's closed {day} for the election, don't forget!",
    "Breakfast club opens at 7:45 from {day}",
    "Is {child} going to {child2}'s sleepover? Just checking numbers",
    "Sorry to ask again but what's the login for the app?",
    "Yes it's {day}, {staff} confirmed",
    "Thanks all, found it 🙏",
    "Who has the spare key for the PTA cupboard?",
    "PTA meeting {day} at {time} in the hall, all welcome",
    "Quiz night tickets {amount}, teams of 6, raffle too",
    "{club} is cancelled {day}, {staff} is on a course",
    "Does anyone know if {staff} got the message about {child}'s dentist appointment?",
    "It was {colour} with a hood, last seen on the field",
    "Just a heads up the barrier on the car park is stuck again",
    "Lovely to see everyone at {event} ❤️",
    "{child} wants to be the Gruffalo for World Book Day, any ideas?",
    "Anyone else's kid come out starving?? {child} ate 2 yoghurts in the car 😂",
    "Return slips for {event} by {day} please",
    "We're driving through Scunthorpe on Saturday if anyone needs anything",
    "Cocktail evening for the PTA {day}, {amount} a ticket 🍹",
    "Shiitake mushrooms at the harvest stall, {child} picked them 🍄",
    "Roll on half term 😂",
    "Good luck to the football team {day}! ⚽",
    "Anyone know the date for sports day? Need to book time off",
    "10/12 was the date for the nativity I think",
    "Price: {amount} for the class photo, order by {day}",
    "Please be patient at the crossing, {staff} says it's been really busy",
    "Reading books get changed on {day} and {day2}",
    "{child} fell over at lunch and has a bloody knee, the office phoned, all fine now",
    "{staff} was brilliant with {child} at the nativity rehearsal",
    "Did {child} bring home a {colour} {item} by mistake? {child2} can't find theirs",
    "Hi all, it's {child}'s mum, does anyone have {staff}'s class email?",
    "Meeting the teacher {day} at {time}, it's in the {year} classroom",
    "Can't believe how quickly this term has gone",
    "The photos from {event} are on the school website 📸",
    "Are we meant to send a snack for {club} or do they get one?",
    "Ha yes {child} said the same",
    "Drop off is at the side gate {day} because of the works",
)
"""Ordinary class-group sentences: logistics, kit, trips, parties, lost property, staff and
children named in neutral contexts. A few contain words that *look* like trouble (Scunthorpe,
cocktail, spotted dick, bloody knee, Mr Pratt) because real chats do and rules must let them pass.
"""

SCHOOL_BREACHES: tuple[str, ...] = (
    # swearing, plain and disguised
    "This is bloody ridiculous, the letter came out the day before",
    "what the f*ck is going on with the car park",
    "absolute sh1t show at pick up again",
    "f.u.c.k this, nobody tells us anything",
    "fuuuuck I forgot the PE kit again",
    "$h!t, trip money was due yesterday",
    "bollocks to the new homework rule",
    "pissed off with the parking again, same people every day",
    "who the hell does {staff} think they are, f***ing joke",
    # insulting staff
    "{staff} is absolutely useless",
    "{staff} is a complete idiot, honestly",
    "that teacher is a total joke",
    "{staff} hasn't got a clue, totally clueless",
    "{staff} is so patronising at parents' evening",
    "{staff} is an absolute disgrace",
    # shouting in capitals
    "WHY DOES NOBODY EVER TELL US ANYTHING ABOUT THE TRIP",
    "THIS IS THE THIRD TIME CLUB HAS BEEN CANCELLED THIS TERM",
    "I AM SICK OF CHASING THE OFFICE FOR ANSWERS",
    # challenging school policy
    "let's all ignore the uniform rule and send them in trainers",
    "Let's all keep them off on Friday, they can't fine every one of us",
    "Just ignore the homework policy, I'm not doing it any more",
    # bringing the school into disrepute
    "this school is a joke",
    "This school is an absolute joke, worst in the county",
    "I'm putting this on Facebook so everyone sees what this school is really like",
    "Honestly thinking of pulling {child} out, this place is a shambles",
    # naming a child negatively, private contact details
    "{child} is a nightmare, keep your kids away",
    "{child} is a bully and everyone knows it",
    "Here's the head's personal email, flood it: claire.whitfield1975@gmail.com",
)
"""Code-of-conduct breaches, planted in ~1% of messages: swearing (also disguised: ``f*ck``,
``sh1t``, ``f.u.c.k``, ``fuuuuck``, ``$h!t``), insults of staff, shouting, calls to ignore a
policy, disrepute, naming a child, a private email address. Rules the pack does not have yet
simply find nothing in them; the harness reports how many were planted beside the findings.
"""

SCHOOL_SHORT_REPLIES: tuple[str, ...] = (
    *SHORT_REPLIES,
    "thank you x",
    "ta",
    "legend 🙌",
    "same here",
    "yes Thursday",
    "no idea sorry",
    "brilliant thanks",
    "will do x",
)

P_SCHOOL_BREACH = 0.01
P_SCHOOL_SHORT = 0.09
P_SCHOOL_LONG = 0.01


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
    content: str = "mixed"
    """Which bodies were written (see :data:`CONTENTS`)."""
    breach_messages: int = 0
    """Messages containing a planted code-of-conduct breach (``school`` content only)."""


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


def _school_sentence(rng: random.Random, templates: tuple[str, ...]) -> str:
    """One sentence from ``templates`` with its ``{slot}`` placeholders filled in."""
    picks = {slot: rng.choice(values) for slot, values in SCHOOL_SLOTS.items()}
    picks["child2"] = rng.choice(SCHOOL_SLOTS["child"])
    picks["day2"] = rng.choice(SCHOOL_SLOTS["day"])
    return rng.choice(templates).format_map(picks)


def _make_school_pool(rng: random.Random) -> tuple[list[str], list[str], frozenset[str]]:
    """Return (all bodies, one-line bodies, the bodies that are breaches) for ``school`` content.

    Same length mix as :func:`_make_pool`: ~9% short replies, ~1% long messages (several
    sentences, 200-1500 characters), the rest one sentence or two. ~1% of bodies carry a breach,
    half of them after an ordinary sentence, as people tend to vent in the middle of logistics.
    """
    pool: list[str] = []
    breaches: set[str] = set()
    for _ in range(POOL_SIZE):
        r = rng.random()
        if r < P_SCHOOL_SHORT:
            pool.append(rng.choice(SCHOOL_SHORT_REPLIES))
        elif r < P_SCHOOL_SHORT + P_SCHOOL_BREACH:
            body = _school_sentence(rng, SCHOOL_BREACHES)
            if rng.random() < 0.5:
                body = _school_sentence(rng, SCHOOL_SENTENCES) + " " + body
            pool.append(body)
            breaches.add(body)
        elif r < P_SCHOOL_SHORT + P_SCHOOL_BREACH + P_SCHOOL_LONG:
            target = rng.randint(200, 1500)
            sentences = [_school_sentence(rng, SCHOOL_SENTENCES)]
            while sum(len(x) + 1 for x in sentences) < target:
                sentences.append(_school_sentence(rng, SCHOOL_SENTENCES))
            pool.append(" ".join(sentences))
        else:
            k = 1 if rng.random() < 0.7 else 2
            pool.append(" ".join(_school_sentence(rng, SCHOOL_SENTENCES) for _ in range(k)))
    lines = [b for b in pool if len(b) <= 120]
    return pool, lines, frozenset(breaches)


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


def generate_with_stats(
    n: int, fmt: str, seed: int = DEFAULT_SEED, *, content: str = "mixed"
) -> tuple[str, Stats]:
    """Generate an export of ``n`` entries and return it with its :class:`Stats`.

    Every entry is one header line (a user message, possibly followed by
    continuation lines, or a system line). The first entry is the usual
    end-to-end-encryption notice. Timestamps increase strictly, by 1-300 s
    per entry (1, not 0, so that "strictly" holds at second resolution; the
    minute-resolution Android formats still show many equal stamps).

    ``content`` chooses the message bodies (:data:`CONTENTS`); everything else (authors,
    timestamps, media, system lines, multi-line shares) is the same for both.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if content not in CONTENTS:
        raise ValueError(f"unknown content {content!r}; choose one of {', '.join(CONTENTS)}")
    if n < 1:
        raise ValueError("n must be at least 1")

    rng = random.Random(seed)
    # The "mixed" branch must consume the random stream exactly as version 1 did: its bytes
    # are the parse benchmark's reference and are cached under GENERATOR_VERSION.
    breaches: frozenset[str] = frozenset()
    if content == "school":
        pool, line_pool, breaches = _make_school_pool(rng)
        group_name = SCHOOL_GROUP_NAME
    else:
        pool, line_pool = _make_pool(rng)
        group_name = GROUP_NAME
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
    user = system = multiline = media = extra_lines = breach = 0
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
                out.append(f"{LRM}{stamp}] {group_name}: {LRM}{event}")
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
            chosen = rng.choices(line_pool, k=k)
            if breaches and any(line in breaches for line in chosen):
                breach += 1
            out.append(head + "\n".join(chosen))
        else:
            if breaches and bodies[i] in breaches:
                breach += 1
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
        content=content,
        breach_messages=breach,
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


def generate(n: int, fmt: str, seed: int = DEFAULT_SEED, *, content: str = "mixed") -> str:
    """Return a synthetic export of ``n`` entries in format ``fmt`` (see :data:`FORMATS`)."""
    return generate_with_stats(n, fmt, seed, content=content)[0]


def write_export(
    path: Path, n: int, fmt: str, seed: int = DEFAULT_SEED, *, content: str = "mixed"
) -> Stats:
    """Write an export to ``path`` as UTF-8 with ``\\n`` line endings and return its stats.

    Written to a temporary name and renamed, so an interrupted run never leaves
    a truncated file that a cache would later trust.
    """
    text, stats = generate_with_stats(n, fmt, seed, content=content)
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
    parser.add_argument(
        "--content",
        choices=CONTENTS,
        default=CONTENTS[0],
        help="message bodies: random words (default) or school chatter with ~1%% breaches",
    )
    parser.add_argument("-o", "--output", type=Path, help="output file (default: stdout)")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    if args.output is None:
        text, stats = generate_with_stats(args.messages, args.fmt, args.seed, content=args.content)
        sys.stdout.reconfigure(encoding="utf-8", newline="\n")  # type: ignore[union-attr]
        sys.stdout.write(text)
    else:
        stats = write_export(args.output, args.messages, args.fmt, args.seed, content=args.content)
    elapsed = time.perf_counter() - started
    print(f"generated in {elapsed:.2f}s: {asdict(stats)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
