"""Where a Python file sets a tuned value: assignments, keywords of a call, CLI defaults, dicts of settings.

`rules.tuning` decides what a name or a number means and `rules.tuning_context` what a
comment says; this module finds the places in Python code to ask them about, and skips
the calls whose keywords are no settings (plots, statistics tests, printing options).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import libcst

from rules.cst import dotted, string_value
from rules.tuning import Strength, is_worth_reporting, normalise_number, strength_of

PLOT_ROOTS = frozenset(
    {
        "plt",
        "pyplot",
        "matplotlib",
        "mpl",
        "sns",
        "seaborn",
        "fig",
        "figure",
        "px",
        "go",
        "alt",
        "plotly",
        "bokeh",
        "hv",
        "g",
        "grid",
    }
)
PLOT_METHODS = frozenset(
    {
        "plot",
        "scatter",
        "hist",
        "hist2d",
        "hexbin",
        "bar",
        "barh",
        "imshow",
        "matshow",
        "fill_between",
        "fill_betweenx",
        "axhline",
        "axvline",
        "axhspan",
        "axvspan",
        "errorbar",
        "boxplot",
        "violinplot",
        "pie",
        "contour",
        "contourf",
        "pcolormesh",
        "step",
        "stem",
        "annotate",
        "text",
        "legend",
        "heatmap",
        "kdeplot",
        "histplot",
        "scatterplot",
        "lineplot",
        "barplot",
        "regplot",
        "lmplot",
        "displot",
        "jointplot",
        "pairplot",
        "catplot",
        "relplot",
        "stripplot",
        "swarmplot",
        "boxenplot",
        "countplot",
        "pointplot",
        "add_patch",
        "subplots",
        "figure",
        "add_trace",
        "update_traces",
        "mark_point",
        "mark_line",
        "draw",
        "draw_networkx",
        "draw_networkx_nodes",
        "draw_networkx_edges",
        "grid",
        "set_alpha",
    }
)
# Calls whose `alpha`/`threshold` keywords mean something other than a tuned value.
_NOT_TUNING_CALL = re.compile(
    r"(?:^|\.)(?:set_printoptions|set_option|option_context|multipletests|proportion_confint|\w*confint|conf_int|"
    r"ttest\w*|\w+_test|interval|isclose|allclose|assert_\w+)$|^(?:stats|scipy|sm|smf|statsmodels|pg|pingouin)\.",
)
_FIELD_CALL = re.compile(r"(?:^|\.)(?:Field|field|attrib|attr\.ib)$")


# Batch sizes of scoring calls set throughput, not results.
_INFERENCE_CALL = re.compile(
    r"(?:predict|transform|encode|embed|evaluat|infer|generate|score|test)\w*$", re.IGNORECASE
)
_THROUGHPUT_NAMES = frozenset({"batch_size", "per_device_eval_batch_size", "eval_batch_size"})


def is_throughput(callee: str, name: str) -> bool:
    """`predict(X, batch_size=1024)`: how fast a model scores, not what it learns."""
    return bool(_INFERENCE_CALL.search(callee.rsplit(".", 1)[-1])) and name in _THROUGHPUT_NAMES


def is_field_call(callee: str) -> bool:
    """`Field(...)`, `field(...)`, `attr.ib(...)`: a declared default, read as the attribute's value."""
    return bool(_FIELD_CALL.search(callee))


def is_tuning_call(callee: str) -> bool:
    """Whether a call's keywords could be settings: not a plot, a statistics test or a printing option."""
    return not (is_plot_call(callee) or _NOT_TUNING_CALL.search(callee) or is_field_call(callee))


def is_plot_call(callee: str) -> bool:
    parts = callee.replace("()", "").split(".")
    root, last = parts[0], parts[-1]
    if root in PLOT_ROOTS or root.startswith(("ax", "fig")) or "plot" in last.lower():
        return True
    return last.startswith(("draw", "show", "display", "render")) or (len(parts) > 1 and last in PLOT_METHODS)


@dataclass(frozen=True)
class PySite:
    """One `name = value` a Python file sets: where, which knob, which value."""

    name: str
    value: str
    node: libcst.CSTNode
    strength: Strength
    note: str = ""
    callee: str = ""


