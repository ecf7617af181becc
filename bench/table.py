"""The one table `make bench` prints: metric, value, baseline, ratio, target, met?"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

HEADERS = ("metric", "value", "baseline", "ratio", "target", "met?")


@dataclass(frozen=True)
class Row:
    """One figure beside the baseline measured in the same run.

    `met` is None where the row is context for another (a baseline's own
    detail, a count shown apart); a missed target reads MISS so it stands out.
    """

    metric: str
    value: str
    baseline: str
    ratio: float | None
    target: str
    met: bool | None

    @property
    def verdict(self) -> str:
        return {True: "yes", False: "MISS", None: "-"}[self.met]


def ratio(value: float, baseline: float) -> float | None:
    return value / baseline if baseline and not math.isnan(value) and not math.isnan(baseline) else None


def failed(metric: str, baseline: str, target: str, error: BaseException) -> Row:
    """A section that crashed still gets its row, so the table shows what is missing and why."""
    return Row(metric, f"error: {type(error).__name__}: {error}"[:60], baseline, None, target, False)


def render(rows: Sequence[Row]) -> str:
    cells = [HEADERS] + [
        (
            row.metric,
            row.value,
            row.baseline,
            "-" if row.ratio is None else f"{row.ratio:.2f}x",
            row.target,
            row.verdict,
        )
        for row in rows
    ]
    widths = [max(len(line[column]) for line in cells) for column in range(len(HEADERS))]

    def line(values: Sequence[str]) -> str:
        return (
            "| " + " | ".join(value.ljust(width) for value, width in zip(values, widths, strict=True)) + " |"
        )

    rule = "|" + "|".join("-" * (width + 2) for width in widths) + "|"
    return "\n".join([line(cells[0]), rule, *(line(values) for values in cells[1:])])
