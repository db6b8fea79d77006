"""chatguard: flag messages in school parent-group WhatsApp exports that break the code of conduct.

The library comes first; the CLI is a thin layer over it. Heavy modules (pandas, pyarrow) load
only when a function that needs them is called, so `chatguard check` starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from chatguard.load import read_chat as read_chat

__all__ = ["__version__", "read_chat"]


def __getattr__(name: str) -> Any:
    if name == "read_chat":
        from chatguard.load import read_chat

        return read_chat
    raise AttributeError(name)
