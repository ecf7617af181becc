"""The output columns a SQL feature model defines: `... AS x` in its select lists.

Feature stores built on dbt or plain SQL define features as aliased
expressions (`count(*) AS orders_30d`). Read with regular expressions, not a
SQL parser: dialects differ and dbt models are Jinja templates, while an alias
in a select list looks the same in all of them. What is not a column alias is
told apart by what follows it (a CTE or window name is followed by `(`, a cast
type by `)`) or what precedes it (a table alias follows `FROM`/`JOIN` and a
table name).
"""

from __future__ import annotations

import re

# Comments and Jinja are blanked out, keeping newlines, so line numbers stay right.
_NOISE = re.compile(r"--[^\n]*|/\*.*?\*/|\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_ALIAS = re.compile(
    r"\bas\s+[`\"\[]?([A-Za-z_]\w*)[`\"\]]?(?=[ \t]*(?:,|$|\bfrom\b))", re.IGNORECASE | re.MULTILINE
)
_TABLE_ALIAS = re.compile(r"\b(?:from|join)\s+(?:[\w.`\"\[\]]+\s*)?$", re.IGNORECASE)


def _blank(match: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", match[0])


def select_aliases(text: str) -> list[tuple[str, int]]:
    """(alias, line) for each column alias, in order; the same alias twice (a UNION) is kept once."""
    code = _NOISE.sub(_blank, text)
    found: list[tuple[str, int]] = []
    seen: set[str] = set()
    for match in _ALIAS.finditer(code):
        line_start = code.rfind("\n", 0, match.start()) + 1
        if _TABLE_ALIAS.search(code[line_start : match.start()]):
            continue
        name = match[1]
        if name.lower() not in seen:
            seen.add(name.lower())
            found.append((name, code.count("\n", 0, match.start()) + 1))
    return found
