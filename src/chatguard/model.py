"""The messages table every stage shares: its columns, their types, and the records around it.

Column names live here once, so the parser, the rules and the reporters cannot drift apart, and
:func:`check_messages` asserts the contract where the parser hands the frame on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

#: 1-based physical line of the message's header in the chat text.
LINE = "line"
#: When the message was sent, as written on the exporting phone (no time zone).
TIMESTAMP = "timestamp"
#: Who wrote it, as the exporting phone names them; NA for WhatsApp's own system lines.
AUTHOR = "author"
#: What was written: continuation lines joined with newlines, invisible marks removed.
TEXT = "text"
#: text, media, system, deleted, poll, location or contact.
KIND = "kind"
#: File name of an exported attachment, or NA.
ATTACHMENT = "attachment"
#: True when WhatsApp marked the message as edited.
EDITED = "edited"
#: True when the timestamp runs backwards from the message before (a possible forged header).
SUSPECT = "suspect"
#: The header line exactly as it stands in the export, kept for evidence.
RAW = "raw"
#: Which export the message came from (its display name).
SOURCE = "source"

COLUMNS: tuple[str, ...] = (
    SOURCE,
    LINE,
    TIMESTAMP,
    AUTHOR,
    TEXT,
    KIND,
    ATTACHMENT,
    EDITED,
    SUSPECT,
    RAW,
)

KINDS: tuple[str, ...] = ("text", "media", "system", "deleted", "poll", "location", "contact")

#: WhatsApp stops an export at about this many messages without saying so.
EXPORT_CUTOFF = 40_000
#: … and at about this many when the export includes media.
EXPORT_CUTOFF_WITH_MEDIA = 10_000


@dataclass(frozen=True)
class ExportFormat:
    """How an export writes its headers, decided once for the whole file."""

    platform: str
    """``android`` (``13/05/2025, 14:03 - Name: …``) or ``ios`` (``[13/05/2025, 14:03:22] …``)."""
    date_order: str
    """``dmy``, ``mdy``, ``ymd`` … as letters in the order the fields are written."""
    date_order_assumed: bool
    """True when nothing in the file settled the order and a default or ``--date-order`` did."""
    clock: str
    """``24h`` or ``12h``."""
    encoding: str
    """The encoding the chat text was written in."""

    def describe(self) -> str:
        """One line for people, e.g. ``android, dmy (assumed), 24h``."""
        order = f"{self.date_order} (assumed)" if self.date_order_assumed else self.date_order
        return f"{self.platform}, {order}, {self.clock}, {self.encoding}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "platform": self.platform,
            "date_order": self.date_order,
            "date_order_assumed": self.date_order_assumed,
            "clock": self.clock,
            "encoding": self.encoding,
        }


@dataclass(frozen=True)
class SourceInfo:
    """What we know of one export file, for headers and evidence."""

    path: str
    name: str
    sha256: str
    size: int
    member: str | None
    media_files: int
    group: str | None
    media: tuple[str, ...] = ()
    """Base names of the files beside the chat in a zip export."""


@dataclass
class ParsedExport:
    """One export, parsed: its messages plus how it was read."""

    source: SourceInfo
    format: ExportFormat
    messages: pd.DataFrame
    warnings: list[str] = field(default_factory=list)


@dataclass
class Chat:
    """One or more exports of a group, merged into one messages table."""

    messages: pd.DataFrame
    exports: list[ParsedExport]
    duplicates_dropped: int = 0

    @property
    def warnings(self) -> list[str]:
        return [w for export in self.exports for w in export.warnings]


def check_messages(frame: pd.DataFrame) -> None:
    """Assert the column contract; a failure here is a chatguard bug, not a user error."""
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise AssertionError(f"messages frame lacks columns {missing}")
    if str(frame[TIMESTAMP].dtype) not in {"datetime64[ns]", "datetime64[us]", "datetime64[s]"}:
        raise AssertionError(f"timestamp has dtype {frame[TIMESTAMP].dtype}")
    if str(frame[LINE].dtype) != "int64":
        raise AssertionError(f"line has dtype {frame[LINE].dtype}")
    if str(frame[EDITED].dtype) != "bool" or str(frame[SUSPECT].dtype) != "bool":
        raise AssertionError("edited and suspect must be bool")
