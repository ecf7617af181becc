"""split-leakage: a scaler, encoder, imputer or selector fitted on rows that include the evaluation data.

The check follows values rather than lines. A small abstract interpreter
(`rules.leakage_interpreter`) runs the module from its top level (and every
function nobody in the file calls), inlining calls to the file's own functions,
and records three kinds of event in execution order: a transformer is fitted on
some data, data is split into train and evaluation rows, a fitted transformer is
applied to some data. Every value remembers which rows it holds and which
transformers produced it (`rules.leakage_values`). `rules.leakage_verdict` judges
each fit; this module words the findings.
"""

from __future__ import annotations

import libcst

from rules.checks import split_leakage_examples as examples
from rules.dataflow import FactsRule
from rules.finding import Severity
from rules.leakage_imputation import FILL_METHODS, IMPUTATION_LABEL, SCALING_LABEL, SCALING_METHODS
from rules.leakage_interpreter import Interpreter
from rules.leakage_reach import fitting_functions
from rules.leakage_values import RowIndex, Run
from rules.leakage_verdict import Leak, call_toward_fit, find_leaks
from rules.leakage_vocabulary import CLUSTER_LIBRARIES, CLUSTERERS
from rules.ml_names import (
    COMPOSITE_LIBRARIES,
    COMPOSITES,
    ESTIMATOR_METHODS,
    is_library_name,
    is_transformer_ctor,
)
from rules.module_facts import ModuleFacts, Scope
from rules.rule import register

# Transformers whose fit decides the model's input columns or codes: refitted on evaluation data, they do not
# merely leak statistics, they hand the model features it was never trained on.
FEATURE_SPACE_BUILDERS = frozenset(
    {
        "DictVectorizer",
        "OneHotEncoder",
        "OrdinalEncoder",
        "CountVectorizer",
        "TfidfVectorizer",
        "LabelEncoder",
        "LabelBinarizer",
        "MultiLabelBinarizer",
        "StringIndexer",
        "TextVectorization",
        "StringLookup",
        "IntegerLookup",
    }
)

FIT_SUGGESTION = (
    "Split first, fit on the training split only and `transform` the other splits with it, or put the step "
    "in a `Pipeline` so that `cross_val_score`/`GridSearchCV` refit it inside every fold."
)
IMPUTE_SUGGESTION = (
    "Split first and fill every split with the training split's statistic "
    "(`X_test.fillna(X_train.median())`), or use a `SimpleImputer` in a `Pipeline` so that "
    "cross-validation refits it inside every fold."
)
SCALE_SUGGESTION = (
    "Split first and scale every split with the training split's statistics "
    "(`(X_test - X_train.mean()) / X_train.std()`), or use a `StandardScaler` in a `Pipeline`."
)


