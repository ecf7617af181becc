"""One traversal of a module for every rule's hooks, reaching only the nodes a hook can care about.

libcst's own visit rebuilds and revalidates every node it passes (through each
node's `_visit_and_replace_children`), and even a traversal recorded during code
generation passes every whitespace node: half of all nodes. This walk reads each
node type's children in the order libcst visits them, read once per type from
that very method's source, and steps over whitespace and punctuation unless a
hook asks for them. The method's source is the one libcst internal it leans on:
tests/rules/test_walk.py compares the walk with libcst's visit hook by hook, and
tests/rules/test_libcst_internals.py says which part moved if a release moves it.

On the way it notes each node's innermost statement, which lets positions be
computed a statement at a time, for the statements a rule asks about
(rules/anchors.py).
"""

from __future__ import annotations

import functools
import inspect
import re
import typing
from collections.abc import Callable, Iterable, Mapping
from operator import attrgetter

import libcst
from libcst import BatchableCSTVisitor, CSTNode, MaybeSentinel, Module

Hook = Callable[[CSTNode], object]

# `visit_required(self, "func", ...)`, `visit_sequence(self, "args", ...)`: one call per child field, in
# the order the visitor reaches them.
_CHILD_FIELD = re.compile(r'visit_\w+\(\s*self,\s*"(\w+)"')

# Whitespace and punctuation: nodes holding nothing but more of the same, which no rule hooks today.
_TRIVIA_BASES: tuple[type[CSTNode], ...] = (
    libcst.BaseParenthesizableWhitespace,
    libcst.BaseBinaryOp,
    libcst.BaseBooleanOp,
    libcst.BaseCompOp,
    libcst.BaseUnaryOp,
    libcst.BaseAugOp,
)
TRIVIA: frozenset[type] = frozenset(
    {
        libcst.SimpleWhitespace,
        libcst.ParenthesizedWhitespace,
        libcst.TrailingWhitespace,
        libcst.Newline,
        libcst.Comment,
        libcst.EmptyLine,
        libcst.Comma,
        libcst.Dot,
        libcst.Colon,
        libcst.Semicolon,
        libcst.AssignEqual,
        libcst.LeftParen,
        libcst.RightParen,
        libcst.LeftSquareBracket,
        libcst.RightSquareBracket,
        libcst.LeftCurlyBrace,
        libcst.RightCurlyBrace,
        libcst.ImportStar,
        libcst.Asynchronous,
    }
    | {
        kind
        for name in dir(libcst)
        if isinstance(kind := getattr(libcst, name), type) and issubclass(kind, _TRIVIA_BASES)
    }
)

# The nodes positions are anchored to: a line of simple statements, or a compound statement's header.
STATEMENTS: tuple[type[CSTNode], ...] = (libcst.SimpleStatementLine, libcst.BaseCompoundStatement)


class _ChildFields(dict[type, tuple[str, ...]]):
    """A node type's child fields in visiting order, read from its `_visit_and_replace_children` once."""

    def __missing__(self, kind: type) -> tuple[str, ...]:
        source = inspect.getsource(getattr(kind, "_visit_and_replace_children"))  # noqa: B009  # a private method
        found = self[kind] = tuple(dict.fromkeys(_CHILD_FIELD.findall(source)))
        return found


CHILD_FIELDS = _ChildFields()


def _admitted(hint: object) -> list[object]:
    """The types a field annotation admits: `Sequence[Union[Arg, Comma]]` admits Arg and Comma."""
    if typing.get_origin(hint) is None:
        return [hint]
    return [kind for argument in typing.get_args(hint) for kind in _admitted(argument)]


@functools.cache
def _holds_only_trivia(kind: type, name: str) -> bool:
    nodes = [
        admitted
        for admitted in _admitted(typing.get_type_hints(kind)[name])
        if isinstance(admitted, type) and issubclass(admitted, CSTNode)
    ]
    return bool(nodes) and all(
        admitted in TRIVIA or issubclass(admitted, _TRIVIA_BASES) for admitted in nodes
    )


