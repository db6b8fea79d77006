"""Find and decode a WhatsApp export: a .txt, a .zip, or a folder holding one.

This stage turns what the user pointed at into UTF-8 bytes of the chat text, plus what we must
know about the source for evidence (its name, size and SHA-256). Nothing is ever extracted to
disk: zip members are read into memory with a cap on how much is read, so a hostile zip can
neither write outside a folder nor fill the memory.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from chatguard.errors import ChatguardError

#: Largest export we read. Real exports are a few MB (WhatsApp caps them at ~40,000 messages).
MAX_EXPORT_BYTES = 1 << 30
#: Largest chat text we decompress from a zip, whatever its header claims (zip-bomb guard).
MAX_UNZIPPED_CHAT_BYTES = 1 << 30

_GROUP_FROM_NAME = re.compile(
    r"^WhatsApp Chat (?:with|-|mit|con|avec|met) (?P<group>.+?)(?: \(\d+\))?$"
)
_CHAT_MEMBER = re.compile(r"(^|/)(_chat\.txt|[^/]*\.txt)$", re.IGNORECASE)


@dataclass(frozen=True)
class ExportText:
    """One chat export, decoded to UTF-8 and ready for the parser."""

    path: Path
    """The file the user gave (the .zip, or the .txt)."""
    name: str
    """Short display name of the export (file name, and the chat member for a zip)."""
    data: bytes
    """The chat text as UTF-8, without a byte-order mark."""
    encoding: str
    """The encoding the chat text was written in (utf-8, utf-8-sig, utf-16 …)."""
    sha256: str
    """SHA-256 of the file as given, so a summary can be tied to the exact evidence."""
    size: int
    """Size in bytes of the file as given."""
    member: str | None = None
    """The chat's name inside the zip, when the export is a zip."""
    media: tuple[str, ...] = field(default=())
    """Base names of the other files in the zip (photos, voice notes …)."""
    notes: tuple[str, ...] = field(default=())
    """What was assumed while reading (a file cut inside its last character, say)."""

    @property
    def group(self) -> str | None:
        """The group's name, when the file is named the way WhatsApp names exports."""
        for candidate in (self.member, self.path.name):
            if candidate:
                stem = Path(candidate).stem
                match = _GROUP_FROM_NAME.match(stem)
                if match:
                    return match.group("group")
        return None


def read_export(
    path: str | Path, *, chat: str | None = None, encoding: str | None = None
) -> ExportText:
    """Read the export at ``path`` (a .txt, a .zip, or a folder with exactly one of them).

    ``chat`` picks the chat text inside a zip that holds several; ``encoding`` overrides the
    detection for a text file in an unusual code page.
    """
    given = Path(path)
    if not given.exists():
        raise ChatguardError(f"{given}: no such file", hint="check the path of the export")
    if given.is_dir():
        given = _single_export_in(given)
    if not given.is_file():
        raise ChatguardError(f"{given}: not a regular file", hint="give a .txt or .zip export")
    size = given.stat().st_size
    if size > MAX_EXPORT_BYTES:
        raise ChatguardError(
            f"{given}: {size / 2**30:.1f} GiB is larger than the {MAX_EXPORT_BYTES >> 30} GiB "
            "chatguard reads",
            hint="WhatsApp exports are far smaller; check that this is the chat export",
        )
    if size == 0:
        raise ChatguardError(f"{given}: the file is empty", hint="export the chat again")
    raw = _read_only(given)
    digest = hashlib.sha256(raw).hexdigest()
    if raw.startswith((b"PK\x03\x04", b"PK\x05\x06")) or zipfile.is_zipfile(given):
        member, text_bytes, media = _chat_from_zip(given, raw, chat)
        name = f"{given.name}:{member}"
    else:
        if chat is not None:
            raise ChatguardError(f"{given}: --chat applies to .zip exports only")
        member, text_bytes, media = None, raw, ()
        name = given.name
    label = str(given) if member is None else f"{given}:{member}"
    notes: list[str] = []
    data, used = decode_chat_bytes(text_bytes, label, encoding, notes)
    return ExportText(
        path=given,
        name=name,
        data=data,
        encoding=used,
        sha256=digest,
        size=size,
        member=member,
        media=media,
        notes=tuple(notes),
    )


def _read_only(path: Path) -> bytes:
    """Read the whole file, opened read-only (the evidence is never modified)."""
    try:
        with path.open("rb") as handle:
            return handle.read()
    except PermissionError as exc:
        raise ChatguardError(
            f"{path}: permission denied", hint="check the file's permissions"
        ) from exc
    except OSError as exc:
        raise ChatguardError(f"{path}: cannot be read ({exc.strerror})") from exc


