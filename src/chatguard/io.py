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
    if zipfile.is_zipfile(given):
        member, text_bytes, media = _chat_from_zip(given, raw, chat)
        name = f"{given.name}:{member}"
    else:
        if chat is not None:
            raise ChatguardError(f"{given}: --chat applies to .zip exports only")
        member, text_bytes, media = None, raw, ()
        name = given.name
    label = name if member is None else f"{given}:{member}"
    data, used = decode_chat_bytes(text_bytes, label, encoding)
    return ExportText(
        path=given,
        name=name,
        data=data,
        encoding=used,
        sha256=digest,
        size=size,
        member=member,
        media=media,
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
    except (zipfile.BadZipFile, OSError) as exc:
        raise ChatguardError(f"{path}: not a readable zip file ({exc})") from exc
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
                        f"{MAX_UNZIPPED_CHAT_BYTES >> 30} GiB; stopped reading",
                        hint="this is not an ordinary WhatsApp export",
                    )
                chunks.append(chunk)
    except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError) as exc:
        raise ChatguardError(f"{path}: {info.filename} cannot be unpacked ({exc})") from exc
    except RuntimeError as exc:  # zipfile raises this for encrypted members
        raise ChatguardError(f"{path}: {info.filename} cannot be unpacked ({exc})") from exc
    return b"".join(chunks)


def decode_chat_bytes(data: bytes, label: str, encoding: str | None = None) -> tuple[bytes, str]:
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
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _undecodable(data, exc, label, "utf-16") from exc
        return text.lstrip("\ufeff").encode("utf-8"), "utf-16"
    else:
        used, body = "utf-8", data
    utf16 = _utf16_without_bom(body)
    if utf16 is not None:
        return body.decode(utf16, errors="strict").encode("utf-8"), utf16
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


def _utf16_without_bom(body: bytes) -> str | None:
    """Recognise UTF-16 text that lost its BOM: ASCII letters with every other byte zero."""
    sample = body[:4096]
    if len(sample) < 8:
        return None
    even_zero = sample[0::2].count(0)
    odd_zero = sample[1::2].count(0)
    half = len(sample) // 2
    for zeros, codec in ((odd_zero, "utf-16-le"), (even_zero, "utf-16-be")):
        if zeros > 0.3 * half:
            try:
                body.decode(codec)
            except UnicodeDecodeError:
                return None
            return codec
    return None


def _undecodable(data: bytes, exc: UnicodeDecodeError, label: str, tried: str) -> ChatguardError:
    line = data.count(b"\n", 0, exc.start) + 1
    return ChatguardError(
        f"{label}: line {line}: bytes that are not valid {tried}",
        hint="if the file was saved in another encoding, name it with --encoding (e.g. cp1252)",
    )
