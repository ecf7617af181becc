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
from collections.abc import Callable, Iterator, Mapping
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


Hook = Callable[[CSTNode], object]
# One event of a traversal: the hooks to call and the node to call them with.
Event = tuple[list[Hook], CSTNode]


class _RecordingState(_PositionState):
    """Also notes, in the order libcst's visitor would reach them, the nodes that have hooks.

    Code generation walks the tree in source order, which is libcst's visiting
    order for every node except the whitespace inside a statement
    (`SimpleWhitespace`, `ParenthesizedWhitespace`, `TrailingWhitespace`,
    `Newline`); `replayable` keeps hooks on those out.
    """

    __slots__ = ("names", "by_type", "events")

    def __init__(self, module: Module, hooks: Mapping[str, list[Hook]]) -> None:
        super().__init__(module)
        self.names = hooks
        self.by_type: dict[type, tuple[list[Hook] | None, list[Hook] | None]] = {}
        self.events: list[Event] = []

    def _hooks(self, kind: type) -> tuple[list[Hook] | None, list[Hook] | None]:
        found = self.by_type.get(kind)
        if found is None:
            found = self.by_type[kind] = (self.names.get(f"visit_{kind.__name__}"), self.names.get(f"leave_{kind.__name__}"))
        return found

    def before_codegen(self, node: CSTNode) -> None:
        self.stack.append((self.line, self.column))
        visit = self._hooks(type(node))[0]
        if visit:
            self.events.append((visit, node))

    def after_codegen(self, node: CSTNode) -> None:
        super().after_codegen(node)
        leave = self._hooks(type(node))[1]
        if leave:
            self.events.append((leave, node))


# Nodes code generation reaches in a different order from libcst's visitor (see _RecordingState).
_REORDERED = frozenset({"SimpleWhitespace", "ParenthesizedWhitespace", "TrailingWhitespace", "Newline"})


def replayable(hooks: Mapping[str, list[Hook]]) -> bool:
    """Whether a recorded traversal calls these hooks exactly as libcst's batched visit would.

    Attribute hooks (`visit_Call_func`) have no event to ride on, and the
    reordered whitespace nodes would come out of order.
    """
    for name in hooks:
        node_type = name.partition("_")[2]
        if "_" in node_type or node_type in _REORDERED:
            return False
    return True


class Positions(Mapping[CSTNode, CodeRange]):
    """What `get_metadata(PositionProvider, node)` reads; a `CodeRange` is built on first lookup.

    Given visitor hooks (name -> functions, as libcst batches them), the same
    pass also records the traversal in `events`, so the rules can be run
    without libcst's visit, which rebuilds and revalidates every node it passes.
    """

    def __init__(self, module: Module, hooks: Mapping[str, list[Hook]] | None = None) -> None:
        state = _PositionState(module) if hooks is None else _RecordingState(module, hooks)
        module._codegen(state)
        self._ranges = state.ranges
        self.events: list[Event] = state.events if isinstance(state, _RecordingState) else []
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
