"""The libcst internals the engine's fast path leans on: when a libcst release moves one, say which and where.

rules/positions.py subclasses libcst's private code-generation state and runs
`_codegen` with it (rules/anchors.py a statement at a time), so positions cost
one lean pass at most; rules/walk.py reads each node type's child fields from
its private `_visit_and_replace_children`; rules/engine.py puts the position
table into a `MetadataWrapper`'s private slot of resolved metadata. Every other
libcst use is public API. If the state or the visit methods move, the engine
fails with a bare ImportError, AttributeError or OSError, or a rule stops seeing
a subtree; if the wrapper's slot does, every review quietly pays for libcst's
slower provider. These tests name the culprit instead.
"""

from __future__ import annotations

import importlib
from importlib.metadata import version

import libcst
import pytest
from libcst.metadata import PositionProvider

# What rules/positions.py's `_PositionState` overrides or reads on libcst's `CodegenState`.
STATE_METHODS = (
    "add_token",
    "add_indent_tokens",
    "before_codegen",
    "after_codegen",
    "record_syntactic_position",
)
STATE_FIELDS = ("tokens", "indent_tokens")


def moved(what: str, user: str) -> str:
    return (
        f"libcst {version('libcst')} no longer has {what}, which {user} relies on. "
        f"Port {user} to this libcst "
        "(tests/rules/test_positions.py then checks every position against libcst's own provider), "
        "or cap libcst "
        "below this release in pyproject.toml."
    )


def test_the_code_generation_state_the_position_table_subclasses_is_still_there() -> None:
    try:
        internal = importlib.import_module("libcst._nodes.internal")
    except ImportError:
        pytest.fail(moved("the module libcst._nodes.internal", "rules/positions.py"), pytrace=False)
    state_class = getattr(internal, "CodegenState", None)
    if not isinstance(state_class, type):
        pytest.fail(
            moved("libcst._nodes.internal.CodegenState", "rules/positions.py (_PositionState)"), pytrace=False
        )
    missing = [name for name in STATE_METHODS if not callable(getattr(state_class, name, None))]
    state = state_class(default_indent="    ", default_newline="\n")
    missing += [name for name in STATE_FIELDS if not isinstance(getattr(state, name, None), list)]
    if missing:
        pytest.fail(
            moved(f"CodegenState.{', CodegenState.'.join(missing)}", "rules/positions.py (_PositionState)"),
            pytrace=False,
        )


def test_modules_still_generate_code_through_a_state_the_caller_passes() -> None:
    if not callable(getattr(libcst.Module, "_codegen", None)):
        pytest.fail(moved("Module._codegen", "rules/positions.py (Positions)"), pytrace=False)


def test_a_wrapper_still_takes_the_positions_the_engine_resolved_itself() -> None:
    from rules.engine import _wrapper
    from rules.positions import Positions

    module = libcst.parse_module("x = 1\n")
    table = Positions(module)
    if _wrapper(module, table).resolve(PositionProvider) is not table:
        pytest.fail(
            moved("MetadataWrapper._metadata as a dict of resolved providers", "rules/engine.py (_wrapper)"),
            pytrace=False,
        )


def test_each_node_type_still_names_its_children_in_its_visit_method() -> None:
    """rules/walk.py reads a node type's child fields, in visiting order, from the source of its
    `_visit_and_replace_children`; a field it missed would hide a subtree from every rule."""
    import dataclasses
    from pathlib import Path

    from rules.walk import CHILD_FIELDS
    from tests.rules.test_positions import TRICKY

    root = Path(__file__).resolve().parents[2]
    sources = TRICKY + [path.read_text(encoding="utf-8") for path in sorted((root / "rules").glob("*.py"))]
    unread: set[str] = set()
    for code in sources:
        stack: list[libcst.CSTNode] = [libcst.parse_module(code)]
        while stack:
            node = stack.pop()
            try:
                named = CHILD_FIELDS[type(node)]
            except (OSError, TypeError):
                pytest.fail(moved(f"the source of {type(node).__name__}'s visit method", "rules/walk.py"))
            for field in dataclasses.fields(node):
                value = getattr(node, field.name)
                children = [
                    item
                    for item in (value if isinstance(value, list | tuple) else [value])
                    if isinstance(item, libcst.CSTNode)
                ]
                if children and field.name not in named:
                    unread.add(f"{type(node).__name__}.{field.name}")
                stack += children
    if unread:
        pytest.fail(
            moved(f"child fields named in visit methods ({', '.join(sorted(unread))})", "rules/walk.py")
        )
