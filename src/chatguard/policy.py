"""The school's code of conduct text, cut into its sections for the evidence appendix.

The bundled text is the Dingle Community Primary School guidelines this project was built
around (`data/whatsapp-guidelines.txt`); a school gives its own with `--policy FILE` or
`policy:` in chatguard.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from chatguard.errors import ChatguardError

#: Sections quoted in the appendix of an evidence pack, when the text has them.
APPENDIX_SECTIONS = ("Code of Conduct", "Raising Concerns")


@dataclass(frozen=True)
class Section:
    title: str
    paragraphs: tuple[str, ...]
    """Paragraphs; a bullet list item is a paragraph starting with "- "."""


def policy_text(path: Path | None = None) -> str:
    if path is None:
        return (resources.files("chatguard") / "data" / "whatsapp-guidelines.txt").read_text(
            encoding="utf-8"
        )
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ChatguardError(f"{path}: cannot read the code of conduct ({exc})") from exc


def sections(text: str) -> list[Section]:
    """Split the text at its headings: short lines without final punctuation, alone in a block."""
    blocks = [b.strip() for b in text.replace("\r\n", "\n").split("\n\n")]
    blocks = [b for b in blocks if b]
    result: list[Section] = []
    title = "Preamble"
    paragraphs: list[str] = []
    for block in blocks:
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if len(lines) == 1 and _is_heading(lines[0]):
            if paragraphs:
                result.append(Section(title, tuple(paragraphs)))
            title, paragraphs = lines[0], []
            continue
        paragraphs.extend(lines if lines[0].startswith("- ") else [" ".join(lines)])
    if paragraphs:
        result.append(Section(title, tuple(paragraphs)))
    return result


def _is_heading(line: str) -> bool:
    return (
        len(line) <= 60
        and line[-1] not in ".;:,!?)"
        and "\t" not in line
        and (line[0].isupper())
        and len(line.split()) <= 6
    )


def appendix(text: str) -> list[Section]:
    """The sections an evidence pack quotes (or all of them, if none is named as expected)."""
    found = [s for s in sections(text) if s.title in APPENDIX_SECTIONS]
    return found or sections(text)
