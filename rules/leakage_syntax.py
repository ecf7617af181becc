"""What the shape of a statement says about rows, before any value is known.

A subscript with a comparison or a slice selects rows, `.split(...)` looped over
yields train and test indices, a loop target names what it unpacks. These are read
from the syntax alone, so they sit apart from the interpreter that gives values meaning.
"""

from __future__ import annotations

import libcst

# Methods that keep some of a frame's rows: assigned to `test`, what they return is a holdout.
ROW_FILTER_METHODS = frozenset({"query", "head", "tail", "sample", "filter", "where"})


def row_filter(node: libcst.BaseExpression) -> libcst.BaseExpression | None:
    """The frame a row-selecting expression selects from, if it plainly selects rows."""
    if (
        isinstance(node, libcst.Call)
        and isinstance(node.func, libcst.Attribute)
        and node.func.attr.value in ROW_FILTER_METHODS
    ):
        base: libcst.BaseExpression = node.func.value
    elif isinstance(node, libcst.Subscript) and len(node.slice) >= 1:
        first = node.slice[0].slice
        rows = isinstance(first, libcst.Slice) or (
            isinstance(first, libcst.Index)
            and isinstance(first.value, (libcst.Comparison, libcst.BooleanOperation, libcst.UnaryOperation))
        )
        if not rows:
            return None
        base = node.value
    else:
        return None
    while isinstance(base, libcst.Attribute) and base.attr.value in ("loc", "iloc"):
        base = base.value
    return base if isinstance(base, (libcst.Name, libcst.Attribute)) else None


def is_cv_split(node: libcst.BaseExpression) -> bool:
    return (
        isinstance(node, libcst.Call)
        and isinstance(node.func, libcst.Attribute)
        and node.func.attr.value == "split"
        and not isinstance(
            node.func.value, (libcst.SimpleString, libcst.FormattedString, libcst.ConcatenatedString)
        )
    )


def target_names(target: libcst.BaseExpression) -> list[str]:
    if isinstance(target, libcst.Name):
        return [target.value]
    if isinstance(target, (libcst.Tuple, libcst.List)):
        return [name for element in target.elements for name in target_names(element.value)]
    return []
