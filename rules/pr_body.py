"""The `## Tuning context` section of a pull request's description.

Plain text and `re` only: the receiver reads the section to tell whether an
edited description calls for a new review, and must not pay for importing
the rule engine (libcst and every rule) to do so.
"""

from __future__ import annotations

import re

_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<title>.+?)\s*#*\s*$")


def tuning_section(pr_body: str) -> str:
    """The text under a `## Tuning context` heading of the PR
    description, up to the next heading of its level."""
    lines = (pr_body or "").splitlines()
    collected: list[str] = []
    level = 0
    for line in lines:
        heading = _HEADING.match(line.strip())
        if heading:
            depth = len(heading["hashes"])
            if level and depth <= level:
                break
            if not level and heading["title"].strip().lower().rstrip(":") == "tuning context":
                level = depth
                continue
        if level:
            collected.append(line)
    return "\n".join(collected)


def section_names(section: str, name: str) -> bool:
    """Whether the tuning section talks about this parameter, spelled as code or as words."""
    if not section:
        return False
    spellings = {name, name.replace("_", " "), name.replace("_", "-"), name.rsplit(".", 1)[-1]}
    return any(
        re.search(rf"(?<![\w-]){re.escape(spelling)}(?![\w-])", section, re.IGNORECASE)
        for spelling in spellings
        if spelling
    )
