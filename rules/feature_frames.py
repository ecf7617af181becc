"""Which names hold a data frame, and what column name a key spells: the reading every new column rests on.

`x["a"] = ...` adds a feature only when `x` is a frame (not a dict, or a list
of column names) and `"a"` spells a name, perhaps a template (`f"{c}_lag"`).
Every way of adding a column asks these two questions (subscripts, `assign`,
`insert`, `withColumn`, polars aliases), so the answers are kept apart from
the collection of candidates in `rules.feature_columns`, which builds on them.
"""

from __future__ import annotations

import libcst

from rules.cst import dotted, string_value
from rules.dataflow import FactsRule
from rules.feature_names import (
    DATAFRAME_LIBRARIES,
    DICT_ANNOTATIONS,
    DICT_CALLS,
    FRAME_ANNOTATIONS,
    FRAME_LIBRARIES,
    FRAME_METHODS,
    FRAME_NAME,
    MAX_SHOWN,
    ColumnName,
)
from rules.rule import FileContext


class FrameReader(FactsRule):
    """Tracks what kind of value each name holds, per scope, and reads column names off keys."""

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.frame_kinds: dict[tuple[int, str], str] = {}

    def visit_Param(self, node: libcst.Param) -> None:
        if node.annotation is not None:
            annotation = self.code(node.annotation.annotation, MAX_SHOWN)
            kind = (
                "frame"
                if FRAME_ANNOTATIONS.search(annotation)
                else "dict"
                if DICT_ANNOTATIONS.match(annotation)
                else ""
            )
            if kind:
                self._set_kind(node.name.value, kind)

    def visit_AnnAssign(self, node: libcst.AnnAssign) -> None:
        name = dotted(node.target)
        annotation = self.code(node.annotation.annotation, MAX_SHOWN)
        if name is not None and DICT_ANNOTATIONS.match(annotation):
            self._set_kind(name, "dict")

    def _set_kind(self, name: str, kind: str) -> None:
        self.frame_kinds[(id(self.current_scope()), name)] = kind

    def _remember_kind(self, name: str, value: libcst.BaseExpression) -> None:
        if isinstance(value, (libcst.Dict, libcst.DictComp)):
            self._set_kind(name, "dict")
            return
        if isinstance(value, (libcst.List, libcst.ListComp)):
            # `features = [...]` names a list of columns, whose `.insert(0, "x")` adds no column to a frame.
            self._set_kind(name, "list")
            return
        if not isinstance(value, libcst.Call):
            return
        callee = self.facts.imports.qualify(value.func) or ""
        method = value.func.attr.value if isinstance(value.func, libcst.Attribute) else callee
        if callee in DICT_CALLS or method in DICT_CALLS:
            self._set_kind(name, "dict")
        elif callee.startswith(FRAME_LIBRARIES) or method in FRAME_METHODS:
            self._set_kind(name, "frame")

    def _frame_method(self, func: libcst.Attribute) -> bool:
        """`.assign`/`.with_columns`/`.withColumn` on a frame,
        not on some object of the repo's own with a method of that name."""
        receiver = dotted(func.value)
        if receiver is not None and receiver.split(".", 1)[0] in ("self", "cls"):
            return False
        return (receiver is not None and self._is_frame(receiver)) or self.facts.imports.uses(
            *DATAFRAME_LIBRARIES
        )

    def _is_frame_strictly(self, node: libcst.BaseExpression) -> bool:
        """A receiver known or named to be a frame;
        `list.insert` shares the method name, so a pandas import is not enough."""
        name = dotted(node)
        return name is not None and name.split(".", 1)[0] not in ("self", "cls") and self._is_frame(name)

    def _is_frame(self, name: str) -> bool:
        for scope in (self.current_scope(), self.facts.module):
            kind = self.frame_kinds.get((id(scope), name))
            if kind:
                return kind == "frame"
        return bool(FRAME_NAME.search(name.rsplit(".", 1)[-1]))

    def _indexes(self, node: libcst.Subscript) -> list[libcst.BaseExpression]:
        return [element.slice.value for element in node.slice if isinstance(element.slice, libcst.Index)]

    def _column(self, node: libcst.BaseExpression) -> ColumnName | None:
        """The name a column gets: a literal, an f-string, or literal pieces joined with `+`."""
        literal = string_value(node)
        if literal is not None:
            return ColumnName(literal, False)
        pieces = self._pieces(node)
        if pieces is None or not any(text for text, is_literal in pieces if is_literal and text):
            return None
        shown = "".join(text if is_literal else "{" + text + "}" for text, is_literal in pieces)
        source = self.code(node, None) if isinstance(node, libcst.FormattedString) else None
        return ColumnName(shown, True, source)

    def _pieces(self, node: libcst.BaseExpression) -> list[tuple[str, bool]] | None:
        if isinstance(node, libcst.FormattedString):
            pieces: list[tuple[str, bool]] = []
            for part in node.parts:
                if isinstance(part, libcst.FormattedStringText):
                    pieces.append((part.value, True))
                elif isinstance(part, libcst.FormattedStringExpression):
                    pieces.append((self.code(part.expression, MAX_SHOWN), False))
            return pieces
        if isinstance(node, libcst.BinaryOperation) and isinstance(node.operator, libcst.Add):
            left, right = self._pieces(node.left), self._pieces(node.right)
            return None if left is None or right is None else left + right
        literal = string_value(node)
        if literal is not None:
            return [(literal, True)]
        if isinstance(node, (libcst.Name, libcst.Attribute, libcst.Call, libcst.Subscript)):
            return [(self.code(node, MAX_SHOWN), False)]
        return None