_MAX_EXPONENT = 64


def number_from_expr(node: libcst.BaseExpression) -> float | int | None:
    """The number a constant expression spells (`3e-4`, `-1`, `10 ** -3`, `1 / 3`); None for anything else."""
    if isinstance(node, libcst.Integer):
        try:
            return int(node.value.replace("_", ""), 0)
        except ValueError:
            return None
    if isinstance(node, libcst.Float):
        return float(node.value.replace("_", ""))
    if isinstance(node, libcst.UnaryOperation) and isinstance(node.operator, (libcst.Minus, libcst.Plus)):
        inner = number_from_expr(node.expression)
        if inner is None:
            return None
        return -inner if isinstance(node.operator, libcst.Minus) else inner
    if isinstance(node, libcst.BinaryOperation):
        left, right = number_from_expr(node.left), number_from_expr(node.right)
        if left is None or right is None:
            return None
        try:
            if isinstance(node.operator, libcst.Power) and abs(right) <= _MAX_EXPONENT:
                return left**right
            if isinstance(node.operator, libcst.Multiply):
                return left * right
            if isinstance(node.operator, libcst.Divide) and right:
                return left / right
        except (OverflowError, ZeroDivisionError):
            return None
    return None


def _site(
    name: str,
    value_node: libcst.BaseExpression,
    report: libcst.CSTNode,
    *,
    keyword: bool,
    note: str = "",
    callee: str = "",
) -> PySite | None:
    strength = strength_of(name, keyword=keyword)
    if strength is None:
        return None
    number = number_from_expr(value_node)
    if number is None or isinstance(number, complex):
        return None
    value = normalise_number(number)
    if not is_worth_reporting(name, value):
        return None
    return PySite(name, value, report, strength, note, callee)


def field_default(call: libcst.Call) -> tuple[libcst.BaseExpression | None, str]:
    """The default and description of `Field(0.1, description=...)` / `field(default=0.1)`."""
    default: libcst.BaseExpression | None = None
    notes = []
    for arg in call.args:
        keyword = arg.keyword.value if arg.keyword else None
        if (keyword is None and default is None and not arg.star) or keyword == "default":
            default = arg.value
        elif keyword in ("description", "title", "help", "metadata", "json_schema_extra"):
            notes.append(_strings_in(arg.value))
    return default, " ".join(notes)


def _strings_in(node: libcst.CSTNode) -> str:
    if isinstance(node, libcst.BaseString):
        return string_value(node) or ""
    if isinstance(node, libcst.Dict):
        return " ".join(
            _strings_in(element.value) for element in node.elements if isinstance(element, libcst.DictElement)
        )
    return ""


def target_name(target: libcst.BaseExpression) -> str | None:
    if isinstance(target, libcst.Name):
        return target.value
    if (
        isinstance(target, libcst.Attribute)
        and isinstance(target.value, libcst.Name)
        and target.value.value in ("self", "cls")
    ):
        return target.attr.value
    return None


def sites_in_assignment(node: libcst.Assign | libcst.AnnAssign) -> Iterator[PySite]:
    targets = [item.target for item in node.targets] if isinstance(node, libcst.Assign) else [node.target]
    value = node.value
    if value is None:
        return
    note = ""
    if isinstance(value, libcst.Call) and is_field_call(dotted(value.func, loose=True) or ""):
        default, note = field_default(value)
        if default is None:
            return
        value = default
    for target in targets:
        name = target_name(target)
        if name:
            site = _site(name, value, node, keyword=False, note=note)
            if site:
                yield site


def sites_in_call(node: libcst.Call) -> Iterator[PySite]:
    func = node.func
    last = (
        func.attr.value
        if isinstance(func, libcst.Attribute)
        else func.value
        if isinstance(func, libcst.Name)
        else ""
    )
    if last in ("add_argument", "option"):
        yield from _cli_option(node)
        return
    # Most calls pass no hyperparameter by name; only those are worth naming the callee for.
    candidates = [
        (arg.keyword.value, arg)
        for arg in node.args
        if arg.keyword is not None and strength_of(arg.keyword.value, keyword=True)
    ]
    if not candidates:
        return
    callee = dotted(func, loose=True) or ""
    if not is_tuning_call(callee):
        return
    for name, arg in candidates:
        if not is_throughput(callee, name):
            site = _site(name, arg.value, arg, keyword=True, callee=callee)
            if site:
                yield site