def _single_export_in(folder: Path) -> Path:
    """The one export in a folder; several or none is the user's call to make."""
    candidates = sorted(
        p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in {".txt", ".zip"}
    )
    if not candidates:
        raise ChatguardError(
            f"{folder}: no .txt or .zip export in this folder",
            hint="give the path of the exported chat file",
        )
    if len(candidates) > 1:
        names = ", ".join(p.name for p in candidates[:10])
        raise ChatguardError(
            f"{folder}: several possible exports ({names})", hint="give the file you mean"
        )
    return candidates[0]


def _chat_from_zip(path: Path, raw: bytes, chat: str | None) -> tuple[str, bytes, tuple[str, ...]]:
    """Pick the chat text in a WhatsApp zip and read it, capped, into memory."""
    import io as _io

    try:
        archive = zipfile.ZipFile(_io.BytesIO(raw))
    except _ZIP_ERRORS as exc:
        raise ChatguardError(
            f"{path}: a damaged zip file ({_one_line(exc)})",
            hint="it may be cut short: copy or download the export again",
        ) from exc
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        texts = [
            i
            for i in infos
            if _CHAT_MEMBER.search(i.filename) and not i.filename.startswith("__MACOSX/")
        ]
        if chat is not None:
            chosen = [i for i in texts if i.filename == chat or Path(i.filename).name == chat]
            if not chosen:
                names = ", ".join(i.filename for i in texts) or "none"
                raise ChatguardError(
                    f"{path}: no chat named {chat!r} in the zip (chats: {names})",
                    hint="give one of those names to --chat",
                )
            info = chosen[0]
        elif not texts:
            inner = [i.filename for i in infos if i.filename.lower().endswith(".zip")]
            if inner:
                raise ChatguardError(
                    f"{path}: the zip holds another zip ({inner[0]!r}) and no chat text",
                    hint="unzip it and give the inner zip to chatguard",
                )
            raise ChatguardError(
                f"{path}: the zip holds no chat text (.txt)",
                hint="export the chat again from WhatsApp (Export chat)",
            )
        elif len(texts) > 1:
            names = ", ".join(repr(i.filename) for i in texts[:10])
            more = f" and {len(texts) - 10} more" if len(texts) > 10 else ""
            raise ChatguardError(
                f"{path}: the zip holds several chats ({names}{more})",
                hint="pick one with --chat NAME",
            )
        else:
            info = texts[0]
        if info.flag_bits & 0x1:
            raise ChatguardError(
                f"{path}: {info.filename} is encrypted in the zip",
                hint="unzip it with its password and give the .txt",
            )
        data = _read_member_capped(archive, info, path)
        media = tuple(sorted(Path(i.filename).name for i in infos if i is not info))
        return info.filename, data, media


def _read_member_capped(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path) -> bytes:
    """Decompress one member, refusing to go past the cap whatever the header claims."""
    chunks: list[bytes] = []
    total = 0
    try:
        with archive.open(info) as member:
            while True:
                chunk = member.read(1 << 20)
                if not chunk:
                    break
                total += len(chunk)
                if total > MAX_UNZIPPED_CHAT_BYTES:
                    raise ChatguardError(
                        f"{path}: {info.filename} unpacks to more than "
                        f"{_size(MAX_UNZIPPED_CHAT_BYTES)}; stopped reading",
                        hint="this is not an ordinary WhatsApp export",
                    )
                chunks.append(chunk)
    except _ZIP_ERRORS as exc:
        raise ChatguardError(
            f"{path}: {info.filename} cannot be unpacked ({_one_line(exc)})",
            hint="the zip may be damaged: copy or download the export again",
        ) from exc
    return b"".join(chunks)


#: What zipfile and zlib raise on damaged or unusual archives.
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    NotImplementedError,
    ValueError,
    EOFError,
    OSError,
    RuntimeError,  # encrypted members without a password
    KeyError,
)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__


def _size(n: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:g} {unit}"
    return f"{n} bytes"


