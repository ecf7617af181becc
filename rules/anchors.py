"""Positions a statement at a time, for the statements a rule asks about.

A libcst position costs a pass of code generation over the whole module,
about a third of a parse. Yet most rules only ask for a line, of few nodes, and
CPython's own parser, which the engine runs anyway to refuse absurdly nested
code, already knows on which line every statement starts. So each statement
is anchored to CPython's line for it: a line of simple statements that fits on
one line answers for every node in it with no code generation at all; any
other question generates the code of that one statement only, starting from its
anchor. The answers are the ones libcst's `PositionProvider` gives
(tests/rules/test_anchors.py compares them node by node), and where CPython's
tree and libcst's cannot be matched statement for statement, or a generated
statement does not land on its anchor, the whole module's table takes over.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import libcst
from libcst import CSTNode, Module
from libcst.metadata import CodeRange

from rules.positions import LINE_SHIFT, Positions, PositionState, code_range
from rules.walk import Walk

# libcst compound statement -> the CPython statements it may be.
_COMPOUND: dict[type[CSTNode], tuple[type[ast.stmt], ...]] = {
    libcst.FunctionDef: (ast.FunctionDef, ast.AsyncFunctionDef),
    libcst.ClassDef: (ast.ClassDef,),
    libcst.If: (ast.If,),
    libcst.For: (ast.For, ast.AsyncFor),
    libcst.While: (ast.While,),
    libcst.With: (ast.With, ast.AsyncWith),
    libcst.Try: (ast.Try,),
    libcst.Match: (ast.Match,),
}
if hasattr(ast, "TryStar"):
    _COMPOUND[libcst.TryStar] = (ast.TryStar,)


class _Unmatched(Exception):
    """CPython's statements and libcst's do not pair up here."""


@dataclass(frozen=True, slots=True)
class _Anchor:
    first: int  # the line the statement's own range starts on (after comments and decorators)
    last: int  # its last line, where CPython's tree says so for certain (a line of simple statements)
    opening: int  # the line its code generation starts on (its leading comments and decorators included)
    indents: tuple[str, ...]  # the indentation its code generation must repeat
    elif_: bool


def _anchor_block(
    statements: Sequence[CSTNode],
    nodes: Sequence[ast.stmt],
    indents: tuple[str, ...],
    default_indent: str,
    out: dict[int, _Anchor],
) -> None:
    at = 0
    for statement in statements:
        if type(statement) is libcst.SimpleStatementLine:
            count = len(statement.body)
            smalls = nodes[at : at + count]
            at += count
            if not count or len(smalls) != count:
                raise _Unmatched
            first, last = smalls[0].lineno, smalls[-1].end_lineno or smalls[-1].lineno
            out[id(statement)] = _Anchor(first, last, first - len(statement.leading_lines), indents, False)
        else:
            if at >= len(nodes):
                raise _Unmatched
            _anchor_compound(statement, nodes[at], indents, default_indent, out, False)
            at += 1
    if at != len(nodes):
        raise _Unmatched


def _anchor_compound(
    statement: CSTNode,
    node: ast.stmt,
    indents: tuple[str, ...],
    default_indent: str,
    out: dict[int, _Anchor],
    elif_: bool,
) -> None:
    if not isinstance(node, _COMPOUND.get(type(statement), ())):
        raise _Unmatched
    opening = node.lineno
    decorators = getattr(statement, "decorators", ())
    if decorators:
        listed = getattr(node, "decorator_list", [])
        if len(listed) != len(decorators):
            raise _Unmatched
        opening = listed[0].lineno - len(decorators[0].leading_lines)
    leading = getattr(statement, "leading_lines", ())
    # The last line is left to code generation: a block's trailing comments belong to libcst's range.
    out[id(statement)] = _Anchor(node.lineno, 0, opening - len(leading), indents, elif_)

    def block(suite: CSTNode | None, nodes: list[ast.stmt]) -> None:
        if isinstance(suite, libcst.IndentedBlock):
            inner = (*indents, default_indent if suite.indent is None else suite.indent)
            _anchor_block(suite.body, nodes, inner, default_indent, out)

    body = getattr(statement, "body", None)
    if isinstance(statement, libcst.Match):
        if len(statement.cases) != len(node.cases):  # type: ignore[attr-defined]  # checked by _COMPOUND
            raise _Unmatched
        inner = (*indents, default_indent if statement.indent is None else statement.indent)
        for case, case_node in zip(statement.cases, node.cases, strict=True):  # type: ignore[attr-defined]
            if isinstance(case.body, libcst.IndentedBlock):
                case_indent = default_indent if case.body.indent is None else case.body.indent
                _anchor_block(case.body.body, case_node.body, (*inner, case_indent), default_indent, out)
        return
    block(body, getattr(node, "body", []))
    orelse = getattr(statement, "orelse", None)
    if isinstance(orelse, libcst.If):
        if len(node.orelse) != 1:  # type: ignore[attr-defined]  # If's orelse is a list
            raise _Unmatched
        _anchor_compound(orelse, node.orelse[0], indents, default_indent, out, True)  # type: ignore[attr-defined]
    elif isinstance(orelse, libcst.Else):
        block(orelse.body, node.orelse)  # type: ignore[attr-defined]
    handlers = getattr(statement, "handlers", ())
    if len(handlers) != len(getattr(node, "handlers", ())):
        raise _Unmatched
    for handler, handler_node in zip(handlers, getattr(node, "handlers", ()), strict=True):
        block(handler.body, handler_node.body)
    finalbody = getattr(statement, "finalbody", None)
    if isinstance(finalbody, libcst.Finally):
        block(finalbody.body, node.finalbody)  # type: ignore[attr-defined]


def anchors(module: Module, tree: ast.Module) -> dict[int, _Anchor] | None:
    """Every statement's anchor, by id; None where the two trees do not pair up."""
    out: dict[int, _Anchor] = {}
    try:
        _anchor_block(module.body, tree.body, (), module.default_indent, out)
    except _Unmatched:
        return None
    return out