@dataclass(frozen=True)
class CliOption:
    """`parser.add_argument("--lr", default=3e-4)` / `click.option("--lr", default=...)`:
    the setting it declares."""

    name: str
    help: str
    action: str
    defaults: tuple[libcst.Arg, ...]


def _keyword_strings(node: libcst.Call, keyword: str) -> list[str]:
    return [
        string_value(arg.value) or ""
        for arg in node.args
        if arg.keyword is not None
        and arg.keyword.value == keyword
        and isinstance(arg.value, libcst.BaseString)
    ]


def cli_option(node: libcst.Call) -> CliOption | None:
    """The option's name from its long flag (`--lr-decay` is `lr_decay`), its help, action and `default=`."""
    flags = [
        string_value(arg.value) or ""
        for arg in node.args
        if arg.keyword is None and isinstance(arg.value, libcst.SimpleString)
    ]
    long_flags = [flag for flag in flags if flag.startswith("--")] or flags
    if not long_flags:
        return None
    actions = _keyword_strings(node, "action")
    return CliOption(
        name=long_flags[0].lstrip("-").replace("-", "_"),
        help=" ".join(_keyword_strings(node, "help")),
        action=actions[0] if actions else "",
        defaults=tuple(
            arg for arg in node.args if arg.keyword is not None and arg.keyword.value == "default"
        ),
    )


def _cli_option(node: libcst.Call) -> Iterator[PySite]:
    option = cli_option(node)
    if option is None:
        return
    for arg in option.defaults:
        site = _site(option.name, arg.value, arg, keyword=True, note=option.help)
        if site:
            yield site


def sites_in_dict(node: libcst.Dict) -> Iterator[PySite]:
    """`params = {"learning_rate": 0.05, "max_depth": 6}`, the usual XGBoost/LightGBM spelling."""
    for element in node.elements:
        if isinstance(element, libcst.DictElement) and isinstance(element.key, libcst.SimpleString):
            name = string_value(element.key) or ""
            if name:
                site = _site(name, element.value, element, keyword=False)
                if site:
                    yield site


# A list of per-layer or per-stage settings is one chosen configuration, not alternatives to search over.
_SEQUENCE_NAME = re.compile(
    r"layer|stage|phase|schedul|block|step|milestone|warmup|curriculum", re.IGNORECASE
)
# Fewer alternatives than this is one chosen configuration wrapped in a list.
_MIN_CANDIDATES = 2


def _is_dict_like(node: libcst.BaseExpression) -> bool:
    return isinstance(node, libcst.Dict) or (
        isinstance(node, libcst.Call) and isinstance(node.func, libcst.Name) and node.func.value == "dict"
    )


def candidate_configs(node: libcst.Assign | libcst.AnnAssign) -> list[libcst.BaseExpression]:
    """The dicts of `lgbm_parameters = [{...}, {...}]`:
    alternatives a search tries, not a value someone chose.

    Only a list or tuple literal of two or more dicts (or `dict(...)` calls) and nothing else counts, and not
    when its name says the entries are layers, stages or a schedule applied one after another.
    """
    value = node.value
    if not isinstance(value, (libcst.List, libcst.Tuple)) or len(value.elements) < _MIN_CANDIDATES:
        return []
    elements = [element.value for element in value.elements if isinstance(element, libcst.Element)]
    if len(elements) != len(value.elements) or not all(_is_dict_like(element) for element in elements):
        return []
    targets = [item.target for item in node.targets] if isinstance(node, libcst.Assign) else [node.target]
    names = [dotted(target, loose=True) or "" for target in targets]
    if not all(names) or any(_SEQUENCE_NAME.search(name) for name in names):
        return []
    return elements


def sites_in(node: libcst.CSTNode) -> Iterator[PySite]:
    if isinstance(node, (libcst.Assign, libcst.AnnAssign)):
        yield from sites_in_assignment(node)
    elif isinstance(node, libcst.Call):
        yield from sites_in_call(node)
    elif isinstance(node, libcst.Dict):
        yield from sites_in_dict(node)
