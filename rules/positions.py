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
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, cast

from libcst import BatchableCSTVisitor, CSTNode, Module
from libcst._nodes.internal import CodegenState
from libcst.metadata import CodePosition, CodeRange

# The line breaks libcst's own position state counts (libcst.metadata.position_provider.NEWLINE_RE).
_NEWLINE = re.compile(r"\r\n?|\n")

# A position is one int, line << _LINE | column (no line of a reviewable file nears 2**32 characters).
# Plain ints, unlike a tuple per node, are nothing the garbage collector tracks: ~3,000 tuples a file
# would trigger its collections several times as often, and carried into its oldest generation they
# would bring on full collections, which walk every parsed tree still alive.
_LINE = 32
_COLUMN = (1 << _LINE) - 1


class _Syntactic:
    """`record_syntactic_position` as one reusable context manager:
    libcst's is generator-based, several times dearer.

    libcst only ever uses the call as `with state.record_syntactic_position(...)`,
    so the call itself opens the range on the state's stack and `__exit__`
    closes the innermost one.
    """

    __slots__ = ("state",)

    def __init__(self, state: _PositionState) -> None:
        self.state = state

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: object) -> None:
        state = self.state
        node, start_node, end_node, start = state.syntactic.pop()
        end = state.at
        if start_node is not None:
            start = state.starts[id(start_node)]
        if end_node is not None:
            end = state.ends[id(end_node)]
        key = id(node)
        state.starts[key] = start
        state.ends[key] = end
        state.nodes[key] = node


class _PositionState(CodegenState):
    """Mirrors libcst's `PositionProvidingCodegenState` step for step."""

    __slots__ = ("_syntactic_exit", "at", "ends", "nodes", "stack", "starts", "syntactic")

    def __init__(self, module: Module) -> None:
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.at = 1 << _LINE
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
            self.at = ((self.at >> _LINE) + len(segments) - 1) << _LINE | len(segments[-1])
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

    __slots__ = ("events", "leaves", "visits")

    def __init__(self, module: Module, hooks: Mapping[str, list[Hook]]) -> None:
        super().__init__(module)
        self.visits = _HooksByType(hooks, "visit_")
        self.leaves = _HooksByType(hooks, "leave_")
        self.events: list[list[Hook] | CSTNode] = []

    def before_codegen(self, node: CSTNode) -> None:
        self.stack.append(self.at)
        visit = self.visits[type(node)]
        if visit:
            self.events += visit, node

    def after_codegen(self, node: CSTNode) -> None:
        start = self.stack.pop()
        key = id(node)
        if key not in self.starts:  # as in _PositionState, inlined: this runs for every node
            self.starts[key] = start
            self.ends[key] = self.at
            self.nodes[key] = node
        leave = self.leaves[type(node)]
        if leave:
            self.events += leave, node


class _HooksByType(dict[type, list[Hook] | None]):
    """The hooks for a node type, looked up by name once per type: a plain dict hit on every later node."""

    def __init__(self, hooks: Mapping[str, list[Hook]], prefix: str) -> None:
        super().__init__()
        self.hooks = hooks
        self.prefix = prefix

    def __missing__(self, kind: type) -> list[Hook] | None:
        found = self[kind] = self.hooks.get(self.prefix + kind.__name__)
        return found


def visitor_hooks(visitors: Iterable[BatchableCSTVisitor]) -> dict[str, list[Hook]]:
    """Every visitor's hooks by name, in visitor order: what one batched traversal calls on each node.

    Built on `get_visitors()`, libcst's public API, not on the private helper its
    own batched visit uses, so that a libcst release can move that helper freely.
    """
    hooks: dict[str, list[Hook]] = {}
    for visitor in visitors:
        for name, function in visitor.get_visitors().items():
            hooks.setdefault(name, []).append(function)
    return hooks


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
        self._starts = state.starts
        self._ends = state.ends
        self._nodes = state.nodes
        self._events: list[list[Hook] | CSTNode] = state.events if isinstance(state, _RecordingState) else []
        self._built: dict[int, CodeRange] = {}

    def __getitem__(self, node: CSTNode) -> CodeRange:
        key = id(node)
        built = self._built.get(key)
        if built is None:
            start, end = self._starts[key], self._ends[key]
            built = self._built[key] = CodeRange(
                CodePosition(start >> _LINE, start & _COLUMN), CodePosition(end >> _LINE, end & _COLUMN)
            )
        return built

    def __iter__(self) -> Iterator[CSTNode]:
        return iter(self._nodes.values())

    def __len__(self) -> int:
        return len(self._nodes)

    @property
    def events(self) -> Iterator[Event]:
        """The recorded traversal; kept as one flat list,
        hooks then node, for the reason positions are ints."""
        flat = iter(self._events)
        # `_events` alternates hooks and node, a shape its element type cannot say.
        return cast("Iterator[Event]", zip(flat, flat, strict=True))

    def lines(self, node: CSTNode) -> tuple[int, int]:
        """First and last line, without building a `CodeRange`."""
        key = id(node)
        return self._starts[key] >> _LINE, self._ends[key] >> _LINE
