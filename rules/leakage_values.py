"""The abstract values split-leakage's interpreter computes, the events it records, and the rows values hold.

A leak is a question about rows: does the data a transformer was fitted on share
rows with the evaluation side of a split? So every value keeps where its rows
came from (its parents back to a dataset, or the split output it is part of) and
which transformers shaped it, and `RowIndex` answers "which rows" for any value.
The names that mark a variable as training or evaluation rows live here too,
because both the statements and the expressions of the interpreter read them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import libcst

TRAIN, TEST = "train", "test"

_TOKEN = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
# Name tokens that mark a variable as holding evaluation or training rows (`X_test`, `valid_df`, `y_tr`).
TEST_TOKENS = frozenset(
    {"test", "testing", "holdout", "val", "valid", "validation", "eval", "evaluation", "te", "tst", "oot"}
)
TRAIN_TOKENS = frozenset({"train", "training", "tr", "trn"})
# Tokens that mean "test/train" only next to another word: a bare `val` is usually a value.
WEAK_TOKENS = frozenset({"val", "valid", "eval", "te", "tr", "tst", "trn", "oot"})
# Keys of a dataset dict (Hugging Face `DatasetDict`) that name a split;
# `val`/`valid` are as often ordinary columns.
SPLIT_KEYS = {"train": TRAIN, "test": TEST, "validation": TEST, "holdout": TEST}
CONFIG_NAMES = re.compile(
    r"^(?:cfg|config|conf|args|opts?|options|params|hparams|hp|settings|flags|kwargs)$|_(?:cfg|config|args|params)$"
)


def _tokens(name: str) -> list[str]:
    return [token.lower() for token in _TOKEN.findall(name)]


def role_of_name(name: str, *, strong: bool = False) -> str | None:
    """`X_test` → test, `train_df` → train; a bare weak token (`val`, `tr`) says nothing.

    With `strong`, weak tokens never count: a helper's parameter `x_val` may well mean "x values".
    """
    tokens = _tokens(name.rsplit(".", 1)[-1])
    found = []
    for role, vocabulary in ((TEST, TEST_TOKENS), (TRAIN, TRAIN_TOKENS)):
        hits = [token for token in tokens if token in vocabulary and not (strong and token in WEAK_TOKENS)]
        if hits and (len(tokens) > 1 or hits[0] not in WEAK_TOKENS):
            found.append(role)
    # `X_train_val` is training and validation rows together: neither side.
    return found[0] if len(found) == 1 else None


@dataclass(eq=False)
class Transformer:
    cls: str
    stateful: bool


@dataclass(eq=False)
class Split:
    inputs: tuple[Val, ...]
    node: libcst.CSTNode
    label: str
    seq: int
    holdout: bool
    # The inlined calls the split ran under, outermost first: which function activation it belongs to.
    callers: tuple[libcst.Call, ...] = ()
    model: Val | None = None


@dataclass(eq=False)
class Val:
    """An abstract value: where its rows come from and what shaped it."""

    parents: tuple[Val, ...] = ()
    const: bool = False
    role: str | None = None
    split: Split | None = None
    items: tuple[Val, ...] | None = None
    transformer: Transformer | None = None
    search_cv: bool = False
    function: libcst.FunctionDef | None = None
    via: frozenset[int] = frozenset()
    label: str = ""


CONST = Val(const=True)


@dataclass(eq=False)
class Fit:
    transformer: Transformer
    data: Val
    node: libcst.Call
    label: str
    seq: int
    callers: tuple[libcst.Call, ...]
    destination: str


@dataclass(eq=False)
class Apply:
    transformer: Transformer
    data: Val
    node: libcst.Call
    seq: int


@dataclass
class Run:
    """The events of one interpretation, from the module's top level or from one uncalled function."""

    fits: list[Fit] = field(default_factory=list)
    splits: list[Split] = field(default_factory=list)
    applies: list[Apply] = field(default_factory=list)

    def end(self) -> int:
        """A sequence number after every event: where a transformer nobody refits stops counting."""
        events: list[Fit | Split | Apply] = [*self.fits, *self.splits, *self.applies]
        return 1 + max((event.seq for event in events), default=0)


def derive(*values: Val) -> Val:
    """A value computed from others: their rows, and every
    transformer that shaped them or is built into it."""
    live = tuple(
        value for value in values if not value.const and value.transformer is None and not value.search_cv
    )
    via: frozenset[int] = frozenset(
        id(value.transformer) for value in values if value.transformer is not None
    )
    for value in live:
        via |= value.via
    if not live:
        return Val(via=via) if via else CONST
    return Val(parents=live, via=via)


def union_via(values: Iterable[Val]) -> frozenset[int]:
    """The transformers that shaped any of `values`, or are any of them:
    what a tuple or list of them carries."""
    via: frozenset[int] = frozenset()
    for value in values:
        via |= value.via | ({id(value.transformer)} if value.transformer is not None else set())
    return via


class RowIndex:
    """Which datasets and split outputs each value holds rows of, worked out once per value.

    The verdict compares the rows of every fit with those of every split, so the
    answers are kept, and so are the values themselves, so that their ids stay theirs.
    """

    def __init__(self) -> None:
        self._rows: dict[int, frozenset[int]] = {}
        self._by_id: dict[int, Val] = {}

    def rows(self, value: Val) -> frozenset[int]:
        """Identities of the datasets and split outputs whose rows `value` holds.

        Iterative: a long notebook builds derivation chains far deeper than Python's recursion limit.
        """
        stack: list[tuple[Val, bool]] = [(value, False)]
        while stack:
            current, expanded = stack.pop()
            key = id(current)
            if key in self._rows:
                continue
            self._by_id[key] = current
            live = [parent for parent in current.parents if not parent.const]
            if current.const or current.transformer is not None or current.search_cv:
                self._rows[key] = frozenset()
            elif current.role is not None:
                self._rows[key] = frozenset({key})
            elif not live:
                self._rows[key] = frozenset({key}) if current.items is None else frozenset()
            elif expanded:
                self._rows[key] = frozenset().union(*(self._rows[id(parent)] for parent in live))
            else:
                stack.append((current, True))
                stack.extend((parent, False) for parent in live if id(parent) not in self._rows)
        return self._rows[id(value)]

    def roles(self, value: Val) -> list[Val]:
        """The training and evaluation sets among the rows `value` holds."""
        return [self._by_id[key] for key in self.rows(value) if self._by_id[key].role is not None]