def decode_chat_bytes(
    data: bytes, label: str, encoding: str | None = None, notes: list[str] | None = None
) -> tuple[bytes, str]:
    """Return the chat text as UTF-8 bytes without BOM, and the encoding it was in.

    WhatsApp writes UTF-8 (iOS sometimes with a BOM); files passed through Windows tools arrive
    as UTF-16 with a BOM. Anything else must be named with ``--encoding``: guessing a code page
    silently would change what a parent wrote.
    """
    if encoding is not None:
        try:
            text = data.decode(encoding)
        except LookupError as exc:
            raise ChatguardError(f"{label}: unknown encoding {encoding!r}") from exc
        except UnicodeDecodeError as exc:
            raise _undecodable(data, exc, label, encoding) from exc
        return text.lstrip("\ufeff").encode("utf-8"), encoding
    if data.startswith(codecs.BOM_UTF8):
        used, body = "utf-8-sig", data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = _decode_cut(data, "utf-16", label, notes)
        except UnicodeDecodeError as exc:
            raise _undecodable(data, exc, label, "utf-16") from exc
        return text.lstrip("\ufeff").encode("utf-8"), "utf-16"
    else:
        used, body = "utf-8", data
    utf16 = _utf16_without_bom(body)
    if utf16 is not None:
        return _decode_cut(body, utf16, label, notes).encode("utf-8"), utf16
    body = _drop_cut_character(body, label, notes)
    _check_utf8(body, label)
    if b"\x00" in body:
        line = body.count(b"\n", 0, body.index(b"\x00")) + 1
        raise ChatguardError(
            f"{label}: line {line}: NUL bytes, so this looks like a binary file",
            hint="give the exported chat (.txt or .zip)",
        )
    return body, used


def _check_utf8(body: bytes, label: str) -> None:
    """Validate UTF-8 without building a Python string (Arrow's SIMD check, no copy).

    Only when it fails do we decode in Python, to name the line for the user.
    """
    import numpy as np
    import pyarrow as pa

    offsets = np.array([0, len(body)], dtype=np.int64)
    whole = pa.LargeStringArray.from_buffers(1, pa.py_buffer(offsets), pa.py_buffer(body))
    try:
        whole.validate(full=True)
    except pa.ArrowInvalid:
        try:
            body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _undecodable(body, exc, label, "UTF-8") from exc


_CUT_NOTE = (
    "{label}: the file ends inside a character (it may be cut short); the last bytes were left out"
)


def _drop_cut_character(body: bytes, label: str, notes: list[str] | None) -> bytes:
    """A UTF-8 file cut inside its last character: drop the partial character, and say so."""
    tail = body[-4:]
    for cut in range(1, min(4, len(body)) + 1):
        lead = tail[-cut]
        if lead & 0xC0 == 0x80:  # a continuation byte: keep looking for the lead byte
            continue
        needed = (
            2
            if lead & 0xE0 == 0xC0
            else 3
            if lead & 0xF0 == 0xE0
            else 4
            if lead & 0xF8 == 0xF0
            else 1
        )
        if needed > cut:
            if notes is not None:
                notes.append(_CUT_NOTE.format(label=label))
            return body[:-cut]
        break
    return body


def _decode_cut(data: bytes, codec: str, label: str, notes: list[str] | None) -> str:
    """Decode UTF-16, forgiving a file cut inside its last character (and saying so)."""
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        if exc.reason not in {"truncated data", "unexpected end of data"} or exc.end < len(data):
            raise
        if notes is not None:
            notes.append(_CUT_NOTE.format(label=label))
        return data[: exc.start].decode(codec)


def _utf16_without_bom(body: bytes) -> str | None:
    """Recognise UTF-16 text that lost its BOM: many zero bytes, and it decodes as a chat.

    Both byte orders are tried; the one whose text has more newlines, digits and ASCII letters
    wins (emoji surrogates put zeros on the "wrong" side, so counting zeros alone misleads).
    """
    sample = body[:8192]
    if len(sample) < 8 or sample.count(0) < 0.2 * len(sample):
        return None
    best: tuple[int, str] | None = None
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = sample[: len(sample) - len(sample) % 2].decode(codec, errors="strict")
        except UnicodeDecodeError:
            continue
        score = sum(1 for c in text if c == "\n" or (c.isascii() and c.isalnum()))
        if best is None or score > best[0]:
            best = (score, codec)
    return best[1] if best else None


def _undecodable(data: bytes, exc: UnicodeDecodeError, label: str, tried: str) -> ChatguardError:
    line = data.count(b"\n", 0, exc.start) + 1
    return ChatguardError(
        f"{label}: line {line}: bytes that are not valid {tried}",
        hint="if the file was saved in another encoding, name it with --encoding (e.g. cp1252)",
    )
