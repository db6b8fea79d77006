"""The one error type a user can cause.

Every mistake a user can make (a wrong path, a broken rule file, a missing roster) is raised as a
:class:`ChatguardError`, whose message names the file and says what to do. The CLI prints it on one
line and exits with code 2; the library lets callers catch one type.
"""

from __future__ import annotations


class ChatguardError(Exception):
    """A problem with what the user gave us, explained in one line."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        super().__init__(self.one_line())

    def one_line(self) -> str:
        """The message and, if any, what to do about it, as one line."""
        return f"{self.message}: {self.hint}" if self.hint else self.message


class RuleTimeoutError(ChatguardError):
    """A rule's regular expression took too long on one message (a catastrophic pattern)."""
