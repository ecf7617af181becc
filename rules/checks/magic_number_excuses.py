"""Why a literal in a comparison is not magic: it is a clock bound, or a comment says what it is.

`hour >= 17` reads as "from 5 pm" while `tenure_month >= 11` is a cut-off; a comment
saying what a number is explains it while a step heading (`# Clip extreme values`)
does not. Each is a small vocabulary of its own, kept apart from the rule's traversal.
"""

from __future__ import annotations

import re

import libcst

from rules.cst import string_value
from rules.pyutil import is_prose_comment
from rules.tuning import has_context, normalise_number, numbers_in

# Imperative headings name a step, not a value:
# `# Clip extreme values to reasonable range`, `# Flag problematic rows`.
_STEP_VERBS = frozenset(
    {
        "apply",
        "assign",
        "cap",
        "check",
        "clip",
        "clamp",
        "compute",
        "calculate",
        "cut",
        "discard",
        "drop",
        "exclude",
        "filter",
        "flag",
        "handle",
        "ignore",
        "keep",
        "limit",
        "mark",
        "remove",
        "replace",
        "select",
        "skip",
        "trim",
        "truncate",
        "threshold",
        "bound",
        "bucket",
        "bin",
        "categorize",
        "categorise",
        "classify",
        "label",
        "detect",
    }
)
# `# 80% of the time` quotes 0.8.
_PERCENT = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s*%")
# Clock and calendar fields and their natural range: `hour >= 17` reads as "from 5 pm" to anyone.
# Years are left out on purpose, since `year >= 2015` is a data cut-off that needs its reason.
# Weekdays and quarters need no entry: every value they take is already a small integer.
_CALENDAR_RANGES = {
    "hour": range(24),
    "minute": range(60),
    "second": range(60),
    "month": range(1, 13),
    "day": range(1, 32),
}
_CALENDAR_ALIASES = {"hr": "hour", "mnth": "month"}
# `hour_of_day`, `day_of_month`: the unit followed by the one that contains it.
_CALENDAR_CONTAINER = {"hour": "day", "minute": "hour", "second": "minute", "day": "month", "month": "year"}
# A field named with one of these counts time rather than reading a clock:
# `age_month > 18`, `tenure_day >= 30`.
_DURATION_WORDS = frozenset(
    {"n", "num", "nb", "count", "total", "age", "tenure", "duration", "elapsed", "lag", "delta", "diff"}
)
_NAME_TOKEN = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def calendar_unit(name: str) -> str | None:
    """`hour`, `Hour`, `pickup_hour`, `hour_of_day` and `dt.hour` read a clock;
    `hours`, `age_month` count time."""
    tokens: list[str] = [
        _CALENDAR_ALIASES.get(token, token)
        for token in (token.lower() for token in _NAME_TOKEN.findall(name))
    ]
    if len(tokens) == 3 and tokens[1] == "of":
        return tokens[0] if _CALENDAR_CONTAINER.get(tokens[0]) == tokens[2] else None
    if not tokens or _DURATION_WORDS.intersection(tokens) or tokens[-1] not in _CALENDAR_RANGES:
        return None
    return tokens[-1]


def is_calendar_bound(value: float | int, subject: libcst.BaseExpression) -> bool:
    unit = calendar_unit(_field_name(subject) or "")
    return unit is not None and float(value).is_integer() and int(value) in _CALENDAR_RANGES[unit]


def _field_name(node: libcst.BaseExpression) -> str | None:
    """The name a value is read under: `hour`, `ts.hour`, `df["hour"]`."""
    if isinstance(node, libcst.Name):
        return node.value
    if isinstance(node, libcst.Attribute):
        return node.attr.value
    if (
        isinstance(node, libcst.Subscript)
        and len(node.slice) == 1
        and isinstance(node.slice[0].slice, libcst.Index)
    ):
        return string_value(node.slice[0].slice.value)
    return None


def comment_explains(comments: list[str], value: str) -> bool:
    """A comment block above explains a cut-off unless it only names the step (`# Clip extreme values`).

    A block that says what the number is (`# minimum rows for a stable fit`, `# Earth radius`)
    explains it; one made of imperative step headings does so only if it quotes the value or says
    why it was chosen.
    """
    prose = [comment.lstrip("# \t") for comment in comments if is_prose_comment(comment)]
    if not prose:
        return False
    text = " ".join(prose)
    quoted = numbers_in(text) | {normalise_number(float(share) / 100) for share in _PERCENT.findall(text)}
    if value in quoted or has_context(text, text):
        return True
    return not all(line.split()[0].lower().strip(":,") in _STEP_VERBS for line in prose)
