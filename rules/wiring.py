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

_WORD = re.compile(r"\w+")


class _WordIndex:
    """The words of each changed file, found once per review: `unwired` runs for every file of the PR,
    and searching every other file's text for every new function made that quadratic in the PR's size.

    A name made of word characters is found by a word-bounded search exactly where it is one of the
    text's maximal runs of word characters, so a set lookup answers what the search did."""

    def __init__(self) -> None:
        self._changed: Sequence[ChangedContent] | None = None
        self._words: list[tuple[str, frozenset[str], str]] = []

    def for_review(self, changed: Sequence[ChangedContent]) -> list[tuple[str, frozenset[str], str]]:
        if changed is not self._changed:
            self._changed = changed
            self._words = [
                (item.path, frozenset(_WORD.findall(text)), text)
                for item in changed
                if (text := _text(item)) is not None
            ]
        return self._words


_INDEX = _WordIndex()


def unwired(
    functions: Iterable[Scope], path: str, head: str, base: str | None, changed: Sequence[ChangedContent]
) -> list[Scope]:
    """Module-level, undecorated functions of `head` that `base`
    lacks and nothing names, if another file calls a sibling."""
    found = []
    wired = False
    others = [(words, text) for other, words, text in _INDEX.for_review(changed) if other != path]
    for scope in functions:
        if scope.class_name is not None or scope.parent is not None:
            continue
        word = re.compile(rf"\b{re.escape(scope.name)}\b")
        if _named(scope.name, word, others):
            wired = True
            continue
        new = base is None or re.search(rf"\bdef\s+{re.escape(scope.name)}\b", base) is None
        if new and not scope.decorators and len(word.findall(head)) == 1:
            found.append(scope)
    return found if wired else []


def _named(name: str, word: re.Pattern[str], others: Sequence[tuple[frozenset[str], str]]) -> bool:
    if _WORD.fullmatch(name):
        return any(name in words for words, _ in others)
    return any(word.search(text) is not None for _, text in others)


def _text(item: ChangedContent) -> str | None:
    if item.head is None:
        return None
    return item.head if isinstance(item.head, str) else item.head.decode("utf-8", "replace")
