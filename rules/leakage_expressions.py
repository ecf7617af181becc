"""The expression part of split-leakage's interpreter: what a name, an attribute or a subscript holds.

Most of what decides a leak is which rows a value stands for: `df["test"]` is
the evaluation side because of its key, `parts[1]` because of what was
unpacked, `X[mask]` because of its selector. That reading is kept apart from
what calls do to the data (`rules.leakage_interpreter`, which subclasses this
class), since it changes with the shapes of syntax, not with the libraries.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable

import libcst

from rules.cst import dotted, string_value
from rules.leakage_flow import Flow
from rules.leakage_values import CONFIG_NAMES, CONST, SPLIT_KEYS, Val, derive, union_via
from rules.leakage_vocabulary import META_ATTRIBUTES, MODULE_ALIASES


class Expressions(Flow):
    """Gives expressions their values; calls are left to `call`, which the interpreter defines."""

    @abstractmethod
    def call(self, node: libcst.Call, env: dict[str, Val], cls: str | None) -> Val:
        """The value a call returns, with the fits, splits and applications it makes recorded on the way."""

    def expr(self, node: libcst.BaseExpression | None, env: dict[str, Val], cls: str | None) -> Val:
        self._tick()
        if node is None:
            return CONST
        if isinstance(node, libcst.Name):
            return self.lookup(node.value, env)
        if isinstance(node, libcst.Attribute):
            return self._attribute(node, env, cls)
        if isinstance(node, libcst.Subscript):
            return self._subscript(node, env, cls)
        if isinstance(node, libcst.Call):
            return self.call(node, env, cls)
        if isinstance(node, (libcst.Tuple, libcst.List, libcst.Set)):
            items = tuple(self.expr(element.value, env, cls) for element in node.elements)
            return Val(
                parents=tuple(item for item in items if not item.const), items=items, via=union_via(items)
            )
        if isinstance(node, libcst.BinaryOperation):
            return self.binary(node, env, cls)
        if isinstance(node, libcst.BooleanOperation):
            return derive(self.expr(node.left, env, cls), self.expr(node.right, env, cls))
        if isinstance(node, libcst.UnaryOperation):
            return self.expr(node.expression, env, cls)
        if isinstance(node, libcst.Comparison):
            values = [self.expr(node.left, env, cls)] + [
                self.expr(item.comparator, env, cls) for item in node.comparisons
            ]
            return derive(*values)
        if isinstance(node, libcst.IfExp):
            self.expr(node.test, env, cls)
            return self._join(self.expr(node.body, env, cls), self.expr(node.orelse, env, cls))
        if isinstance(node, libcst.Dict):
            return derive(*(self.expr(element.value, env, cls) for element in node.elements))
        if isinstance(node, (libcst.ListComp, libcst.SetComp, libcst.GeneratorExp, libcst.DictComp)):
            return self._comprehension(node.for_in, env, cls)
        if isinstance(node, libcst.NamedExpr):
            value = self.expr(node.value, env, cls)
            self.bind(node.target, value, env, cls)
            return value
        if isinstance(node, (libcst.Await, libcst.StarredElement)):
            inner = node.expression if isinstance(node, libcst.Await) else node.value
            return self.expr(inner, env, cls)
        return CONST

    def binary(self, node: libcst.BinaryOperation, env: dict[str, Val], cls: str | None) -> Val:
        """Arithmetic keeps the rows of both sides; the interpreter also reads a scaling written by hand."""
        return derive(self.expr(node.left, env, cls), self.expr(node.right, env, cls))

    def _comprehension(self, for_in: libcst.CompFor | None, env: dict[str, Val], cls: str | None) -> Val:
        values = []
        while for_in is not None:
            values.append(self.expr(for_in.iter, env, cls))
            for_in = for_in.inner_for_in
        return derive(*values)

    def lookup(self, name: str, env: dict[str, Val]) -> Val:
        if name in env:
            return env[name]
        if name in self.globals:
            return self.globals[name]
        if (
            name in ("True", "False", "None", "self", "cls")
            or self._is_module(name)
            or name in self.functions
        ):
            return CONST
        value = self._root(name)
        self.globals[name] = value
        return value

    def _is_module(self, name: str, env: dict[str, Val] | None = None) -> bool:
        if env is not None and name in env:
            return False
        return self.imports.is_bound(name) or (name in MODULE_ALIASES and name not in self.globals)

    def _root(self, name: str) -> Val:
        if CONFIG_NAMES.search(name):
            return CONST
        return self._named(name, Val(label=name))

    def _attribute(self, node: libcst.Attribute, env: dict[str, Val], cls: str | None) -> Val:
        name = dotted(node)
        if name is not None and name.startswith(("self.", "cls.")) and name.count(".") == 1:
            if name not in self.attributes:
                self.attributes[name] = self._root(name)
            return self.attributes[name]
        base = self.expr(node.value, env, cls)
        if base.const or node.attr.value in META_ATTRIBUTES:
            return CONST
        if base.transformer is not None or base.search_cv:
            return CONST
        return derive(base)

    def _subscript(self, node: libcst.Subscript, env: dict[str, Val], cls: str | None) -> Val:
        base = self.expr(node.value, env, cls)
        if len(node.slice) != 1 or not isinstance(node.slice[0].slice, libcst.Index):
            for element in node.slice:
                if isinstance(element.slice, libcst.Index):
                    self.expr(element.slice.value, env, cls)
            return derive(base)
        index = node.slice[0].slice.value
        if base.items is not None:
            position = _integer(index)
            if position is not None and -len(base.items) <= position < len(base.items):
                return base.items[position]
        key = string_value(index)
        if key is not None and key.lower() in SPLIT_KEYS and not base.const:
            return self._cached(
                ("key", id(base), key.lower()),
                lambda: Val(parents=(base,), role=SPLIT_KEYS[key.lower()], label=key),
            )
        selector = self.expr(index, env, cls)
        if selector.role is not None and not base.const:
            return self._cached(
                ("rows", id(base), id(selector)),
                lambda: Val(
                    parents=(base,),
                    role=selector.role,
                    split=selector.split,
                    label=selector.label,
                    via=base.via,
                ),
            )
        if base.const:
            return CONST
        return derive(base)

    def _dataset(self, node: libcst.Call) -> Val:
        """Rows read from somewhere: the same call text twice
        is the same dataset, anything else is a new one."""
        return self._cached(("load", self.code_of(node, None)), lambda: Val(label=self._short(node)))

    def _cached(self, key: tuple[object, ...], make: Callable[[], Val]) -> Val:
        if key not in self.cache:
            self.cache[key] = make()
        return self.cache[key]


def _integer(node: libcst.BaseExpression) -> int | None:
    if isinstance(node, libcst.Integer):
        return int(node.value)
    if (
        isinstance(node, libcst.UnaryOperation)
        and isinstance(node.operator, libcst.Minus)
        and isinstance(node.expression, libcst.Integer)
    ):
        return -int(node.expression.value)
    return None
