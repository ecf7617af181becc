"""Each rule's page from `docs/rules/`, as installed with the package, for reports that carry their help.

SARIF viewers (GitHub code scanning among them) show a rule's help beside every
alert, offline and for the version that produced it, so the pages ship inside
the package (`rules/docs` links to `docs/rules`) and are read through
importlib.resources rather than from a checkout that may not be there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

DESCRIPTION_HEADING = "## What it does"
_LINK = re.compile(r"\[([^\]]+)\]\(([^)]+)\)")


@dataclass(frozen=True)
class RuleDoc:
    """A rule's page: `description` is its "What it does" section, `page` the whole of it after the title."""

    description: str
    page: str


def plain(markdown: str) -> str:
    """Markdown as readable plain text, for viewers that cannot render it: no fences, marks or link syntax."""
    lines = []
    for line in markdown.splitlines():
        if line.startswith("```"):
            continue
        line = re.sub(r"^#+ ", "", line)
        line = _LINK.sub(lambda match: f"{match.group(1)} ({match.group(2)})", line)
        lines.append(line.replace("`", ""))
    return "\n".join(lines).strip()


@cache
def rule_doc(rule_id: str) -> RuleDoc | None:
    """The installed page of `rule_id`, or None when the package was installed without its docs."""
    page = resources.files("rules").joinpath("docs", f"{rule_id}.md")
    try:
        text = page.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return None
    body = text.split("\n", 1)[1].strip() if text.startswith("# ") else text.strip()
    section = body.split(DESCRIPTION_HEADING, 1)[1] if DESCRIPTION_HEADING in body else ""
    description = re.split(r"^## ", section, maxsplit=1, flags=re.MULTILINE)[0].strip()
    return RuleDoc(description=description, page=body)
