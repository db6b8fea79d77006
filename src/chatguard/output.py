"""Write result files safely: owner-only, and never over an existing file unless asked.

Exports are safeguarding data; so are the findings drawn from them. Every file chatguard writes
is created with mode 0600, and an existing file is replaced only with ``--force``.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, TextIO

from chatguard.errors import ChatguardError


def _open_flags(force: bool) -> int:
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0)
    return flags | (os.O_TRUNC if force else os.O_EXCL)


def open_binary(path: Path, *, force: bool) -> BinaryIO:
    """Create ``path`` for writing bytes, owner-only; refuse to replace it unless ``force``."""
    try:
        fd = os.open(path, _open_flags(force), 0o600)
    except FileExistsError as exc:
        raise ChatguardError(
            f"{path}: already exists", hint="choose another name, or add --force to replace it"
        ) from exc
    except FileNotFoundError as exc:
        raise ChatguardError(f"{path}: the folder does not exist") from exc
    except (IsADirectoryError, PermissionError, OSError) as exc:
        raise ChatguardError(f"{path}: cannot be written ({exc.strerror})") from exc
    os.fchmod(fd, 0o600)
    return os.fdopen(fd, "wb")


@contextlib.contextmanager
def open_text(path: Path | None, *, force: bool) -> Iterator[TextIO]:
    """A text stream to ``path`` (owner-only, no silent overwrite), or stdout when None."""
    if path is None or str(path) == "-":
        yield sys.stdout
        return
    with (
        open_binary(path, force=force) as raw,
        open(raw.fileno(), "w", encoding="utf-8", newline="", closefd=False) as text,
    ):
        yield text
