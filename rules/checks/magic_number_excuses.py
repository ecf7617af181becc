"""Why a literal in a comparison is not magic: it is a clock bound, or a comment says what it is.

`hour >= 17` reads as "from 5 pm" while `tenure_month >= 11` is a cut-off; a comment
saying what a number is explains it while a step heading (`# Clip extreme values`)
does not. Each is a small vocabulary of its own, kept apart from the rule's traversal.
"""

from __future__ import annotations

import math
import re

import libcst

from rules.cst import string_value
from rules.pyutil import is_prose_comment
from rules.tuning import normalise_number
from rules.tuning_context import has_context, numbers_in

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


# Small counts (`len(parts) > 3`, `x.ndim > 2`) are structure, not tuning.
MAX_PLAIN_INTEGER = 10
# Anything this close to zero is a numerical-stability epsilon, not a business cut-off.
EPSILON = 1e-4
# Values whose meaning is self-evident: a fair coin, percent, significance levels, z-scores,
# time units, pixel range, math constants.
WELL_KNOWN = frozenset(
    {
        0.5,
        100,
        0.05,
        0.01,
        0.001,
        1.96,
        2.576,
        3.14159,
        3.141592653589793,
        2.718281828459045,
        9.81,
        12,
        24,
        60,
        90,
        180,
        360,
        365,
        366,
        1440,
        3600,
        86400,
        604800,
        255,
        65535,
    }
)
# Powers of two from here up are buffer and sequence sizes (`len(tokens) > 512`).
MIN_SIZE_POWER_OF_TWO = 16


def magnitude_is_well_known(value: float | int) -> bool:
    return abs(value) in WELL_KNOWN or (isinstance(value, float) and not math.isfinite(value))


def is_self_explanatory(value: float | int) -> bool:
    if isinstance(value, float) and not math.isfinite(value):
        return True
    magnitude = abs(value)
    if float(magnitude).is_integer() and magnitude <= MAX_PLAIN_INTEGER:
        return True
    if magnitude <= EPSILON or magnitude in WELL_KNOWN:
        return True
    integral = float(magnitude).is_integer()
    return integral and magnitude >= MIN_SIZE_POWER_OF_TWO and int(magnitude) & (int(magnitude) - 1) == 0
