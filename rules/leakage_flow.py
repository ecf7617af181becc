"""The statement half of split-leakage's interpreter: which value each name holds after each statement.

The interpreter runs a module the way Python would, but on abstract values
(`rules.leakage_values`): an assignment binds, an `if` runs both branches and
joins what they bound, a loop runs its body once. Statements are also where
most splits show themselves without a library call: a tuple unpacked into
`X_train, X_test`, a row filter assigned to `test`, a `for train_idx, test_idx`
loop over a splitter. What an expression evaluates to, calls included, is the
other half (`rules.leakage_expressions`, then `rules.leakage_interpreter`), built on this class.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence

import libcst

from rules.cst import dotted
from rules.leakage_syntax import is_cv_split, row_filter, target_names
from rules.leakage_values import (
    CONFIG_NAMES,
    CONST,
    TEST,
    TRAIN,
    RowIndex,
    Run,
    Split,
    Val,
    derive,
    role_of_name,
)
from rules.ml_names import Imports
from rules.module_facts import ModuleFacts

# Interpretation stops after this many steps: a pathological module costs a bounded time, and
# a cut-short run only loses findings (every leak needs events that were seen).
MAX_STEPS = 50_000
# Source shown in a message (`df[num_cols]`), cut so that one finding stays one readable line.
MAX_SHOWN = 40


class _OutOfSteps(Exception):
    pass


class Flow(ABC):
    """Runs statements over abstract values and records the splits they make;
    `expr` gives expressions their values."""

    def __init__(self, facts: ModuleFacts, code_of: Callable[[libcst.CSTNode, int | None], str]) -> None:
        self.facts = facts
        self.imports: Imports = facts.imports
        self.code_of = code_of
        self.steps = 0
        self.seq = 0
        self.run = Run()
        self.globals: dict[str, Val] = {}
        self.attributes: dict[str, Val] = {}
        self.functions: dict[str, libcst.FunctionDef] = {}
        self.methods: dict[str, libcst.FunctionDef] = {}
        self.executed: set[int] = set()
        self.stack: list[libcst.FunctionDef] = []
        self.callers: list[libcst.Call] = []
        self.returns: list[list[Val]] = []
        self.cache: dict[tuple[object, ...], Val] = {}
        self.destination: libcst.CSTNode | None = None
        self.index = RowIndex()
        self.scopes = {id(scope.node): scope for scope in facts.functions}
        for scope in facts.functions:
            node = scope.node
            if not isinstance(node, libcst.FunctionDef):
                continue
            if scope.class_name is None and scope.parent is None:
                self.functions[scope.simple_name] = node
            elif scope.class_name is not None:
                self.methods[scope.name] = node

    # --- running -----------------------------------------------------------

    def run_module(self, module: libcst.Module) -> Run:
        self._guard(lambda: self.block(module.body, self.globals))
        return self._take()

    def run_function(self, node: libcst.FunctionDef, class_name: str | None) -> Run:
        env: dict[str, Val] = {}
        self.stack.append(node)
        self.returns.append([])
        params = [param.name.value for param in self._params(node)]
        # `def prepare(X_train, X_val)` names its evaluation set; a lone `x_val` parameter may be "x values".
        paired = any(role_of_name(name) == TRAIN for name in params)
        for name in params:
            if class_name is not None and name in ("self", "cls"):
                continue
            if CONFIG_NAMES.search(name):
                env[name] = CONST
            elif self.injected(node, name):
                env[name] = Val(function=self.functions[name])
            else:
                role = role_of_name(name, strong=not paired)
                env[name] = (
                    Val(parents=(Val(label=name),), role=role, label=name) if role else Val(label=name)
                )
        self._guard(
            lambda: self.block(
                node.body.body if isinstance(node.body, libcst.IndentedBlock) else [], env, class_name
            )
        )
        self.stack.pop()
        self.returns.pop()
        return self._take()

    def injected(self, function: libcst.FunctionDef, name: str) -> bool:
        """A parameter named after one of the module's functions and called in the body is that function.

        Pipelines that wire steps by name (`def pipeline(load, prepare, split): prepare(data=load())`, ZenML's
        step arguments) hand each function in under its own name; without this the data they pass on is lost.
        """
        step = self.functions.get(name)
        scope = self.scopes.get(id(function))
        return (
            step is not None
            and step is not function
            and scope is not None
            and any(site.name == name for site in scope.calls)
        )

    def _guard(self, action: Callable[[], None]) -> None:
        try:
            action()
        except (_OutOfSteps, RecursionError):
            return

    def _take(self) -> Run:
        run, self.run = self.run, Run()
        return run

    def _tick(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise _OutOfSteps

    def _next(self) -> int:
        self.seq += 1
        return self.seq

    @abstractmethod
    def expr(self, node: libcst.BaseExpression | None, env: dict[str, Val], cls: str | None) -> Val:
        """The value of an expression, calls included: statements bind what expressions compute."""

    # --- statements --------------------------------------------------------

    def block(
        self,
        statements: Sequence[libcst.BaseStatement | libcst.BaseSmallStatement],
        env: dict[str, Val],
        cls: str | None = None,
    ) -> None:
        for statement in statements:
            self.statement(statement, env, cls)

    def suite(self, body: libcst.BaseSuite, env: dict[str, Val], cls: str | None) -> None:
        self.block(body.body, env, cls)

    def statement(self, node: libcst.CSTNode, env: dict[str, Val], cls: str | None) -> None:
        self._tick()
        if isinstance(node, (libcst.SimpleStatementLine, libcst.SimpleStatementSuite)):
            for small in node.body:
                self.small(small, env, cls)
        elif isinstance(node, libcst.If):
            self.expr(node.test, env, cls)
            before = dict(env)
            self.suite(node.body, env, cls)
            after_body = dict(env)
            env.clear()
            env.update(before)
            if isinstance(node.orelse, libcst.If):
                self.statement(node.orelse, env, cls)
            elif isinstance(node.orelse, libcst.Else):
                self.suite(node.orelse.body, env, cls)
            self._merge(env, after_body)
        elif isinstance(node, libcst.For):
            self._for(node, env, cls)
        elif isinstance(node, libcst.While):
            self.expr(node.test, env, cls)
            self.suite(node.body, env, cls)
            if node.orelse is not None:
                self.suite(node.orelse.body, env, cls)
        elif isinstance(node, (libcst.Try, libcst.TryStar)):
            self.suite(node.body, env, cls)
            for handler in node.handlers:
                self.suite(handler.body, env, cls)
            if node.orelse is not None:
                self.suite(node.orelse.body, env, cls)
            if node.finalbody is not None:
                self.suite(node.finalbody.body, env, cls)
        elif isinstance(node, libcst.With):
            for item in node.items:
                value = self.expr(item.item, env, cls)
                if item.asname is not None:
                    self.bind(item.asname.name, value, env, cls)
            self.suite(node.body, env, cls)
        elif isinstance(node, libcst.FunctionDef):
            if env is not self.globals:
                env[node.name.value] = Val(function=node)
        elif isinstance(node, libcst.Match):
            self.expr(node.subject, env, cls)
            for case in node.cases:
                self.suite(case.body, env, cls)

    def _merge(self, env: dict[str, Val], other: dict[str, Val]) -> None:
        for name, value in other.items():
            mine = env.get(name)
            if mine is None:
                env[name] = value
            elif mine is not value:
                env[name] = self._join(mine, value)

    def _join(self, left: Val, right: Val) -> Val:
        if left.items is not None and right.items is not None and len(left.items) == len(right.items):
            items = tuple(self._join(a, b) for a, b in zip(left.items, right.items, strict=True))
            return Val(parents=items, items=items)
        if left.transformer is not None or right.transformer is not None:
            return left if left.transformer is not None else right
        return derive(left, right)

    def small(self, node: libcst.BaseSmallStatement, env: dict[str, Val], cls: str | None) -> None:
        if isinstance(node, libcst.Assign):
            outer, self.destination = self.destination, node.targets[0].target
            value = self.expr(node.value, env, cls)
            self.destination = outer
            if len(node.targets) == 1 and isinstance(node.targets[0].target, libcst.Name):
                value = self._row_split(node.targets[0].target.value, node.value, value, env, cls)
            for target in node.targets:
                self.bind(target.target, value, env, cls, source=node.value)
        elif isinstance(node, libcst.AnnAssign) and node.value is not None:
            self.bind(node.target, self.expr(node.value, env, cls), env, cls, source=node.value)
        elif isinstance(node, libcst.AugAssign):
            value = derive(self.expr(node.target, env, cls), self.expr(node.value, env, cls))
            self.bind(node.target, value, env, cls)
        elif isinstance(node, libcst.Expr):
            self.expr(node.value, env, cls)
        elif isinstance(node, libcst.Return) and self.returns:
            self.returns[-1].append(self.expr(node.value, env, cls) if node.value is not None else CONST)

    def _row_split(
        self, name: str, source: libcst.BaseExpression, value: Val, env: dict[str, Val], cls: str | None
    ) -> Val:
        """`test = df[df.date >= cutoff]`, `X_val = X.iloc[n:]`:
        a row filter into a train/test-named variable is a split."""
        role = role_of_name(name)
        base_expr = row_filter(source)
        if role is None or base_expr is None or value.const or self.index.roles(value):
            return value
        base = self.expr(base_expr, env, cls)
        if base.const or base.transformer is not None:
            return value
        split = self._split((base,), source, f"`{name} = {self._short(source)}`", holdout=True)
        return Val(parents=(value,), role=role, split=split, label=name, via=value.via)

    def _for(self, node: libcst.For, env: dict[str, Val], cls: str | None) -> None:
        iterable = node.iter
        target: libcst.BaseExpression = node.target
        if isinstance(iterable, libcst.Call) and dotted(iterable.func) == "enumerate" and iterable.args:
            iterable = iterable.args[0].value
            if isinstance(target, libcst.Tuple) and len(target.elements) == 2:
                target = target.elements[1].value
        names = target_names(target)
        roles = [role_of_name(name) for name in names]
        if is_cv_split(iterable) and isinstance(target, libcst.Tuple) and len(names) == 2:
            # sklearn splitters yield (train indices, test indices), whatever the loop calls them.
            roles = [TRAIN, TEST]
        if isinstance(iterable, libcst.Call) and TEST in roles and TRAIN in roles:
            inputs = tuple(self.expr(arg.value, env, cls) for arg in iterable.args if arg.keyword is None)
            if isinstance(iterable.func, libcst.Attribute):
                self.expr(iterable.func.value, env, cls)
            split = self._split(inputs, iterable, f"`{self._short(iterable.func)}`", holdout=False)
            for name in target_names(node.target):
                env[name] = CONST
            for name, role in zip(names, roles, strict=True):
                if role is not None:
                    env[name] = Val(role=role, split=split, label=name)
        else:
            value = self.expr(node.iter, env, cls)
            self.bind(node.target, derive(value), env, cls)
        self.suite(node.body, env, cls)
        if node.orelse is not None:
            self.suite(node.orelse.body, env, cls)

    # --- binding -----------------------------------------------------------

    def bind(
        self,
        target: libcst.BaseExpression,
        value: Val,
        env: dict[str, Val],
        cls: str | None,
        source: libcst.BaseExpression | None = None,
    ) -> None:
        if isinstance(target, libcst.Name):
            env[target.value] = self._named(target.value, value)
        elif isinstance(target, libcst.Attribute):
            name = dotted(target)
            if name is not None and name.startswith(("self.", "cls.")):
                self.attributes[name] = self._named(name, value)
        elif isinstance(target, libcst.Subscript):
            self._mutate(target.value, value, env, cls)
        elif isinstance(target, (libcst.Tuple, libcst.List)):
            self._unpack(target, value, env, cls, source)
        elif isinstance(target, libcst.StarredElement):
            self.bind(target.value, derive(value), env, cls)

    def _named(self, name: str, value: Val) -> Val:
        """A dataset loaded into `test_df` is the evaluation set, even without a split in this file."""
        if (
            value.parents
            or value.const
            or value.role
            or value.items is not None
            or value.transformer
            or value.search_cv
            or value.function
        ):
            return value
        role = role_of_name(name)
        return Val(parents=(value,), role=role, label=name) if role else value

    def _mutate(
        self, target: libcst.BaseExpression, value: Val, env: dict[str, Val], cls: str | None
    ) -> None:
        """`df["x"] = ...` / `df.loc[...] = ...`:
        the frame keeps its rows and takes on what shaped the new column."""
        while isinstance(target, libcst.Attribute) and target.attr.value in ("loc", "iloc", "at", "iat"):
            target = target.value
        name = dotted(target)
        if name is None:
            return
        old = self.expr(target, env, cls)
        if old.const or old.transformer is not None:
            return
        merged = Val(parents=(old, value) if not value.const else (old,), via=old.via | value.via)
        if isinstance(target, libcst.Name):
            env[name] = merged
        elif name.startswith(("self.", "cls.")):
            self.attributes[name] = merged

    def _unpack(
        self,
        target: libcst.Tuple | libcst.List,
        value: Val,
        env: dict[str, Val],
        cls: str | None,
        source: libcst.BaseExpression | None,
    ) -> None:
        elements = [element.value for element in target.elements]
        starred = any(isinstance(element, libcst.StarredElement) for element in target.elements)
        if value.items is not None and len(value.items) == len(elements) and not starred:
            parts = list(value.items)
        else:
            parts = [derive(value) for _ in elements]
        names = [dotted(element) or "" for element in elements]
        roles = [role_of_name(name) for name in names]
        has_roles = any(part.role for part in parts)
        if not has_roles and TEST in roles and TRAIN in roles and not value.const:
            where = source.func if isinstance(source, libcst.Call) else target
            split = self._split((value,), source or target, f"`{self._short(where)}`", holdout=True)
            parts = [
                Val(parents=(part,), role=role, split=split, label=name) if role else part
                for part, role, name in zip(parts, roles, names, strict=True)
            ]
        for element, part in zip(elements, parts, strict=True):
            self.bind(element, part, env, cls)

    # --- shared with the expression half -----------------------------------

    def _split(self, inputs: tuple[Val, ...], node: libcst.CSTNode, label: str, *, holdout: bool) -> Split:
        split = Split(
            tuple(value for value in inputs if not value.const),
            node,
            label,
            self._next(),
            holdout,
            tuple(self.callers),
        )
        self.run.splits.append(split)
        return split

    @staticmethod
    def _params(function: libcst.FunctionDef) -> list[libcst.Param]:
        params = function.params
        listed = [*params.posonly_params, *params.params]
        if isinstance(params.star_arg, libcst.Param):
            listed.append(params.star_arg)
        listed.extend(params.kwonly_params)
        if params.star_kwarg is not None:
            listed.append(params.star_kwarg)
        return listed

    def _short(self, node: libcst.CSTNode) -> str:
        return self.code_of(node, MAX_SHOWN)