@register
class SplitLeakage(FactsRule):
    id = "split-leakage"
    severity = Severity.CRITICAL
    title = "Preprocessing fitted on evaluation data"

    VALID = examples.VALID
    INVALID = examples.INVALID

    def finish(self) -> None:
        facts = self.facts
        if facts.module is None or not self._mentions_transformer(facts):
            return
        interpreter = Interpreter(facts, self.code)
        module = facts.module.node
        reported: set[int] = set()
        if isinstance(module, libcst.Module):
            self._report(interpreter.index, interpreter.run_module(module), reported)
        fitting = fitting_functions(facts)
        for scope in self._uncalled(facts):
            if id(scope.node) in interpreter.executed or not isinstance(scope.node, libcst.FunctionDef):
                continue
            if id(scope.node) not in fitting:
                continue
            self._report(interpreter.index, interpreter.run_function(scope.node, scope.class_name), reported)

    def _mentions_transformer(self, facts: ModuleFacts) -> bool:
        imports = facts.imports
        return any(
            site.method in FILL_METHODS
            or site.method in SCALING_METHODS
            or is_transformer_ctor(site.name, imports)
            or is_library_name(site.name, imports, CLUSTERERS, CLUSTER_LIBRARIES)
            or is_library_name(site.name, imports, COMPOSITES, COMPOSITE_LIBRARIES)
            for site in facts.all_calls()
        )

    def _uncalled(self, facts: ModuleFacts) -> list[Scope]:
        """Functions nobody in the module ran, callers before callees; estimators' own fit methods never."""
        called = {id(callee.node) for scope in facts.functions for callee in facts.callees(scope)}
        runnable = [
            scope
            for scope in facts.functions
            if scope.parent is None
            and not (scope.class_name is not None and scope.simple_name in ESTIMATOR_METHODS)
        ]
        return sorted(runnable, key=lambda scope: id(scope.node) in called)

    def _report(self, index: RowIndex, run: Run, reported: set[int]) -> None:
        for leak in find_leaks(index, run):
            fit = leak.fit
            if id(fit.node) in reported:
                continue
            reported.add(id(fit.node))
            self._flag(leak)

    def _flag(self, leak: Leak) -> None:
        fit = leak.fit
        cls = fit.transformer.cls
        # `fillna(median)` and a hand-written scaling name no class: the reader is told which statistic
        # was computed where.
        label, _, statistic = cls.removesuffix(")").partition("(")
        fitted, suggestion = {
            IMPUTATION_LABEL: (f"The {statistic} that `fillna` fills in is computed on", IMPUTE_SUGGESTION),
            SCALING_LABEL: (
                f"The {statistic} this hand-written scaling uses is computed on",
                SCALE_SUGGESTION,
            ),
        }.get(label if statistic else "", (f"`{cls}` is fitted on", FIT_SUGGESTION))
        data = f"`{fit.label}`" if fit.label else "its input"
        split = leak.split
        call = call_toward_fit(fit, split) if split is not None else None
        if call is not None:
            data += f" (in the call on line {self._line(call)})"
        at = f"the split on line {self._line(split.node)} ({split.label})" if split is not None else ""
        if leak.kind == "test":
            held = (
                f"the evaluation rows of {at}"
                if split is not None
                else f"the evaluation set `{leak.held.label if leak.held else ''}`"
            )
            if leak.evaluation_only and cls in FEATURE_SPACE_BUILDERS:
                consequence = (
                    "On these rows alone it builds a different feature space (columns, vocabulary, "
                    "category codes) from "
                    "the one the model was trained on, and learns from the evaluation data."
                )
            else:
                consequence = (
                    "The evaluation data then shapes the preprocessing and the reported score is optimistic."
                )
            message = f"{fitted} {data}, which holds {held}. {consequence}"
        elif leak.kind == "before-split":
            message = (
                f"{fitted} {data} before {at} divides it into training and evaluation rows. "
                "Statistics of "
                "the evaluation rows leak into training and the reported score is optimistic."
            )
        else:
            applied = self._line(leak.applied.node) if leak.applied else 0
            message = (
                f"{fitted} all rows of {data}, including the evaluation rows of {at}, "
                "and then applied to the "
                f"evaluation data on line {applied}. The reported score is optimistic."
            )
        evidence = leak.evidence
        same_scope = evidence is not None and self._enclosing(evidence) is self._enclosing(fit.node)
        self.flag_span(
            fit.node,
            evidence if same_scope else None,
            message,
            suggestion=suggestion,
            key=f"{cls}:{fit.label}:{leak.kind}",
        )

    def _line(self, node: libcst.CSTNode) -> int:
        return self.ctx.file.raw_line(self.line_of(node))

    def _enclosing(self, node: libcst.CSTNode) -> Scope | None:
        line = self.line_of(node)
        best: Scope | None = None
        best_start = 0
        for scope in self.facts.functions:
            start, end = self.position(scope.node)
            if start <= line <= end and start >= best_start:
                best, best_start = scope, start
        return best
