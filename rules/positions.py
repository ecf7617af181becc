"""libcst's `PositionProvider` ranges, computed at a fraction of its cost.

libcst finds positions by generating the module's code again with a state that
tracks line and column. Its state splits every token with a regex, builds two
`CodePosition`s and a `CodeRange` per node, hashes nodes through a Python-level
`__hash__`, and enters a generator-based context manager for every syntactic
range: together about as slow as parsing. This state does the same bookkeeping
with plain ints keyed by `id(node)` and one reusable context manager, and builds
a `CodeRange` only for the nodes a rule asks about. The ranges are the very
ones libcst computes (tests/rules/test_positions.py compares them node by node);
the private libcst parts this leans on are named in tests/rules/test_libcst_internals.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from libcst import CSTNode, Module
from libcst._nodes.internal import CodegenState
from libcst.metadata import CodePosition, CodeRange

# The line breaks libcst's own position state counts (libcst.metadata.position_provider.NEWLINE_RE).
_NEWLINE = re.compile(r"\r\n?|\n")

# A position is one int, line << LINE_SHIFT | column (no line of a reviewable file nears 2**32 characters).
# Plain ints, unlike a tuple per node, are nothing the garbage collector tracks: ~3,000 tuples a file
# would trigger its collections several times as often, and carried into its oldest generation they
# would bring on full collections, which walk every parsed tree still alive.
LINE_SHIFT = 32
_COLUMN = (1 << LINE_SHIFT) - 1


class _Syntactic:
    """`record_syntactic_position` as one reusable context manager:
    libcst's is generator-based, several times dearer.

    libcst only ever uses the call as `with state.record_syntactic_position(...)`,
    so the call itself opens the range on the state's stack and `__exit__`
    closes the innermost one.
    """

    __slots__ = ("state",)

    def __init__(self, state: PositionState) -> None:
        self.state = state

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: object) -> None:
        state = self.state
        node, start_node, end_node, start = state.syntactic.pop()
        if exc[0] is not None:  # generation was stopped inside the node: it has no end yet
            return
        end = state.at
        if start_node is not None:
            start = state.starts[id(start_node)]
        if end_node is not None:
            end = state.ends[id(end_node)]
        key = id(node)
        state.starts[key] = start
        state.ends[key] = end
        state.nodes[key] = node


class PositionState(CodegenState):
    """Mirrors libcst's `PositionProvidingCodegenState` step for step."""

    __slots__ = ("_syntactic_exit", "at", "ends", "nodes", "stack", "starts", "syntactic")

    def __init__(self, module: Module) -> None:
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.at = 1 << LINE_SHIFT
        self.stack: list[int] = []
        # Start and end of each node, by id; `nodes` holds the nodes
        # themselves, in the same order, so the ids stay theirs.
        self.starts: dict[int, int] = {}
        self.ends: dict[int, int] = {}
        self.nodes: dict[int, CSTNode] = {}
        self.syntactic: list[tuple[CSTNode, CSTNode | None, CSTNode | None, int]] = []
        self._syntactic_exit = _Syntactic(self)

    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self.add_token(token)

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        if "\n" in value or "\r" in value:
            segments = _NEWLINE.split(value)
            self.at = ((self.at >> LINE_SHIFT) + len(segments) - 1) << LINE_SHIFT | len(segments[-1])
        else:
            self.at += len(value)

    def before_codegen(self, node: CSTNode) -> None:
        self.stack.append(self.at)

    def after_codegen(self, node: CSTNode) -> None:
        start = self.stack.pop()
        key = id(node)
        if key not in self.starts:  # a syntactic range recorded inside the node wins, as in libcst
            self.starts[key] = start
            self.ends[key] = self.at
            self.nodes[key] = node

    def record_syntactic_position(
        self, node: CSTNode, *, start_node: CSTNode | None = None, end_node: CSTNode | None = None
    ) -> Any:
        self.syntactic.append((node, start_node, end_node, self.at))
        return self._syntactic_exit


def code_range(start: int, end: int) -> CodeRange:
    """libcst's range of two packed positions."""
    return CodeRange(
        CodePosition(start >> LINE_SHIFT, start & _COLUMN), CodePosition(end >> LINE_SHIFT, end & _COLUMN)
    )


class Positions(Mapping[CSTNode, CodeRange]):
    """What `get_metadata(PositionProvider, node)` reads; a `CodeRange` is built on first lookup."""

    def __init__(self, module: Module) -> None:
        state = PositionState(module)
        module._codegen(state)
        self._starts = state.starts
        self._ends = state.ends
        self._nodes = state.nodes
        self._built: dict[int, CodeRange] = {}

    def __getitem__(self, node: CSTNode) -> CodeRange:
        key = id(node)
        built = self._built.get(key)
        if built is None:
            built = self._built[key] = code_range(self._starts[key], self._ends[key])
        return built

    def __iter__(self) -> Iterator[CSTNode]:
        return iter(self._nodes.values())

    def __len__(self) -> int:
        return len(self._nodes)

    def lines(self, node: CSTNode) -> tuple[int, int]:
        """First and last line, without building a `CodeRange`."""
        key = id(node)
        return self._starts[key] >> LINE_SHIFT, self._ends[key] >> LINE_SHIFT
