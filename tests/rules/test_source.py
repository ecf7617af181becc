"""Python too deeply nested for libcst is refused before libcst sees it (its native parser would take the
worker down), and the shortcut that spares the depth walk most statements never changes the verdict."""

from __future__ import annotations

import ast

import pytest

from rules.source import (
    _LEVELS_FOR_NOTHING,
    _LEVELS_PER_CHARACTER,
    _SIMPLE_STATEMENTS,
    MAX_NESTING,
    FileKind,
    SourceFile,
    _deeper_than,
)

DEEP = {
    "unary chain": "x = " + "-" * (MAX_NESTING + 50) + "1\n",
    "or chain": "ok = " + " or ".join(f"a{i}" for i in range(MAX_NESTING + 50)) + "\n",
    "dotted import": "import " + ".".join(f"m{i}" for i in range(MAX_NESTING + 50)) + "\n",
    "not chain": "y = " + "not " * (MAX_NESTING + 50) + "z\n",
}
# Statements packing the most levels into the fewest characters: each must stay within the bound the
# shortcut assumes, which the equivalence test below checks limit by limit.
DENSE = [
    "x = [[[[[[[[[[[[1]]]]]]]]]]]]\n",
    "x = -------------------1\n",
    "x = not not not not not y\n",
    "a.b.c.d.e.f.g.h.i()\n",
    "f(g(h(i(j(k(l(m())))))))\n",
    "x[[[[[[0]]]]]]\n",
    "t = {{{{1}}}}\n",
    "q = a or b or c or d or e or f or g\n",
    "import a.b.c.d.e.f.g.h\n",
    "from a.b.c.d import (e)\n",
    "v = lambda: lambda: lambda: lambda: 1\n",
    "s = f\"{f'{x!r}'}\"\n",
    "p = a if b else c if d else e if f else g\n",
    "w = x ** y ** z ** u ** v\n",
    "def f():\n    return [[[[[[1]]]]]]\n",
    "if a:\n    b = (c,\n         [[[[d]]]])\n",
]


def _reference_depth(node: ast.AST, depth: int = 1) -> int:
    """The deepest level the walk can measure, with no shortcut: the definition the walk implements."""
    if isinstance(node, ast.BoolOp):
        depth += len(node.values)
    elif isinstance(node, ast.alias):
        depth += node.name.count(".")
    elif isinstance(node, ast.ImportFrom):
        depth += (node.module or "").count(".")
    deepest = depth
    for child in ast.iter_child_nodes(node):
        deepest = max(deepest, _reference_depth(child, depth + 1) if child._fields else depth + 1)
    return deepest


@pytest.mark.parametrize("name", sorted(DEEP))
def test_python_nested_past_the_limit_is_not_read(name: str) -> None:
    source = SourceFile("deep.py", DEEP[name], FileKind.PYTHON)
    assert source.module is None
    assert source.parse_error is not None and "nested more than" in source.parse_error


@pytest.mark.parametrize("code", DENSE)
def test_no_statement_holds_more_levels_than_the_shortcut_assumes(code: str) -> None:
    """The walk skips a simple statement when even the most levels its characters could hold stay
    under the limit; were that bound wrong, a deep statement could slip through unwalked."""
    tree = ast.parse(code)
    lines = code.splitlines(keepends=True)
    for statement in ast.walk(tree):
        if type(statement) in _SIMPLE_STATEMENTS:
            assert isinstance(statement, ast.stmt) and statement.end_lineno and statement.end_col_offset
            span = sum(len(line) for line in lines[statement.lineno - 1 : statement.end_lineno - 1])
            span += statement.end_col_offset
            levels = _reference_depth(statement, 0)
            assert levels <= _LEVELS_PER_CHARACTER * span + _LEVELS_FOR_NOTHING, (levels, span)


@pytest.mark.parametrize("code", DENSE)
def test_the_walk_measures_what_the_definition_says(code: str) -> None:
    tree = ast.parse(code)
    deepest = _reference_depth(tree)
    for limit in sorted({1, 2, 5, 10, 20, 40, deepest - 1, deepest, deepest + 1, MAX_NESTING}):
        assert _deeper_than(tree, limit, code) is (deepest > limit), limit


def test_ordinary_code_is_read() -> None:
    source = SourceFile("ok.py", "\n".join(DENSE), FileKind.PYTHON)
    assert source.module is not None and source.syntax is not None
