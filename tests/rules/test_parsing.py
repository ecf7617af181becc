"""The engine's parse skips libcst's second validation of each parsed node, and nothing else: same trees,
same errors, and every node built any other way is still validated."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import libcst
import pytest

from rules.parsing import SKIPS_VALIDATION, parse_module
from tests.rules.test_positions import TRICKY

ROOT = Path(__file__).resolve().parents[2]
SOURCES = TRICKY + [path.read_text(encoding="utf-8") for path in sorted((ROOT / "rules").glob("*.py"))]


def test_this_libcst_s_node_hook_is_the_validation_the_engine_skips() -> None:
    assert SKIPS_VALIDATION, (
        "libcst's CSTNode.__post_init__ is no longer just `self._validate()`: rules/parsing.py now parses "
        "with full validation (slower). Check what the hook does in this libcst and port rules/parsing.py."
    )
    own_hooks = [
        name
        for name in dir(libcst)
        if isinstance(kind := getattr(libcst, name), type)
        and issubclass(kind, libcst.CSTNode)
        and dataclasses.is_dataclass(kind)
        and kind is not libcst.CSTNode
        and "__post_init__" in kind.__dict__
    ]
    assert own_hooks == [], (
        f"node types with a hook of their own, which the swap would not reach: {own_hooks}"
    )


@pytest.mark.parametrize("code", SOURCES, ids=range(len(SOURCES)))
def test_the_tree_is_libcst_s(code: str) -> None:
    assert parse_module(code).deep_equals(libcst.parse_module(code))


def test_bad_code_fails_as_libcst_fails() -> None:
    with pytest.raises(libcst.ParserSyntaxError) as ours:
        parse_module("def f(:\n    pass\n")
    with pytest.raises(libcst.ParserSyntaxError) as theirs:
        libcst.parse_module("def f(:\n    pass\n")
    assert str(ours.value) == str(theirs.value)


def test_an_identifier_only_cpython_takes_is_refused_as_libcst_refuses_it() -> None:
    """Found by hypothesis (tests/reliability/test_fuzz.py): beyond ASCII, validation can still fail."""
    code = "\U00031e67" * 3 + "\n"
    with pytest.raises(libcst.CSTValidationError) as ours:
        parse_module(code)
    with pytest.raises(libcst.CSTValidationError) as theirs:
        libcst.parse_module(code)
    assert str(ours.value) == str(theirs.value)


def test_nodes_built_any_other_way_are_still_validated() -> None:
    parse_module("x = 1\n")
    with pytest.raises(libcst.CSTValidationError):
        libcst.Name("not an identifier")
    with pytest.raises(libcst.ParserSyntaxError):
        parse_module("def f(:\n")
    with pytest.raises(libcst.CSTValidationError):
        libcst.Name("still not one")
