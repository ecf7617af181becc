"""Reading libcst nodes the way every Python rule needs to:
dotted names, string values, call arguments, docstrings.

One spelling of each answer, so that two rules looking at the same callee or
the same string literal can never read it differently. Nothing here imports or
runs the code under review.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst

# Marks a call in a loose dotted name (`plt.gca().plot`).
_CALL = "()"
# Generates a node's code on its own; a module's settings (indent, newline) only matter to whole statements.
_BARE_MODULE = libcst.Module(body=[])


def code_of(node: libcst.CSTNode) -> str:
    """The node's own code, as written (comments and line breaks inside it included)."""
    return _BARE_MODULE.code_for_node(node)


def dotted(expr: libcst.BaseExpression | None, *, loose: bool = False) -> str | None:
    """`a.b.c` for a chain of names; None for anything else (calls, subscripts, literals).

    `loose` reads a chain as a reader names a callee: an index is passed over
    (`axes[0].plot` is `axes.plot`), a call keeps its parentheses
    (`plt.gca().plot`), and a head that is no name is dropped (`"-".join` is
    `join`); None only when no name is left. Iterative: generated code chains
    attributes deeper than Python's recursion limit.
    """
    parts: list[str] = []
    while True:
        if isinstance(expr, libcst.Attribute):
            parts.append(expr.attr.value)
            expr = expr.value
        elif loose and isinstance(expr, libcst.Subscript):
            expr = expr.value
        elif loose and isinstance(expr, libcst.Call):
            parts.append(_CALL)
            expr = expr.func
        else:
            break
    if isinstance(expr, libcst.Name):
        parts.append(expr.value)
    elif not loose:
        return None
    name = ""
    for part in reversed(parts):
        if part != _CALL:
            name = f"{name}.{part}" if name else part
        elif name:
            name += part
    return name or None


def string_value(expr: libcst.BaseExpression | None) -> str | None:
    """The value of a plain string literal (implicit concatenation included), else None.

    None too for bytes, f-strings, a concatenation with any computed part, and a
    literal Python itself would reject (`"\\N{NO SUCH NAME}"`): a rule reads only
    text that is there as written.
    """
    if isinstance(expr, libcst.SimpleString):
        try:
            value = expr.evaluated_value
        except (ValueError, SyntaxError):
            return None
        return value if isinstance(value, str) else None
    if isinstance(expr, libcst.ConcatenatedString):
        left, right = string_value(expr.left), string_value(expr.right)
        return None if left is None or right is None else left + right
    return None


def keyword(call: libcst.Call, name: str) -> libcst.Arg | None:
    return next((arg for arg in call.args if arg.keyword is not None and arg.keyword.value == name), None)


def positional(call: libcst.Call) -> list[libcst.BaseExpression]:
    return [arg.value for arg in call.args if arg.keyword is None and not arg.star]


def docstring_of(
    body: Sequence[libcst.BaseStatement] | Sequence[libcst.BaseSmallStatement],
) -> libcst.BaseString | None:
    """The docstring node of a module, class or function body, if its first statement is a string."""
    if not body:
        return None
    first = body[0]
    if isinstance(first, libcst.SimpleStatementLine) and first.body:
        first = first.body[0]
    if isinstance(first, libcst.Expr) and isinstance(
        first.value, (libcst.SimpleString, libcst.ConcatenatedString)
    ):
        return first.value
    return None


def body_of(
    node: libcst.Module | libcst.ClassDef | libcst.FunctionDef,
) -> Sequence[libcst.BaseStatement] | Sequence[libcst.BaseSmallStatement]:
    if isinstance(node, libcst.Module):
        return node.body
    return node.body.body
