"""The engine's position table must agree with libcst's
`PositionProvider` on every node, or finding lines drift."""

from __future__ import annotations

from pathlib import Path

import libcst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from rules.positions import Positions

ROOT = Path(__file__).resolve().parents[2]

TRICKY = [
    "",
    "\n",
    "x = 1",
    "  \n\n# only a comment",
    "x = (1,\r\n 2)\r\nif x:\r  y = 1\r\n\r# lone carriage returns\n",
    "@(\n  decorator)\ndef f(): pass\n",
    "s = '''a\r\nb'''\nclass A:\n\tdef f(self):\n\t\treturn 1  # tab indent\n\n\n# tail\n",
    "async def f():\n    async with a as b, c:\n        await d\n    return [x async for x in e if x]\n",
    "match p:\n    case {'k': [1, *rest]} if rest:\n        pass\n    case _:\n        pass\n",
    "f(a)(b)[c].d = lambda *a, k=1, **kw: (yield)\n",
    'x = f"{a!r:>{w}} {b=}"\n',
    "if a:\n    pass\nelif b:\n    pass\nelse:\n    pass\ntry:\n    1\nexcept* E as e:\n    2\nfinally:\n"
    "    3\n",
]


def _agree(code: str) -> None:
    module = libcst.parse_module(code)
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    table = Positions(module)
    assert len(table) == len(expected)
    for node, where in expected.items():
        assert table[node] == where, (type(node).__name__, where, table[node])
        assert table.lines(node) == (where.start.line, where.end.line)


@pytest.mark.parametrize("code", TRICKY)
def test_tricky_code_matches_libcst(code: str) -> None:
    _agree(code)


@pytest.mark.parametrize("path", sorted((ROOT / "rules").glob("**/*.py")), ids=lambda path: path.name)
def test_real_modules_match_libcst(path: Path) -> None:
    _agree(path.read_text(encoding="utf-8"))


def test_unknown_node_is_a_key_error() -> None:
    table = Positions(libcst.parse_module("x = 1\n"))
    assert libcst.Name("y") not in table
    with pytest.raises(KeyError):
        table[libcst.Name("y")]
