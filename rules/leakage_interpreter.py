"""The call part of split-leakage's interpreter: what a call does to the data, and what it returns.

Calls carry the events a leak is made of: a transformer's `fit`, a split
(`train_test_split`, a cross-validation function, a search's own folds) and a
fitted transformer applied to data. Calls to the file's own functions are
inlined with the caller's arguments, so a `preprocess(df)` helper that fits on
whatever it is given is judged by what `main()` hands it. Statements are the
other half (`rules.leakage_flow`); names, attributes and subscripts, the rest of
the expression half (`rules.leakage_expressions`).
"""

from __future__ import annotations

import libcst

from rules.cst import dotted
from rules.leakage_expressions import Expressions
from rules.leakage_imputation import (
    FILL_METHODS,
    IMPUTATION_LABEL,
    SCALING_LABEL,
    fill_statistic,
    scaling_statistic,
)
from rules.leakage_values import CONST, TEST, TRAIN, Apply, Fit, Transformer, Val, derive
from rules.leakage_vocabulary import (
    CLUSTER_LIBRARIES,
    CLUSTERERS,
    LOADER_CALL,
    META_FUNCTIONS,
    PASS_THROUGH_FUNCTIONS,
)
from rules.ml_names import (
    COMPOSITE_LIBRARIES,
    COMPOSITES,
    CV_FUNCTIONS,
    ESTIMATOR_METHODS,
    LABEL_ENCODERS,
    SEARCH_CV,
    STATEFUL_TRANSFORMERS,
    STATELESS_TRANSFORMERS,
    is_library_name,
    is_transformer_ctor,
    reads_data,
)

# Nested inlining depth of the file's own functions; deeper chains are treated as opaque calls.
MAX_INLINE_DEPTH = 8
FIT_METHODS = frozenset({"fit", "adapt"})
# A clusterer used as a feature is applied by `predict` (the cluster id) as much as by `transform`.
APPLY_METHODS = frozenset({"transform", "inverse_transform", "predict"})
FIT_APPLY_METHODS = frozenset({"fit_transform", "fit_predict"})
SELF_RETURNING = frozenset({"set_params", "set_output"})
SPLIT_FUNCTION = "train_test_split"
SPLIT_LIBRARIES = ("sklearn",)
CV_LIBRARIES = ("sklearn", "skopt")


