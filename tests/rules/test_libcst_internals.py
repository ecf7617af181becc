"""The libcst internals the engine's fast path leans on: when a libcst release moves one, say which and where.

rules/positions.py subclasses libcst's private code-generation state and runs
`Module._codegen` with it, so positions cost one lean pass; rules/engine.py puts
that table into a `MetadataWrapper`'s private slot of resolved metadata. Every
other libcst use is public API. If the first two move, importing the engine
fails with a bare ImportError or AttributeError; if the third does, every review
quietly pays for libcst's slower provider. These tests name the culprit instead.
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
