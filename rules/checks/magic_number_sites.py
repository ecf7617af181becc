"""Literals outside comparisons that still decide behaviour: clip bounds, fold counts, normalisation stats.

A clip's bounds cut outliers as surely as a comparison does.
`for fold in range(10)` re-types the number of CV folds that the code making the
folds chose elsewhere; when one changes, the other silently stops matching.
`Normalize((0,), (255,))` states a dataset's mean and standard deviation: unless they
are a set every reader knows (0.5 everywhere, the ImageNet, MNIST or CIFAR
statistics), nothing says where they come from or whether they fit the data.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import libcst

from rules.checks.magic_number_excuses import EPSILON, magnitude_is_well_known
from rules.cst import dotted
from rules.tuning_sites import number_from_expr

FOLD_LOOP, NORMALISATION = "fold loop", "normalisation"
# Calls that cut values off at a bound: `df.clip(-10, 10)`, `np.clip(x, 0, 5e3)`, `t.clamp(max=50)`.
_CLIPS = frozenset({"clip", "clamp", "clip_", "clamp_"})
_BOUND_KEYWORDS = frozenset({"lower", "upper", "min", "max", "a_min", "a_max"})
# The range a value is clipped to by nature (a probability, a sign): no cut-off was chosen.
_NATURAL_BOUNDS = frozenset({0, 1, -1})
# Loop variables that count folds: `fold`, `fold_`, `i_fold`, `n_fold` (not `k` or `i`, which count anything).
_FOLD_TOKEN = re.compile(r"(?:^|_)k?folds?(?:_|$|idx|id|num)", re.IGNORECASE)
# Fewer than two folds is no cross-validation at all.
MIN_FOLDS = 2
# Per-channel statistics every reader recognises. Values are compared rounded to this many decimals,
# so `0.229` and `0.2290` are the same statistic.
_DECIMALS = 3
_KNOWN_MEANS: tuple[tuple[float, ...], ...] = (
    (0.485, 0.456, 0.406),  # ImageNet, [0, 1] pixels
    (123.675, 116.28, 103.53),  # ImageNet, [0, 255] pixels
    (0.1307,),  # MNIST
    (0.4914, 0.4822, 0.4465),  # CIFAR-10
    (0.5071, 0.4865, 0.4409),  # CIFAR-100
)
_KNOWN_STDS: tuple[tuple[float, ...], ...] = (
    (0.229, 0.224, 0.225),
    (58.395, 57.12, 57.375),
    (0.3081,),
    (0.2023, 0.1994, 0.2010),
    (0.247, 0.2435, 0.2616),
    (0.2673, 0.2564, 0.2762),
)
# A vector of one repeated value that maps pixels onto a standard range: [0, 1] to [-1, 1], or unchanged.
_UNIFORM_MEANS = frozenset({0.5, 0.0})
_UNIFORM_STDS = frozenset({0.5, 1.0})


def clip_bounds(node: libcst.Call) -> list[tuple[libcst.BaseExpression, float | int]]:
    """The chosen bounds of a clip call (`df.clip(-10, 10)`, `np.clip(x, 0, 3000)`), with their values."""
    func = node.func
    if _called(func) not in _CLIPS:
        return []
    # `np.clip(x, lo, hi)` and `torch.clamp(x, lo, hi)` take the values first; `x.clip(lo, hi)` does not.
    module_call = isinstance(func, libcst.Attribute) and dotted(func.value, loose=True) in (
        "np",
        "numpy",
        "torch",
        "tf",
    )
    positional = [arg for arg in node.args if arg.keyword is None and arg.star == ""]
    bounds = positional[1:3] if module_call or isinstance(func, libcst.Name) else positional[:2]
    bounds += [arg for arg in node.args if arg.keyword is not None and arg.keyword.value in _BOUND_KEYWORDS]
    chosen: list[tuple[libcst.BaseExpression, float | int]] = []
    for arg in bounds:
        value = number_from_expr(arg.value)
        if value is None or isinstance(value, complex) or value in _NATURAL_BOUNDS:
            continue
        if abs(value) > EPSILON and not magnitude_is_well_known(value):
            chosen.append((arg.value, value))
    return chosen


def fold_count(node: libcst.For) -> libcst.BaseExpression | None:
    """The literal in `for fold in range(10)`: a fold count typed where the folds are used."""
    iterable = node.iter
    if not (
        isinstance(node.target, libcst.Name)
        and _FOLD_TOKEN.search(node.target.value)
        and isinstance(iterable, libcst.Call)
        and dotted(iterable.func) == "range"
        and len(iterable.args) == 1
        and iterable.args[0].keyword is None
    ):
        return None
    literal = iterable.args[0].value
    count = number_from_expr(literal)
    return literal if isinstance(count, int) and count >= MIN_FOLDS else None


def normalisation_literal(node: libcst.Call) -> libcst.BaseExpression | None:
    """The mean or std literal of a `Normalize(mean, std)` that is not a well-known set of statistics."""
    if _called(node.func) != "Normalize":
        return None
    positional = [arg.value for arg in node.args if arg.keyword is None and not arg.star]
    keyword = {arg.keyword.value: arg.value for arg in node.args if arg.keyword is not None}
    mean = keyword.get("mean", positional[0] if positional else None)
    std = keyword.get("std", positional[1] if len(positional) > 1 else None)
    if mean is None or std is None:
        return None
    means, stds = _numbers(mean), _numbers(std)
    # Statistics read from a name or computed elsewhere are not literals: someone chose where they come from.
    if means is None or stds is None:
        return None
    if not _known(means, _KNOWN_MEANS, _UNIFORM_MEANS):
        return mean
    if not _known(stds, _KNOWN_STDS, _UNIFORM_STDS):
        return std
    return None


def _called(func: libcst.BaseExpression) -> str:
    """The last name of what is called: `clip` for `np.clip` and for `clip`."""
    if isinstance(func, libcst.Attribute):
        return func.attr.value
    return func.value if isinstance(func, libcst.Name) else ""


def _numbers(node: libcst.BaseExpression) -> tuple[float, ...] | None:
    elements: Sequence[libcst.BaseElement] = (
        node.elements if isinstance(node, (libcst.Tuple, libcst.List)) else ()
    )
    values = [number_from_expr(element.value) for element in elements]
    if not values and number_from_expr(node) is not None:
        values = [number_from_expr(node)]
    if not values or any(value is None for value in values):
        return None
    return tuple(round(float(value), _DECIMALS) for value in values if value is not None)


def _known(
    values: tuple[float, ...], known: tuple[tuple[float, ...], ...], uniform: frozenset[float]
) -> bool:
    if len(set(values)) == 1 and values[0] in uniform:
        return True
    return any(values == tuple(round(value, _DECIMALS) for value in vector) for vector in known)


def explain(kind: str, value: str, *, clip: bool) -> tuple[str, str]:
    """The message and suggestion: what the literal decides, and how to record why."""
    if kind == FOLD_LOOP:
        return (
            f"`{value}` re-types the number of CV folds in this loop; it must match the `n_splits` "
            "the folds were made with, and nothing ties the two together.",
            "Loop over the folds that were made (`for fold in sorted(df.kfold.unique())`) or share one "
            "`N_FOLDS` constant with the code that creates them.",
        )
    if kind == NORMALISATION:
        return (
            f"`{value}` are unexplained normalisation statistics in this `Normalize`; they are not "
            "a well-known set (0.5, ImageNet, MNIST, CIFAR) and nothing says which data they were "
            "measured on.",
            "Name them with a comment saying where they come from "
            "(`MEAN, STD = (0.1307,), (0.3081,)  # MNIST training set`), or compute them on the "
            "training split.",
        )
    return (
        f"`{value}` is an unexplained cut-off in this {'clip' if clip else 'comparison'}; "
        "nothing says where it comes from or when to revisit it.",
        "Name it as a constant with a comment saying how it was chosen "
        "(`MIN_ROWS = 5000  # below this CV AUC is unstable, EXP-88`), or move it to the config.",
    )
