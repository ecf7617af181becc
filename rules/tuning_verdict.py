"""Whether the comments around a setting explain its value, and which of them may speak for a changed one.

A comment the pull request did not touch was written for the value the base
had: a link above a params dict that the PR rewrote, a header naming the sweep
the old numbers came from. It explains a changed or added value only if it
quotes that value. A comment the PR wrote explains it when it gives a method,
provenance, a derivation or a purpose, unless it is already false (it quotes
the old number, or says "longer" beside a value that got shorter).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from rules.knobs import Status, contradicts
from rules.tuning_context import has_context, is_stale, numbers_in

# A comment without a line (a docstring, a `help=` text) is read as written with the setting it sits beside.
UNPLACED = 0


@dataclass
class Evidence:
    """Comments around one setting: `near` (its own comments,
    where a reason counts) and `wider` (provenance only)."""

    near: list[tuple[int, str]] = field(default_factory=list)
    wider: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Unexplained:
    """One tuned value without context; values on the same line are reported together."""

    name: str
    value: str
    stale: bool


@dataclass(frozen=True)
class Verdict:
    explained: bool
    stale: bool


def _quotes(text: str, value: str) -> bool:
    if value.startswith("'"):
        return value.strip("'") in text.lower()
    return value in numbers_in(text)


def _fresh(
    comments: Iterable[tuple[int, str]], value: str, touched: Collection[int], site_lines: range
) -> list[str]:
    kept = []
    for line, text in comments:
        placed_here = line == UNPLACED and any(number in touched for number in site_lines)
        if placed_here or line in touched or _quotes(text, value):
            kept.append(text)
    return kept


def _join(texts: Sequence[str]) -> str:
    return "\n".join(text for text in texts if text)


def judge(
    evidence: Evidence,
    value: str,
    old_values: set[str],
    status: Status,
    touched: Collection[int],
    site_lines: range,
) -> Verdict:
    """`status` says whether the PR changed or added the value; `touched` holds the head lines it wrote."""
    near_all = [text for _, text in evidence.near]
    all_texts = [*near_all, *(text for _, text in evidence.wider)]
    if status == "same":
        context = _join(all_texts)
        stale = is_stale(context, value, old_values)
        return Verdict(has_context(context, _join(near_all)) and not stale, stale=stale)
    near = _fresh(evidence.near, value, touched, site_lines)
    false_near = [text for text in near if contradicts(text, value, old_values)]
    near = [text for text in near if text not in false_near]
    wider = _fresh(evidence.wider, value, touched, site_lines)
    context = _join([*near, *wider])
    explained = has_context(context, _join(near)) and not is_stale(context, value, old_values)
    if explained:
        return Verdict(True, stale=False)
    # "Still describes the previous value" only where a comment
    # quotes that value or is contradicted by the new one.
    quotes_old = is_stale(_join(all_texts), value, old_values)
    return Verdict(False, stale=bool(old_values) and (quotes_old or bool(false_near)))
