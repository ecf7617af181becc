"""Helpers a pull request adds beside ones it wires in, but never calls: code that does not run yet.

A helper added by the PR can only be called from a file the PR changes (an
unchanged file cannot name a function that did not exist). When the change
calls some of a module's functions from another file but names a new one
nowhere, that one is parked: the columns it creates or the model it fits reach
no pipeline, and rules judging what enters a model read past it. When the
change calls none of them, the module may serve notebooks or code outside the
change, so nothing is assumed. Decorated functions are left alone: a decorator
registers them (`@app.task`, `@register_feature`), a call the text does not show.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from rules.module_facts import Scope
from rules.rule import ChangedContent


def unwired(
    functions: Iterable[Scope], path: str, head: str, base: str | None, changed: Sequence[ChangedContent]
) -> list[Scope]:
    """Module-level, undecorated functions of `head` that `base`
    lacks and nothing names, if another file calls a sibling."""
    found = []
    wired = False
    for scope in functions:
        if scope.class_name is not None or scope.parent is not None:
            continue
        word = re.compile(rf"\b{re.escape(scope.name)}\b")
        if any(_names(item, path, word) for item in changed):
            wired = True
            continue
        new = base is None or re.search(rf"\bdef\s+{re.escape(scope.name)}\b", base) is None
        if new and not scope.decorators and len(word.findall(head)) == 1:
            found.append(scope)
    return found if wired else []


def _names(item: ChangedContent, path: str, word: re.Pattern[str]) -> bool:
    if item.path == path or item.head is None:
        return False
    text = item.head if isinstance(item.head, str) else item.head.decode("utf-8", "replace")
    return word.search(text) is not None
