"""Makes text from reviewed code safe to put in a GitHub comment.

Source code can carry markdown, HTML or `@mentions`. Inside code spans
GitHub renders none of them, so we keep those spans and neutralise the rest:
no one is pinged and no markup is injected by the code under review.
"""

from __future__ import annotations

import re

_SPAN = re.compile(r"(`[^`\n]+`)")
_ZERO_WIDTH = "\u200b"


def safe(text: str) -> str:
    parts = _SPAN.split(text)
    return "".join(part if index % 2 else _escape(part) for index, part in enumerate(parts))


def _escape(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("@", "@" + _ZERO_WIDTH).replace("`", "\\`")
    text = re.sub(r"([\[\]!*_|#])", r"\\\1", text)
    return text


def code(text: str, limit: int = 120) -> str:
    """An inline code span that cannot be broken out of."""
    flat = " ".join(text.split())
    if len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    fence = "``" if "`" in flat else "`"
    return f"{fence} {flat} {fence}" if fence == "``" else f"`{flat}`"
