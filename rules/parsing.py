"""libcst's parse without its second, Python-level validation of every node its native parser built.

libcst's parser is native code, but each node it builds runs the node class's
`__post_init__`, which validates the node again in Python (identifier rules,
whitespace shapes, parenthesis balance): over a tenth of a parse, spent
re-checking what the parser has just established in ASCII source. While a file is parsed that
hook does nothing; it is restored the moment the parse returns, so every node
built any other way (a fix, a test) is validated as before. Only a libcst whose
hook is the one this was written against is treated so; any other parses as it
ships, and tests/rules/test_parsing.py fails loudly to say the hook moved.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import version

import libcst
from libcst import CSTNode

# The hook as libcst 1.x writes it: validation and nothing else (tests/rules/test_parsing.py checks).
_ORIGINAL = CSTNode.__dict__.get("__post_init__")


def _hook_only_validates() -> bool:
    if _ORIGINAL is None or not version("libcst").startswith("1."):
        return False
    try:
        body = inspect.getsource(_ORIGINAL)
    except (OSError, TypeError):
        return False
    code = [
        line.strip() for line in body.splitlines()[1:] if line.strip() and not line.strip().startswith("#")
    ]
    return code == ["self._validate()"]


SKIPS_VALIDATION = _hook_only_validates()


def _validated_by_the_parser(self: CSTNode) -> None:
    """The parser built this node from valid source: nothing to check again."""


@contextmanager
def _unvalidated() -> Iterator[None]:
    if not SKIPS_VALIDATION:
        yield
        return
    CSTNode.__post_init__ = _validated_by_the_parser  # type: ignore[method-assign]
    try:
        yield
    finally:
        CSTNode.__post_init__ = _ORIGINAL  # type: ignore[method-assign, assignment]  # checked not None


def parse_module(code: str) -> libcst.Module:
    """`libcst.parse_module`, same tree, same errors.

    Only ASCII source skips the validation. Beyond ASCII, CPython's tokenizer
    takes identifiers that `str.isidentifier`, which libcst's validation asks,
    refuses (hypothesis found one); such source is parsed as libcst ships, so
    it is refused as before.
    """
    if not code.isascii():
        return libcst.parse_module(code)
    with _unvalidated():
        return libcst.parse_module(code)
