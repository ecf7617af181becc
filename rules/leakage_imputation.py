"""Fits with no transformer: pandas imputation with a statistic of the rows (`df.fillna(df.x.median())`),
and scaling written out by hand (`(x - x.mean()) / x.std()`).

`SimpleImputer(strategy="median")` is a fitted statistic, and so is the median a
`fillna` call computes in place: if the rows it is taken over include evaluation
rows, the training data is filled with a value that knows them. Only the
statistics an imputer would learn count, and only when they are the fill value
itself: a constant fill (`fillna(0)`), a forward fill or a statistic computed
elsewhere and passed in by name decide nothing here. A column scaled by hand is a
`StandardScaler` or `MinMaxScaler` in all but name: its centre and spread are
statistics of the rows they are taken over.
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


# What a hand-written scaling subtracts (its centre) and divides by (its spread): StandardScaler's mean and
# standard deviation, MinMaxScaler's minimum and range, a robust scaler's median.
CENTRE_STATISTICS = frozenset({"mean", "median", "min"})
SPREAD_STATISTICS = frozenset({"std", "var", "max"})
SCALING_METHODS = CENTRE_STATISTICS | SPREAD_STATISTICS
SCALING_LABEL = "scaling"


def _statistic(node: libcst.BaseExpression, kinds: frozenset[str]) -> libcst.Call | None:
    """A statistic over the rows: `x.mean()`, not the row-wise `df.max(axis=1)`."""
    if not (
        isinstance(node, libcst.Call)
        and isinstance(node.func, libcst.Attribute)
        and node.func.attr.value in kinds
    ):
        return None
    for arg in node.args:
        value = arg.value
        across = arg.keyword is None or arg.keyword.value == "axis"
        if (
            across
            and isinstance(value, (libcst.Integer, libcst.SimpleString))
            and value.value.strip("'\"") in ("1", "columns")
        ):
            return None
    return node


def scaling_statistic(node: libcst.BinaryOperation) -> libcst.Call | None:
    """The statistic of the rows that `node` scales by: `x - x.mean()`, `x / x.std()`,
    `(x - x.min()) / (x.max() - x.min())` (whose range is read at its maximum)."""
    right = node.right
    if isinstance(node.operator, libcst.Subtract):
        # `x.max() - x.min()` is the range a min-max scaling divides by, read where it divides.
        return None if _statistic(node.left, SCALING_METHODS) else _statistic(right, CENTRE_STATISTICS)
    if not isinstance(node.operator, libcst.Divide):
        return None
    if isinstance(right, libcst.BinaryOperation) and isinstance(right.operator, libcst.Subtract):
        return _statistic(right.left, SPREAD_STATISTICS)
    return _statistic(right, SPREAD_STATISTICS)