# What the walk does at a node of one type: whether it is a statement, its visit and leave hooks, and a
# getter for the child fields to descend into (None for a leaf).
_Plan = tuple[bool, list[Hook] | None, list[Hook] | None, Callable[[CSTNode], tuple[object, ...]] | None]


class _Plans(dict[type, _Plan]):
    """Each node type's plan, made on first sight: one dict hit per node after that."""

    def __init__(self, hooks: Mapping[str, list[Hook]], skip: frozenset[type]) -> None:
        super().__init__()
        self.hooks = hooks
        self.skip = skip

    def __missing__(self, kind: type) -> _Plan:
        names = [name for name in CHILD_FIELDS[kind] if not (self.skip and _holds_only_trivia(kind, name))]
        children: Callable[[CSTNode], tuple[object, ...]] | None = None
        if len(names) == 1:  # `attrgetter` of one name answers the value itself, not a 1-tuple
            name = names[0]
            children = lambda node: (getattr(node, name),)  # noqa: E731  # the getter of this one field
        elif names:
            children = attrgetter(*names)
        found = self[kind] = (
            issubclass(kind, STATEMENTS),
            self.hooks.get("visit_" + kind.__name__),
            self.hooks.get("leave_" + kind.__name__),
            children,
        )
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


def walkable(hooks: Mapping[str, list[Hook]]) -> bool:
    """Whether this walk calls these hooks exactly as libcst's batched visit would.

    Attribute hooks (`visit_Call_func`) fire between fields, which the walk does not stop at.
    """
    return not any("_" in name.partition("_")[2] for name in hooks)


def _skipped(hooks: Mapping[str, list[Hook]]) -> frozenset[type]:
    """Trivia holds only trivia, so it can all be stepped over unless some trivia type is hooked."""
    hooked = {name.partition("_")[2] for name in hooks}
    return frozenset() if any(kind.__name__ in hooked for kind in TRIVIA) else TRIVIA


class Walk:
    """Each visited node's innermost statement, by id: filled as the walk goes, so a rule may ask about
    any node the walk has reached."""

    def __init__(self, module: Module) -> None:
        self.module = module
        self.owners: dict[int, CSTNode] = {}
        # The statements the walk is inside, innermost last: where to look for a node not reached yet.
        self.statements: list[CSTNode] = []

    def run(self, hooks: Mapping[str, list[Hook]]) -> None:
        """Calls `hooks` (name -> functions, as libcst batches them) in libcst's order."""
        self._descend(self.module, self.module, _Plans(hooks, _skipped(hooks)))

    def note_owners(self, node: CSTNode, statement: CSTNode) -> None:
        """Records the owners under `node` without calling any hook (for a rule that asks ahead)."""
        self._descend(node, statement, _Plans({}, TRIVIA))

    def _descend(self, root: CSTNode, within: CSTNode, plans: _Plans) -> None:
        owners, statements, skip = self.owners, self.statements, plans.skip

        def visit(node: CSTNode, within: CSTNode) -> None:
            entered, visits, leaves, children = plans[type(node)]
            if entered:
                within = node
                statements.append(node)
            owners[id(node)] = within
            if visits:
                for hook in visits:
                    hook(node)
            if children is not None:
                for child in children(node):
                    child_kind = type(child)
                    if child_kind is tuple or child_kind is list:
                        for item in child:  # type: ignore[attr-defined]  # a tuple or list, as just checked
                            if type(item) not in skip:
                                visit(item, within)
                    elif child is not None and child_kind is not MaybeSentinel and child_kind not in skip:
                        visit(child, within)  # type: ignore[arg-type]  # a node: all else is ruled out
            if leaves:
                for hook in leaves:
                    hook(node)
            if entered:
                statements.pop()

        visit(root, within)
