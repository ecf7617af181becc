"""Collects the columns a Python file creates: the candidates undocumented-feature then judges.

Kept apart from the rule so that the rule reads as its decision (what is a
feature, where it is documented) and this as the one pass over the syntax tree
that finds `df["x"] = ...`, `assign`, polars aliases, Feast fields, feature
lists and the loops that fan a list out into a family of columns.
"""

from __future__ import annotations

import re

import libcst

from rules.cst import code_of, dotted, keyword, positional, string_value
from rules.feature_frames import FrameReader
from rules.feature_names import (
    FEAST_VIEWS,
    FRAME_ADDERS,
    OUTPUT_FRAME,
    OWNER_TAGS,
    PREDICTION,
    TARGET_KEYWORDS,
    TIMESTAMP_KEYWORDS,
    Candidate,
    ColumnName,
    FanOut,
    FeastView,
    is_feature_list,
    loop_variables,
    strings_in,
)
from rules.rule import FileContext


class FeatureColumns(FrameReader):
    """A rule's visitor that records candidate feature columns; subclasses decide in `finish()`."""

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.candidates: list[Candidate] = []
        self.dropped: set[str] = set()
        self.targets: set[str] = set()
        self.keys: set[str] = set()
        # Fan-out: literal lists and dict keys by name, the loops open around the current node, and the
        # column families those loops create from their variable (`for c in COLS: df[f"{c}_lag_7"] = ...`).
        self.string_lists: dict[str, list[tuple[str, libcst.CSTNode]]] = {}
        self.loops: list[dict[str, str]] = []
        self.fanouts: list[FanOut] = []

    # --- collection --------------------------------------------------------

    def visit_Assign(self, node: libcst.Assign) -> None:
        super().visit_Assign(node)
        for target in node.targets:
            self._assigned(target.target, node.value)

    def visit_AugAssign(self, node: libcst.AugAssign) -> None:
        name = dotted(node.target)
        if name is not None and is_feature_list(name):
            self._feature_list(name, node.value)

    def visit_Del(self, node: libcst.Del) -> None:
        targets = (
            node.target.elements if isinstance(node.target, libcst.Tuple) else [libcst.Element(node.target)]
        )
        for element in targets:
            if isinstance(element.value, libcst.Subscript):
                for index in self._indexes(element.value):
                    self.dropped.update(value for value, _ in strings_in(index))

    def visit_Call(self, node: libcst.Call) -> None:
        super().visit_Call(node)
        method = node.func.attr.value if isinstance(node.func, libcst.Attribute) else dotted(node.func) or ""
        for arg in node.args:
            if arg.keyword is None:
                continue
            word = arg.keyword.value
            if word in TARGET_KEYWORDS:
                self.targets.update(value.lower() for value, _ in strings_in(arg.value))
            elif word in TIMESTAMP_KEYWORDS or word == "join_keys":
                self.keys.update(value.lower() for value, _ in strings_in(arg.value))
        if method in ("drop", "pop", "drop_columns"):
            for arg in node.args:
                if arg.keyword is None or arg.keyword.value in ("columns", "labels"):
                    self.dropped.update(value for value, _ in strings_in(arg.value))
        elif (
            method in FRAME_ADDERS
            and isinstance(node.func, libcst.Attribute)
            and self._frame_method(node.func)
        ):
            self._added_by_method(node, method)
        elif (
            method == "insert"
            and isinstance(node.func, libcst.Attribute)
            and self._is_frame_strictly(node.func.value)
        ):
            args = positional(node)
            column = self._column(args[1]) if len(args) > 1 else None
            if column is not None:
                self._candidate(column, args[1], args[2] if len(args) > 2 else None, dotted(node.func.value))
        elif method in FEAST_VIEWS:
            self._feast(node)
        elif method == "Entity":
            entity = keyword(node, "name")
            if entity is not None:
                self.keys.update(value.lower() for value, _ in strings_in(entity.value))

    def _added_by_method(self, node: libcst.Call, method: str) -> None:
        if method == "assign":
            for arg in node.args:
                if arg.keyword is not None:
                    self._candidate(ColumnName(arg.keyword.value, False), arg.keyword, arg.value)
                elif arg.star == "**":
                    self._unpacked(arg.value)
        elif method == "withColumn":
            args = positional(node)
            column = self._column(args[0]) if args else None
            if column is not None:
                self._candidate(column, args[0], args[1] if len(args) > 1 else None)
        else:
            # `select`/`agg` also name columns they compute, but only by alias: their keywords (pandas' named
            # aggregation) and bare column picks are not new features.
            self._polars(node, keywords=method not in ("select", "agg"))

    def _unpacked(self, value: libcst.BaseExpression) -> None:
        """`assign(**{"a": ..., f"{c}_z": ... for c in COLS})`:
        each key is a column, a comprehension's key fans out."""
        if isinstance(value, libcst.Dict):
            for element in value.elements:
                if isinstance(element, libcst.DictElement):
                    column = self._column(element.key)
                    if column is not None:
                        self._candidate(column, element.key, element.value)
        elif isinstance(value, libcst.DictComp):
            column = self._column(value.key)
            if column is not None:
                self._candidate(column, value.key, value.value)
                self._fanned_out(
                    column, value.key, [*self.loops, loop_variables(value.for_in.target, value.for_in.iter)]
                )

    def _assigned(self, target: libcst.BaseExpression, value: libcst.BaseExpression) -> None:
        name = dotted(target)
        if name is not None:
            self._remember_kind(name, value)
            self._remember_strings(name, value)
            if isinstance(value, (libcst.List, libcst.Tuple, libcst.Set)) and is_feature_list(name):
                self._feature_list(name, value)
            if isinstance(value, libcst.SimpleString | libcst.ConcatenatedString) and re.search(
                r"target|label", name, re.IGNORECASE
            ):
                self.targets.update(text.lower() for text, _ in strings_in(value))
            if re.fullmatch(r"(?i)y(?:_\w+)?|labels?|targets?", name.rsplit(".", 1)[-1]) and isinstance(
                value, libcst.Subscript
            ):
                for index in self._indexes(value):
                    self.targets.update(text.lower() for text, _ in strings_in(index))
            return
        if not isinstance(target, libcst.Subscript):
            return
        frame = target.value
        indexes = self._indexes(target)
        if isinstance(frame, libcst.Attribute) and frame.attr.value == "loc":
            # Only `df.loc[:, "x"] = ...` adds a column for every row;
            # `df.loc[mask, "x"]` patches some of them.
            first = target.slice[0].slice if target.slice else None
            if len(target.slice) != 2 or not isinstance(first, libcst.Slice) or first.lower or first.upper:
                return
            frame = frame.value
        receiver = dotted(frame)
        if receiver is None or not self._is_frame(receiver):
            return
        for index in indexes:
            elements = (
                index.elements if isinstance(index, (libcst.List, libcst.Tuple)) else [libcst.Element(index)]
            )
            for element in elements:
                column = self._column(element.value)
                if column is not None:
                    self._candidate(column, element.value, value, receiver)
                    self._fanned_out(column, element.value, self.loops)

    def _remember_strings(self, name: str, value: libcst.BaseExpression) -> None:
        if isinstance(value, (libcst.List, libcst.Tuple, libcst.Set)):
            items = [(string_value(element.value), element.value) for element in value.elements]
        elif isinstance(value, libcst.Dict):
            items = [
                (string_value(element.key), element.key)
                for element in value.elements
                if isinstance(element, libcst.DictElement)
            ]
        else:
            return
        if items and all(text is not None for text, _ in items):
            self.string_lists[name] = [(text, node) for text, node in items if text is not None]

    def visit_For(self, node: libcst.For) -> None:
        self.loops.append(loop_variables(node.target, node.iter))

    def leave_For(self, original_node: libcst.For) -> None:
        self.loops.pop()

    def _fanned_out(self, column: ColumnName, node: libcst.CSTNode, loops: list[dict[str, str]]) -> None:
        if not column.template:
            return
        for loop in loops:
            for variable, iterable in loop.items():
                if "{" + variable + "}" in column.shown:
                    self.fanouts.append(FanOut(iterable, variable, column, node))

    def _expand_fanouts(self) -> None:
        """Replace each family written in a loop over a known list
        by one candidate per list entry, found at the entry.

        A new string in the list is then a new feature on the line that adds it,
        while the loop's family, already in the base, is not reported again.
        """
        expanded: set[int] = set()
        for fanout in self.fanouts:
            items = self.string_lists.get(fanout.iterable)
            if not items:
                continue
            expanded.add(id(fanout.node))
            for text, node in items:
                shown = fanout.column.shown.replace("{" + fanout.variable + "}", text)
                self.candidates.append(Candidate(ColumnName(shown, "{" in shown), node))
        if expanded:
            self.candidates = [
                candidate for candidate in self.candidates if id(candidate.node) not in expanded
            ]

    def _feature_list(self, name: str, value: libcst.BaseExpression) -> None:
        if self._is_parameter(name):
            # `if features is None: features = [...]` is a helper's default,
            # what it can compute; the caller picks the inputs.
            return
        for text, node in strings_in(value):
            self.candidates.append(Candidate(ColumnName(text, False), node, listed=True))

    def _is_parameter(self, name: str) -> bool:
        function = self.current_scope().node
        if not isinstance(function, libcst.FunctionDef):
            return False
        parameters = function.params
        every = [*parameters.posonly_params, *parameters.params, *parameters.kwonly_params]
        return any(parameter.name.value == name for parameter in every)

    def _polars(self, node: libcst.Call, *, keywords: bool = True) -> None:
        """Aliased expressions and keyword columns;
        a comprehension's alias fans out over the list it iterates."""
        for arg in node.args:
            if arg.keyword is not None:
                if keywords:
                    self._candidate(ColumnName(arg.keyword.value, False), arg.keyword, arg.value)
                continue
            values = (
                arg.value.elements
                if isinstance(arg.value, (libcst.List, libcst.Tuple))
                else [libcst.Element(arg.value)]
            )
            for element in values:
                expression = element.value
                loops: list[dict[str, str]] = []
                if isinstance(expression, (libcst.ListComp, libcst.GeneratorExp)):
                    loops = [loop_variables(expression.for_in.target, expression.for_in.iter)]
                    expression = expression.elt
                alias = self._alias(expression)
                if (
                    alias is not None
                    and isinstance(expression, libcst.Call)
                    and isinstance(expression.func, libcst.Attribute)
                ):
                    # The expression before `.alias(...)`:
                    # the alias itself would look like a read of the column.
                    self._candidate(alias[0], alias[1], expression.func.value)
                    self._fanned_out(alias[0], alias[1], self.loops + loops)

    def _alias(self, expression: libcst.BaseExpression) -> tuple[ColumnName, libcst.CSTNode] | None:
        if (
            isinstance(expression, libcst.Call)
            and isinstance(expression.func, libcst.Attribute)
            and expression.func.attr.value == "alias"
        ):
            args = positional(expression)
            column = self._column(args[0]) if args else None
            if column is not None:
                return column, args[0]
        return None

    def _feast(self, node: libcst.Call) -> None:
        schema = keyword(node, "schema")
        if schema is None or not isinstance(schema.value, (libcst.List, libcst.Tuple)):
            return
        name = keyword(node, "name")
        view = FeastView(
            (string_value(name.value) or "") if name is not None else "", self._feast_owned(node)
        )
        for element in schema.value.elements:
            field = element.value
            if not isinstance(field, libcst.Call) or (dotted(field.func) or "").rsplit(".", 1)[-1] != "Field":
                continue
            name_arg = keyword(field, "name")
            field_name = string_value(name_arg.value) if name_arg is not None else None
            if field_name is None:
                continue
            description = keyword(field, "description")
            documented = description is not None and bool((string_value(description.value) or "").strip())
            self.candidates.append(
                Candidate(ColumnName(field_name, False), field, documented=documented, view=view)
            )

    def _feast_owned(self, node: libcst.Call) -> bool:
        """A view's `owner=`, a `team`/`owner` tag or a view-level
        `description=` says who answers for its fields."""
        for word in ("owner", "description"):
            arg = keyword(node, word)
            if arg is not None and (string_value(arg.value) or "").strip():
                return True
        tags = keyword(node, "tags")
        if tags is None or not isinstance(tags.value, libcst.Dict):
            return False
        return any(
            isinstance(element, libcst.DictElement)
            and (string_value(element.key) or "").lower() in OWNER_TAGS
            for element in tags.value.elements
        )

    def _candidate(
        self,
        name: ColumnName,
        node: libcst.CSTNode,
        value: libcst.BaseExpression | None,
        receiver: str | None = None,
    ) -> None:
        if receiver is not None and OUTPUT_FRAME.search(receiver.rsplit(".", 1)[-1].lower()):
            return
        if value is not None:
            text = self._text(value)
            if PREDICTION.search(text) or (
                not name.template and self._reads_column(text, name.shown, receiver)
            ):
                return
        self.candidates.append(Candidate(name, node, receiver=receiver))

    def _text(self, node: libcst.CSTNode) -> str:
        """The expression's code, generated from the node alone: cheaper than placing it in the file."""
        return code_of(node)

    def _reads_column(self, text: str, name: str, receiver: str | None) -> bool:
        """Whether the assigned expression reads the very column it writes:
        a rewrite of an existing column, not a new one."""
        quoted = rf"(['\"]){re.escape(name)}\1"
        if receiver is None:
            return re.search(quoted, text) is not None
        # Only this frame's own column: `other["x"]` on the right
        # is another frame's column, copied in as a new one here.
        own = re.escape(receiver)
        indexed = rf"\b{own}\s*(?:\.(?:loc|iloc|at))?\s*\[[^\]]*?{quoted}"
        return re.search(rf"{indexed}|\b{own}\.{re.escape(name)}\b", text) is not None
