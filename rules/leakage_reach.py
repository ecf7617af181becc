"""Which of a module's functions could fit anything if run: the rest need no interpreting.

Interpreting a function costs more than the rest of the leakage rule. A fit
happens only at a call of a fitting method (`fit`, `fit_transform`, `fillna`,
...), in the function or in a module function or method it runs. What it may
run is over-approximated by name: every function or method whose name it
calls, hands on (`executor.submit(train)`) or assigns (`step = train`), the
functions nested in it, and so on from each of those. A false "may fit" only
costs the time it always cost; a false "cannot fit" would hide a leak, so
anything named is followed.
"""

from __future__ import annotations

import libcst

from rules.cst import dotted
from rules.leakage_imputation import FILL_METHODS, SCALING_METHODS
from rules.leakage_interpreter import FIT_APPLY_METHODS, FIT_METHODS
from rules.module_facts import ModuleFacts, Scope

FITTING = FIT_METHODS | FIT_APPLY_METHODS | FILL_METHODS | SCALING_METHODS


def _named(scope: Scope) -> set[str]:
    """The last part of every name the scope calls, hands on or assigns."""
    names: set[str] = set()
    for site in scope.calls:
        names.add(site.name.rsplit(".", 1)[-1])
        names.update(argument.rsplit(".", 1)[-1] for argument in site.name_args)
    for value in scope.values.values():
        if isinstance(value, libcst.Name | libcst.Attribute):  # `step = train`, `fit = self.fit_scaler`
            names.add((dotted(value) or "").rsplit(".", 1)[-1])
    return names


def fitting_functions(facts: ModuleFacts) -> set[int]:
    """The ids of the function nodes whose run may reach a fit."""
    scopes = facts.functions
    by_name: dict[str, list[Scope]] = {}
    for scope in scopes:
        by_name.setdefault(scope.simple_name, []).append(scope)
        if scope.class_name is not None:
            by_name.setdefault(scope.class_name.rsplit(".", 1)[-1], []).append(scope)
    nested: dict[int, list[Scope]] = {}
    for scope in scopes:
        if scope.parent is not None:
            nested.setdefault(id(scope.parent), []).append(scope)
    fits_itself = {id(scope) for scope in scopes if any(site.method in FITTING for site in scope.calls)}
    named = {id(scope): _named(scope) for scope in scopes}
    may_fit: set[int] = set()
    for scope in scopes:
        seen = {id(scope)}
        todo = [scope]
        while todo:
            current = todo.pop()
            if id(current) in fits_itself:
                may_fit.add(id(scope.node))
                break
            following = list(nested.get(id(current), []))
            for name in named[id(current)]:
                following += by_name.get(name, [])
            for step in following:
                if id(step) not in seen:
                    seen.add(id(step))
                    todo.append(step)
    return may_fit