class Interpreter(Expressions):
    """Gives calls their values, and through `Expressions` every other expression;
    the rule runs it over a module and each function nobody calls."""

    def call(self, node: libcst.Call, env: dict[str, Val], cls: str | None) -> Val:
        func = node.func
        name = dotted(func)
        head = name.split(".", 1)[0] if name else ""
        if (
            isinstance(func, libcst.Attribute)
            and not self._is_module(head, env)
            and not (name and name.startswith(("self.", "cls.")))
        ):
            receiver = self.expr(func.value, env, cls)
            return self._method(node, func.attr.value, receiver, env, cls)
        local = self._local_function(name, env, cls)
        if local is not None:
            return self._inline(node, local[0], local[1], env, cls)
        if isinstance(func, libcst.Attribute) and name and name.startswith(("self.", "cls.")):
            receiver = self.expr(func.value, env, cls)
            return self._method(node, func.attr.value, receiver, env, cls)
        qualified = self.imports.qualify(func) if name else None
        return self._function(node, qualified, env, cls)

    def _local_function(
        self, name: str | None, env: dict[str, Val], cls: str | None
    ) -> tuple[libcst.FunctionDef, str | None] | None:
        if name is None:
            return None
        if name.startswith("self.") and cls is not None and name.count(".") == 1:
            method = name.split(".", 1)[1]
            node = self.methods.get(f"{cls}.{method}")
            if node is not None and method not in ESTIMATOR_METHODS:
                return node, cls
            return None
        if "." in name:
            return None
        bound = env.get(name)
        if bound is not None and bound.function is not None:
            return bound.function, None
        if bound is None and name not in self.globals and name in self.functions:
            return self.functions[name], None
        return None

    def _args(
        self, node: libcst.Call, env: dict[str, Val], cls: str | None
    ) -> tuple[list[Val], dict[str, Val]]:
        positional: list[Val] = []
        named: dict[str, Val] = {}
        for arg in node.args:
            value = self.expr(arg.value, env, cls)
            if arg.keyword is not None:
                named[arg.keyword.value] = value
            elif arg.star == "*" and value.items is not None:
                positional.extend(value.items)
            elif not arg.star:
                positional.append(value)
        return positional, named

    def _method(
        self, node: libcst.Call, method: str, receiver: Val, env: dict[str, Val], cls: str | None
    ) -> Val:
        positional, named = self._args(node, env, cls)
        transformer = receiver.transformer
        statistic = fill_statistic(node) if method in FILL_METHODS and not receiver.const else None
        if statistic is not None:
            return self._impute(
                statistic, receiver, positional[0] if positional else named.get("value", CONST)
            )
        if transformer is not None:
            data = positional[0] if positional else named.get("X", CONST)
            if method in FIT_METHODS:
                self._fit(transformer, data, node)
                return receiver
            if method in FIT_APPLY_METHODS:
                self._fit(transformer, data, node)
                return Val(parents=(data,) if not data.const else (), via=data.via | {id(transformer)})
            if method in APPLY_METHODS:
                self.run.applies.append(Apply(transformer, data, node, self._next()))
                return Val(parents=(data,) if not data.const else (), via=data.via | {id(transformer)})
            return receiver if method in SELF_RETURNING else CONST
        if method == "fit" and (receiver.search_cv or "validation_split" in named):
            inputs = tuple(positional[:2]) or tuple(
                value for key, value in named.items() if key in ("X", "y", "x")
            )
            label = "the search's cross-validation" if receiver.search_cv else "`validation_split`"
            self._split(inputs, node, label, holdout=False).model = receiver
            return receiver
        constant_args = all(value.const for value in (*positional, *named.values()))
        if receiver.const and constant_args:
            return CONST
        if LOADER_CALL.match(method) or (constant_args and method.startswith("from_")):
            return self._dataset(node)
        return derive(receiver, *positional, *named.values())

    def _function(
        self, node: libcst.Call, qualified: str | None, env: dict[str, Val], cls: str | None
    ) -> Val:
        last = qualified.rsplit(".", 1)[-1] if qualified else ""
        local_class = qualified in self.facts.classes
        ctor = (
            None
            if local_class
            else is_transformer_ctor(
                qualified, self.imports, STATEFUL_TRANSFORMERS | STATELESS_TRANSFORMERS | LABEL_ENCODERS
            )
            or is_library_name(qualified, self.imports, CLUSTERERS, CLUSTER_LIBRARIES)
        )
        if ctor is not None:
            self._args(node, env, cls)
            return Val(
                transformer=Transformer(
                    ctor, ctor in STATEFUL_TRANSFORMERS or ctor in LABEL_ENCODERS or ctor in CLUSTERERS
                ),
                label=ctor,
            )
        if is_library_name(qualified, self.imports, COMPOSITES, COMPOSITE_LIBRARIES):
            return self._composite(node, last, env, cls)
        if is_library_name(qualified, self.imports, SEARCH_CV, CV_LIBRARIES):
            self._args(node, env, cls)
            return Val(search_cv=True, label=last)
        positional, named = self._args(node, env, cls)
        if is_library_name(qualified, self.imports, {SPLIT_FUNCTION}, SPLIT_LIBRARIES):
            return self._train_test_split(node, positional)
        if is_library_name(qualified, self.imports, CV_FUNCTIONS, SPLIT_LIBRARIES):
            inputs = tuple(positional[1:3]) + tuple(
                value for key, value in named.items() if key in ("X", "y")
            )
            self._split(inputs, node, f"`{last}`", holdout=False)
            return CONST
        if last in META_FUNCTIONS and qualified == last:
            return CONST
        if last in PASS_THROUGH_FUNCTIONS and qualified == last:
            return (
                positional[0]
                if len(positional) == 1 and positional[0].items is not None
                else derive(*positional, *named.values())
            )
        live = [value for value in (*positional, *named.values()) if not value.const]
        if live and not (reads_data(qualified or "") or LOADER_CALL.match(last)):
            return derive(*live)
        return self._dataset(node)

    def _composite(self, node: libcst.Call, kind: str, env: dict[str, Val], cls: str | None) -> Val:
        positional, named = self._args(node, env, cls)
        if kind in ("make_pipeline", "make_union"):
            steps = positional
        elif kind == "make_column_transformer":
            steps = [value.items[0] for value in positional if value.items]
        else:
            listed = (
                positional[0]
                if positional
                else named.get("steps") or named.get("transformers") or named.get("transformer_list")
            )
            position = 1
            steps = (
                [
                    value.items[position]
                    for value in (listed.items or ())
                    if value.items and len(value.items) > position
                ]
                if listed
                else []
            )
        transformers = [step.transformer for step in steps if step.transformer is not None]
        others = [step for step in steps if step.transformer is None and not step.const]
        if not transformers or others or not any(t.stateful for t in transformers):
            return derive(*(step for step in steps if step.transformer is None))
        return Val(transformer=Transformer(kind, stateful=True), label=kind)

    def _train_test_split(self, node: libcst.Call, arrays: list[Val]) -> Val:
        split = self._split(tuple(arrays), node, f"`{SPLIT_FUNCTION}`", holdout=True)
        outputs: list[Val] = []
        for array in arrays:
            parents = (array,) if not array.const else ()
            outputs.append(Val(parents=parents, role=TRAIN, split=split, via=array.via))
            outputs.append(Val(parents=parents, role=TEST, split=split, via=array.via))
        return Val(items=tuple(outputs), parents=tuple(outputs))

    def _fit(self, transformer: Transformer, data: Val, node: libcst.Call) -> None:
        argument = node.args[0].value if node.args else None
        label = self._short(argument) if argument is not None else ""
        # Only a label encoder's verdict depends on where its output goes (`y = le.fit_transform(...)`).
        destination = (
            self._short(self.destination)
            if self.destination is not None and transformer.cls in LABEL_ENCODERS
            else ""
        )
        self.run.fits.append(
            Fit(transformer, data, node, label, self._next(), tuple(self.callers), destination)
        )

    def binary(self, node: libcst.BinaryOperation, env: dict[str, Val], cls: str | None) -> Val:
        """`(x - x.mean()) / x.std()`: a scaler fitted on the rows the statistic is taken over. Recorded once
        per expression, at its innermost scaling step (the mean, not the std as well)."""
        value = super().binary(node, env, cls)
        statistic = scaling_statistic(node)
        left = node.left
        if statistic is None or value.const:
            return value
        if isinstance(left, libcst.BinaryOperation) and scaling_statistic(left) is not None:
            return value
        over_node = statistic.func.value if isinstance(statistic.func, libcst.Attribute) else statistic.func
        # Only a plain name, attribute or subscript is read again: a call in it already ran once.
        if not isinstance(over_node, (libcst.Name, libcst.Attribute, libcst.Subscript)):
            return value
        over = self.expr(over_node, env, cls)
        if over.const:
            return value
        kind = statistic.func.attr.value if isinstance(statistic.func, libcst.Attribute) else ""
        scaler = Transformer(f"{SCALING_LABEL}({kind})", stateful=True)
        self.run.fits.append(
            Fit(scaler, over, statistic, self._short(over_node), self._next(), tuple(self.callers), "")
        )
        return Val(parents=value.parents, via=value.via | {id(scaler)})

    def _impute(self, statistic: libcst.Call, receiver: Val, fill: Val) -> Val:
        """`df.fillna(df.x.median())`: an imputer fitted on the rows the statistic is taken over."""
        func = statistic.func
        kind, over = (func.attr.value, func.value) if isinstance(func, libcst.Attribute) else ("", func)
        imputer = Transformer(f"{IMPUTATION_LABEL}({kind})", stateful=True)
        label = self._short(over)
        self.run.fits.append(Fit(imputer, fill, statistic, label, self._next(), tuple(self.callers), ""))
        return Val(
            parents=(receiver, fill) if not fill.const else (receiver,), via=receiver.via | {id(imputer)}
        )

    def _inline(
        self,
        node: libcst.Call,
        function: libcst.FunctionDef,
        cls: str | None,
        env: dict[str, Val],
        caller_cls: str | None,
    ) -> Val:
        positional, named = self._args(node, env, caller_cls)
        self.executed.add(id(function))
        if function in self.stack or len(self.stack) >= MAX_INLINE_DEPTH:
            return derive(*positional, *named.values())
        local: dict[str, Val] = {}
        params = self._params(function)
        if cls is not None and params and params[0].name.value in ("self", "cls"):
            params = params[1:]
        remaining = list(positional)
        for param in params:
            name = param.name.value
            if param.star == "*":
                local[name] = Val(items=tuple(remaining), parents=tuple(v for v in remaining if not v.const))
                remaining = []
            elif param.star == "**":
                local[name] = derive(*named.values())
            elif name in named:
                local[name] = named.pop(name)
            elif remaining:
                local[name] = remaining.pop(0)
            else:
                local[name] = CONST if param.default is not None else self._root(name)
            if self.injected(function, name):
                local[name] = Val(function=self.functions[name])
        self.stack.append(function)
        self.callers.append(node)
        self.returns.append([])
        try:
            self.block(
                function.body.body if isinstance(function.body, libcst.IndentedBlock) else [], local, cls
            )
        finally:
            self.stack.pop()
            self.callers.pop()
            returned = self.returns.pop()
        if not returned:
            return CONST
        result = returned[0]
        for value in returned[1:]:
            result = self._join(result, value)
        return result
