"""libcst's `PositionProvider` ranges, computed at a fraction of its cost.

libcst finds positions by generating the module's code again with a state that
tracks line and column. Its state splits every token with a regex, builds two
`CodePosition`s and a `CodeRange` per node, hashes nodes through a Python-level
`__hash__`, and enters a generator-based context manager for every syntactic
range: together about as slow as parsing. This state does the same bookkeeping
with plain tuples keyed by `id(node)` and a slotted context manager, and builds
a `CodeRange` only for the nodes a rule asks about. The ranges are the very
ones libcst computes (tests/rules/test_positions.py compares them node by node).
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

# node id -> (node, start line, start column, end line, end column); the node keeps the id meaningful.
_Ranges = dict[int, tuple[CSTNode, int, int, int, int]]


class _Syntactic:
    """`record_syntactic_position` as a slotted object: a generator-based context manager costs several times more."""

    __slots__ = ("state", "node", "start_node", "end_node", "line", "column")

    def __init__(self, state: _PositionState, node: CSTNode, start_node: CSTNode | None, end_node: CSTNode | None) -> None:
        self.state = state
        self.node = node
        self.start_node = start_node
        self.end_node = end_node

    def __enter__(self) -> None:
        self.line = self.state.line
        self.column = self.state.column

    def __exit__(self, *exc: object) -> None:
        state = self.state
        ranges = state.ranges
        start_line, start_column = self.line, self.column
        end_line, end_column = state.line, state.column
        if self.start_node is not None:
            _, start_line, start_column, _, _ = ranges[id(self.start_node)]
        if self.end_node is not None:
            _, _, _, end_line, end_column = ranges[id(self.end_node)]
        ranges[id(self.node)] = (self.node, start_line, start_column, end_line, end_column)


class _PositionState(CodegenState):
    """Mirrors libcst's `PositionProvidingCodegenState` step for step."""

    __slots__ = ("line", "column", "stack", "ranges")

    def __init__(self, module: Module) -> None:
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.line = 1
        self.column = 0
        self.stack: list[tuple[int, int]] = []
        self.ranges: _Ranges = {}

    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self.add_token(token)

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        if "\n" in value or "\r" in value:
            segments = _NEWLINE.split(value)
            self.line += len(segments) - 1
            self.column = len(segments[-1])
        else:
            self.column += len(value)

    def before_codegen(self, node: CSTNode) -> None:
        self.stack.append((self.line, self.column))

    def after_codegen(self, node: CSTNode) -> None:
        start_line, start_column = self.stack.pop()
        key = id(node)
        if key not in self.ranges:  # a syntactic range recorded inside the node wins, as in libcst
            self.ranges[key] = (node, start_line, start_column, self.line, self.column)

    def record_syntactic_position(  # type: ignore[override]
        self, node: CSTNode, *, start_node: CSTNode | None = None, end_node: CSTNode | None = None
    ) -> Any:
        return _Syntactic(self, node, start_node, end_node)


class Positions(Mapping[CSTNode, CodeRange]):
    """What `get_metadata(PositionProvider, node)` reads; a `CodeRange` is built on first lookup."""

    def __init__(self, module: Module) -> None:
        state = _PositionState(module)
        module._codegen(state)
        self._ranges = state.ranges
        self._built: dict[int, CodeRange] = {}

    def __getitem__(self, node: CSTNode) -> CodeRange:
        key = id(node)
        built = self._built.get(key)
        if built is None:
            _, start_line, start_column, end_line, end_column = self._ranges[key]
            built = self._built[key] = CodeRange(CodePosition(start_line, start_column), CodePosition(end_line, end_column))
        return built

    def __iter__(self) -> Iterator[CSTNode]:
        return (entry[0] for entry in self._ranges.values())

    def __len__(self) -> int:
        return len(self._ranges)

    def lines(self, node: CSTNode) -> tuple[int, int]:
        """First and last line, without building a `CodeRange`."""
        _, start_line, _, end_line, _ = self._ranges[id(node)]
        return start_line, end_line
