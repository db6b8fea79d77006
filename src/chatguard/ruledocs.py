"""Generate docs/rules.md from the rule files, so policy, rule and examples read without YAML.

A test fails when docs/rules.md is stale: regenerate it with
``chatguard rules docs -o docs/rules.md --force``.
"""

from __future__ import annotations

from chatguard.findings import category_label
from chatguard.rulefile import CATEGORIES, RuleSet


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def rules_markdown(pack: RuleSet) -> str:
    """The rule pack as one Markdown document, grouped by category."""
    out = [
        "# chatguard's default rules",
        "",
        "Generated from `rules/` by `chatguard rules docs`; do not edit by hand.",
        "",
    ]
    for category in CATEGORIES:
        rules = sorted((r for r in pack.rules if r.category == category), key=lambda r: r.id)
        if not rules:
            continue
        out += [f"## {category}", ""]
        if rules[0].for_review:
            out += [f"Findings read as \u201c{category_label(category, True)}\u201d.", ""]
        for rule in rules:
            spec = rule.spec
            out += [
                f"### `{spec.id}`: {_cell(spec.title)}",
                "",
                f"- **Severity:** {spec.severity}",
                f"- **Policy:** {_cell(spec.policy)}",
                f"- **Why:** {_cell(spec.description)}",
                "",
            ]
            if spec.examples.match:
                out.append("Flags, for example:")
                out.append("")
                out += [f"- \u201c{_cell(e)}\u201d" for e in spec.examples.match]
                out.append("")
            if spec.examples.ok:
                out.append("Lets through, for example:")
                out.append("")
                out += [f"- \u201c{_cell(e)}\u201d" for e in spec.examples.ok]
                out.append("")
    return "\n".join(out).rstrip() + "\n"
