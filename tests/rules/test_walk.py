"""The engine's walk must call every rule hook exactly as libcst's own batched visit would:
same hooks, same nodes, same order, or a rule sees a different module than it was written for."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import libcst
import pytest

from rules.walk import TRIVIA, Walk, visitor_hooks, walkable
from tests.rules.test_positions import TRICKY

ROOT = Path(__file__).resolve().parents[2]
NODE_TYPES = sorted(
    name
    for name in dir(libcst)
    if isinstance(getattr(libcst, name), type) and issubclass(getattr(libcst, name), libcst.CSTNode)
)


class _Recorder(libcst.BatchableCSTVisitor):
    """Hooks on the given node types, noting each call in order."""

    def __init__(self, names: list[str]) -> None:
        super().__init__()
        self.names = names
        self.calls: list[tuple[str, int]] = []

    def get_visitors(self) -> dict[str, Callable[[libcst.CSTNode], None]]:
        hooks: dict[str, Callable[[libcst.CSTNode], None]] = {}
        for name in self.names:
            hooks[f"visit_{name}"] = self._note(f"+{name}")
            hooks[f"leave_{name}"] = self._note(f"-{name}")
        return hooks

    def _note(self, label: str) -> Callable[[libcst.CSTNode], None]:
        return lambda node: self.calls.append((label, id(node)))


SOURCES = TRICKY + [path.read_text(encoding="utf-8") for path in sorted((ROOT / "rules").glob("**/*.py"))]
STRUCTURAL = [name for name in NODE_TYPES if getattr(libcst, name) not in TRIVIA]


@pytest.mark.parametrize("names", [NODE_TYPES, STRUCTURAL], ids=["every node type", "trivia unhooked"])
@pytest.mark.parametrize("code", SOURCES, ids=range(len(SOURCES)))
def test_the_walk_calls_hooks_as_libcst_does(code: str, names: list[str]) -> None:
    module = libcst.parse_module(code)
    expected, walked = _Recorder(names), _Recorder(names)
    libcst.visit_batched(module, [expected])
    Walk(module).run(visitor_hooks([walked]))
    assert walked.calls == expected.calls


def test_the_walk_notes_each_reached_node_s_innermost_statement() -> None:
    module = libcst.parse_module("def f():\n    x = g(1)\n    if x:\n        return x\n")
    walk = Walk(module)
    walk.run({})
    function = module.body[0]
    assert isinstance(function, libcst.FunctionDef) and isinstance(function.body, libcst.IndentedBlock)
    assign, branch = function.body.body
    call = assign.body[0].value  # type: ignore[attr-defined]
    assert walk.owners[id(call)] is assign
    assert walk.owners[id(branch)] is branch
    assert walk.owners[id(function.name)] is function


def test_hooks_between_fields_fall_back_to_libcst() -> None:
    assert walkable({"visit_Call": [], "leave_Module": []})
    assert not walkable({"visit_Call_func": []})
