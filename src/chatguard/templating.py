"""Jinja2 environments for the Markdown and HTML reports.

HTML autoescapes (a message holding ``<script>`` shows as text); Markdown escapes every printed
value through ``finalize``, so no template can forget to.
"""

from __future__ import annotations

from typing import Any

import jinja2
from markupsafe import Markup


def _markdown_finalize(value: Any) -> Any:
    from chatguard.report.markdown import escape

    if isinstance(value, Markup):
        return str(value)
    return escape(value)


def environment(*, markdown: bool = False) -> jinja2.Environment:
    """A template environment reading chatguard's bundled templates."""
    loader = jinja2.PackageLoader("chatguard", "templates")
    if markdown:
        env = jinja2.Environment(
            loader=loader,
            autoescape=False,
            finalize=_markdown_finalize,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            undefined=jinja2.StrictUndefined,
        )
        env.filters["raw"] = Markup
        return env
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        finalize=_visible_controls,
    )
    env.filters["css_string"] = css_string
    return env


def _visible_controls(value: Any) -> Any:
    """Control characters in message text shown as visible escapes (then HTML-escaped)."""
    from chatguard.safetext import for_terminal

    if isinstance(value, str) and not isinstance(value, Markup):
        return for_terminal(value)
    return value


def css_string(value: Any) -> Markup:
    """A CSS string literal: every character that could end it or the <style> escaped."""
    out = []
    for char in str(value):
        if char.isalnum() or char in " .,:;-_·()/+#@!?":
            out.append(char)
        else:
            out.append(f"\\{ord(char):x} ")
    return Markup('"' + "".join(out) + '"')
