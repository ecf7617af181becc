"""Positions computed a statement at a time must be libcst's own, node for node, however they are asked
for; where CPython's tree cannot anchor them, the whole module's table must answer instead."""

from __future__ import annotations

import ast
from pathlib import Path

import libcst
import pytest
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from rules.anchors import StatementPositions
from rules.source import python_syntax
from rules.walk import TRIVIA, Walk
from tests.rules.test_positions import TRICKY

ROOT = Path(__file__).resolve().parents[2]
MORE = [
    "x = {\n    'a': 0.5,  # note\n    # between\n    'b': [1,\n          2],\n}\ny = 1; z = (\n  3)\n",
    "@a\n# between decorators\n@b(\n  1)\nclass C(\n    Base):\n    '''doc\n    # not a comment\n    '''\n"
    "    def f(self): return 0.73\n",
    "for i in r:\n    pass\nelse:\n    y = 2\nwhile t:\n    break\nelse:\n    z = 3\n"
    "with a as b:\n  with c:\n    d = f'''{x}\n{y}'''\n",
    "if a: b = 1\nelif c: d = 2\nelse: e = 3\n",
    "try:\n    pass\nexcept (A,\n        B) as e:\n    raise\nelse:\n    pass\n",
    "def f(\n    a=1,\n    *,\n    b=2,\n):\n    return (a\n            + b)\n\n\n# trailing\n",
    "x = 1 \\\n    + 2\nif x:\n\n    # comment in block\n    y = 3\n    # block footer\n",
]
SOURCES = TRICKY + MORE + [path.read_text(encoding="utf-8") for path in sorted((ROOT / "rules").glob("*.py"))]


def _tables(code: str) -> tuple[libcst.Module, dict[libcst.CSTNode, CodeRange], StatementPositions, Walk]:
    module = libcst.parse_module(code)
    expected = dict(MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider))
    walk = Walk(module)
    walk.run({})
    return module, expected, StatementPositions(module, python_syntax(code), walk), walk


def _reached(expected: dict[libcst.CSTNode, CodeRange], walk: Walk) -> list[libcst.CSTNode]:
    return [node for node in expected if type(node) not in TRIVIA and id(node) in walk.owners]


@pytest.mark.parametrize("code", SOURCES, ids=range(len(SOURCES)))
def test_every_reached_node_is_placed_as_libcst_places_it(code: str) -> None:
    """First lines asked in source order (as rules ask while walking), then whole ranges on a fresh table."""
    module, expected, table, walk = _tables(code)
    for node in _reached(expected, walk):
        assert table.first_line(node) == expected[node].start.line, type(node).__name__
    table = StatementPositions(module, python_syntax(code), walk)
    for node in _reached(expected, walk):
        where = expected[node]
        assert table.lines(node) == (where.start.line, where.end.line), type(node).__name__
        assert table[node] == where, type(node).__name__


@pytest.mark.parametrize("code", TRICKY + MORE, ids=range(len(TRICKY + MORE)))
def test_each_node_alone_is_placed_as_libcst_places_it(code: str) -> None:
    """A lone question, with nothing generated before it: the statement is generated only up to the node."""
    module, expected, _, walk = _tables(code)
    tree = python_syntax(code)
    for node in _reached(expected, walk):
        assert StatementPositions(module, tree, walk).first_line(node) == expected[node].start.line
        assert StatementPositions(module, tree, walk)[node] == expected[node], type(node).__name__


@pytest.mark.parametrize("code", MORE, ids=range(len(MORE)))
def test_columns_first_then_lines_agree(code: str) -> None:
    _, expected, table, walk = _tables(code)
    for node in reversed(
        _reached(expected, walk)
    ):  # the last nodes first: every statement is generated whole, then reused
        assert table[node] == expected[node]
        assert table.first_line(node) == expected[node].start.line


@pytest.mark.parametrize(
    "tree",
    [None, ast.parse("x = 1\n"), ast.parse("def g():\n    pass\n")],
    ids=["no tree", "other statements", "other kind"],
)
def test_a_tree_that_cannot_anchor_leaves_it_to_the_whole_module(tree: ast.Module | None) -> None:
    code = MORE[0] + "def f():\n    return 1\n"
    module = libcst.parse_module(code)
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    walk = Walk(module)
    walk.run({})
    table = StatementPositions(module, tree, walk)
    for node, where in expected.items():
        if type(node) not in TRIVIA:
            assert table[node] == where
            assert table.first_line(node) == where.start.line


def test_a_node_asked_about_before_the_walk_reaches_it_is_placed() -> None:
    code = "import os\n\n\ndef f():\n    '''Reads\n    the thing.'''\n    return 0.5\n"
    module = libcst.parse_module(code)
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    walk = Walk(module)
    table = StatementPositions(module, python_syntax(code), walk)
    seen: list[tuple[int, int]] = []

    def ahead(node: libcst.CSTNode) -> None:
        assert isinstance(node, libcst.FunctionDef) and isinstance(node.body, libcst.IndentedBlock)
        docstring = node.body.body[0]
        seen.append(table.lines(docstring))
        assert table[docstring] == expected[docstring]

    walk.run({"visit_FunctionDef": [ahead]})
    assert seen == [(5, 6)]
