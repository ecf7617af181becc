"""Makes text from reviewed code safe to put in a GitHub comment.

Source code can carry markdown, HTML or `@mentions`. Inside code spans
GitHub renders none of them, so we keep those spans and neutralise the rest:
no one is pinged and no markup is injected by the code under review.
"""

from __future__ import annotations

import re

_SPAN = re.compile(r"(`[^`\n]+`)")
_ZERO_WIDTH = "\u200b"
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BACKTICK_RUNS = re.compile(r"`+")
_MARKUP = re.compile(r"([\\`*_\[\]!|~])")
# GitHub links these in plain text: `@user` pings, `#12` references an issue, URLs become links.
_AUTOLINKS = re.compile(r"@|#|:(?=//)|w(?=ww\.)", re.IGNORECASE)
# Our comments carry hidden `<!-- mldebt:… -->` markers; text from the PR must never fake one.
_COMMENT_OPEN = "<!--"


def safe(text: str) -> str:
    """One paragraph of prose: a line break in the source cannot start a heading, list or quote."""
    flat = _LINE_BREAKS.sub(" ", _CONTROL.sub("", text))
    parts = _SPAN.split(flat)
    return "".join(_defuse(part) if index % 2 else _escape(part) for index, part in enumerate(parts))


def _defuse(span: str) -> str:
    """Code spans render literally, so only a fake marker of ours needs breaking up."""
    return span.replace(_COMMENT_OPEN, "<" + _ZERO_WIDTH + "!--")


def _escape(text: str) -> str:
    """Markup characters are backslash-escaped; mentions, issue references and links are broken up."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MARKUP.sub(r"\\\1", text)
    return _AUTOLINKS.sub(lambda match: match[0] + _ZERO_WIDTH, text)


def code(text: str, limit: int = 120) -> str:
    """An inline code span that cannot be broken out of, whatever backticks the text holds."""
    flat = " ".join(_CONTROL.sub("", text).split())
    if len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    flat = _defuse(flat)
    longest = max((len(run) for run in _BACKTICK_RUNS.findall(flat)), default=0)
    fence = "`" * (longest + 1)
    padded = f" {flat} " if longest or flat.startswith(" ") or flat.endswith(" ") else flat
    return f"{fence}{padded}{fence}"