class _Generated(Exception):
    """The node asked about has been generated: the rest of its statement need not be."""


class _StatementState(PositionState):
    """Code generation of one statement, from its anchor, stopping once `target` is done."""

    __slots__ = ("owner", "owner_start", "target")

    def __init__(self, module: Module, anchor: _Anchor, owner: CSTNode, target: int | None) -> None:
        super().__init__(module)
        self.at = anchor.opening << LINE_SHIFT
        self.indent_tokens = list(anchor.indents)
        self.owner = owner
        self.owner_start: int | None = None
        self.target = target

    def after_codegen(self, node: CSTNode) -> None:
        super().after_codegen(node)
        if id(node) == self.target:
            raise _Generated

    def record_syntactic_position(
        self, node: CSTNode, *, start_node: CSTNode | None = None, end_node: CSTNode | None = None
    ) -> Any:
        if node is self.owner:  # a statement's range starts where it opens: no statement names a start node
            self.owner_start = self.at
        return super().record_syntactic_position(node, start_node=start_node, end_node=end_node)


class StatementPositions(Mapping[CSTNode, CodeRange]):
    """What `get_metadata(PositionProvider, node)` reads, computed a statement at a time."""

    def __init__(self, module: Module, tree: ast.Module | None, walk: Walk) -> None:
        self._module = module
        self._walk = walk
        self._anchors = anchors(module, tree) if tree is not None else None
        self._starts: dict[int, int] = {}
        self._ends: dict[int, int] = {}
        self._whole: set[int] = set()  # statements generated to the end
        self._full: Positions | None = None

    def _everything(self) -> Positions:
        if self._full is None:
            self._full = Positions(self._module)
        return self._full

    def _owner(self, node: CSTNode) -> CSTNode | None:
        key = id(node)
        owner = self._walk.owners.get(key)
        if owner is None and self._walk.statements:
            # Asked ahead of the walk (a rule reading a function's docstring from `visit_FunctionDef`).
            self._walk.note_owners(self._walk.statements[-1], self._walk.statements[-1])
            owner = self._walk.owners.get(key)
        return owner

    def _generate(self, node: CSTNode, anchor: _Anchor, owner: CSTNode, whole: bool) -> bool:
        """Generates the owner's code far enough to place `node`; False if it did not land on its anchor."""
        state = _StatementState(self._module, anchor, owner, None if whole else id(node))
        try:
            owner._codegen(state, **({"is_elif": True} if anchor.elif_ else {}))
        except _Generated:
            pass
        else:
            self._whole.add(id(owner))
        start = state.owner_start
        if start is None or start >> LINE_SHIFT != anchor.first:
            return False
        self._starts.update(state.starts)
        self._ends.update(state.ends)
        return True

    def _span(self, node: CSTNode) -> tuple[int, int] | None:
        """Start and end as packed ints, or None to leave the question to the whole module's table."""
        key = id(node)
        if key in self._ends:
            return self._starts[key], self._ends[key]
        owner, anchor = self._anchor_of(node)
        if owner is None or anchor is None:
            return None
        # A compound statement up to the node first (a question about its header stops there), whole only if
        # the node lay past that; a line of simple statements whole at once, as its nodes are asked in turn.
        at_once = id(owner) in self._whole or type(owner) is libcst.SimpleStatementLine
        for whole in dict.fromkeys((at_once, True)):
            if not self._generate(node, anchor, owner, whole):
                self._anchors = None  # CPython and libcst disagree somewhere: trust neither pairing again
                return None
            if key in self._ends:
                return self._starts[key], self._ends[key]
        return None

    def _anchor_of(self, node: CSTNode) -> tuple[CSTNode | None, _Anchor | None]:
        if self._anchors is None:
            return None, None
        owner = self._owner(node)
        return owner, (self._anchors.get(id(owner)) if owner is not None else None)

    def first_line(self, node: CSTNode) -> int:
        """The node's first line; for most nodes no code is generated to answer it."""
        owner, anchor = self._anchor_of(node)
        if anchor is not None and (owner is node or anchor.first == anchor.last):
            return anchor.first
        return self._generated_lines(node)[0]

    def lines(self, node: CSTNode) -> tuple[int, int]:
        """First and last line, without building a `CodeRange`."""
        _, anchor = self._anchor_of(node)
        if anchor is not None and anchor.first == anchor.last:
            return anchor.first, anchor.first
        return self._generated_lines(node)

    def _generated_lines(self, node: CSTNode) -> tuple[int, int]:
        span = self._span(node)
        if span is None:
            return self._everything().lines(node)
        return span[0] >> LINE_SHIFT, span[1] >> LINE_SHIFT

    def __getitem__(self, node: CSTNode) -> CodeRange:
        span = self._span(node)
        return self._everything()[node] if span is None else code_range(*span)

    def __iter__(self) -> Iterator[CSTNode]:
        return iter(self._everything())

    def __len__(self) -> int:
        return len(self._everything())
