"""Where each rule's page lives: the one place every printed doc link is made.

A fork, a company mirror or a docs site of its own hosts the pages somewhere
else; `MLDEBT_DOCS_URL` (a server setting, and an environment variable or
`--docs-url` for `mldebt scan`) moves every link at once, so no output keeps
pointing at the upstream address.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

DEFAULT_DOCS_URL = "https://github.com/mldebt/mldebt/blob/main/docs/rules/{rule}.md"
DOCS_URL_ENV = "MLDEBT_DOCS_URL"
RULE_PLACEHOLDER = "{rule}"


@dataclass(frozen=True)
class DocsLinks:
    """`template` holds `{rule}`, replaced by a rule id."""

    template: str = DEFAULT_DOCS_URL

    def link(self, rule_id: str) -> str:
        return self.template.replace(RULE_PLACEHOLDER, rule_id)


def docs_links(value: str | None, source: str = DOCS_URL_ENV) -> DocsLinks:
    """The links for a setting: empty is the default; with `{rule}` a template; otherwise the folder
    holding `<rule-id>.md`. Not http(s) is a ValueError, so a typo stops start-up instead of every link."""
    if value is None or not value.strip():
        return DocsLinks()
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{source} must be an http(s) address, got {value!r}")
    if RULE_PLACEHOLDER in value:
        return DocsLinks(value)
    return DocsLinks(value.rstrip("/") + "/" + RULE_PLACEHOLDER + ".md")
