"""pandas imputation with a statistic of the rows (`df.fillna(df.x.median())`): a fit with no transformer.

`SimpleImputer(strategy="median")` is a fitted statistic, and so is the median a
`fillna` call computes in place: if the rows it is taken over include evaluation
rows, the training data is filled with a value that knows them. Only the
statistics an imputer would learn count, and only when they are the fill value
itself: a constant fill (`fillna(0)`), a forward fill or a statistic computed
elsewhere and passed in by name decide nothing here.
"""

from __future__ import annotations

import libcst

# The statistics SimpleImputer's strategies learn: what a pandas fill value stands in for.
IMPUTE_STATISTICS = frozenset({"mean", "median", "mode"})
FILL_METHODS = frozenset({"fillna"})
# What the message calls the implicit transformer, so that a reader sees the imputation, not a class.
IMPUTATION_LABEL = "fillna"


def fill_statistic(node: libcst.Call) -> libcst.Call | None:
    """The statistic call that is `node`'s fill value (`df.x.median()`, `df.x.mode()[0]`), if it is one."""
    fill = next(
        (
            arg.value
            for arg in node.args
            if (arg.keyword is None and not arg.star)
            or (arg.keyword is not None and arg.keyword.value == "value")
        ),
        None,
    )
    # `df.x.mode()[0]` and `.mode().iloc[0]` take the first of the modes.
    while isinstance(fill, libcst.Subscript):
        inner = fill.value
        fill = (
            inner.value
            if isinstance(inner, libcst.Attribute) and inner.attr.value in ("iloc", "loc")
            else inner
        )
    if (
        isinstance(fill, libcst.Call)
        and isinstance(fill.func, libcst.Attribute)
        and fill.func.attr.value in IMPUTE_STATISTICS
    ):
        return fill
    return None
