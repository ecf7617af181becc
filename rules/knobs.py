"""Which settings a pull request changed or added, whatever they are called.

`rules.tuning` recognises a hyperparameter by its name, which is all a rule can
do for a brand-new literal in ordinary code. A value that *changed* needs no
vocabulary: `dropout: 0.1 -> 0`, `default="xgb" -> "lgbm"`, `nn.Conv2d(1, 10, 5)
-> nn.Conv2d(1, 20, 5)` each re-tune something, so the knob is recognised by its
place (a call's keyword, a params dict, a CLI default, a config module) and by
comparing it with the base. This module finds those places and reads the base.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import libcst

from rules.cst import dotted, string_value
from rules.tuning import TRIVIAL_VALUES, normalise_name, normalise_number
from rules.tuning_sites import cli_option, field_default, is_field_call, number_from_expr, target_name
from rules.walk import Walk, visitor_hooks

Where = Literal["assign", "kwarg", "dict", "cli", "positional", "param"]

# Settings that steer a run without tuning it: seeds, logging, paths, names, ids, parallelism, output.
_PLUMBING = re.compile(
    r"^(?:seed|seeds|random_state|random_seed|rng|verbose|verbosity|debug|quiet|silent|logging|log|logger|"
    r"name|names|id|ids|title|description|desc|help|tags?|project|project_id|project_name|run_name|run_id|"
    r"experiment|experiment_name|entity|group|job_type|notes|region|zone|cloud|bucket|namespace|host|port|url|"
    r"uri|endpoint|api_key|token|secret|password|user|username|email|version|revision|commit|branch|"
    r"workers|num_workers|n_jobs|jobs|threads|num_threads|nthread|n_threads|num_proc|processes|num_processes|"
    r"pin_memory|persistent_workers|prefetch_factor|shuffle|drop_last|index|axis|inplace|copy|dtype_backend|"
    r"flush|exist_ok|parents|mode|encoding|sep|delimiter|header|format|fmt|style|color|colour|cmap|"
    r"figsize|dpi|width|height|fontsize|size_inches|markersize|linewidth|alpha_plot|"
    r"push_to_hub|report_to|overwrite_output_dir|resume_from_checkpoint|disable_tqdm|use_best_model|"
    r"do_train|do_eval|do_predict|return_dict|return_tensors|output_attentions|output_hidden_states|"
    r"cache|enable_cache|use_cache|cache_dir|base_image|image|stack|orchestrator|"
    r"enable_progress_bar|enable_model_summary|enable_checkpointing|progress_bar|show_progress|"
    r"metric|metrics|eval_metric|scoring|monitor|direction|objective_direction|"
    r"timeout|retries|max_retries|save_total_limit|indent|axis|dim|ddof|decimals|nrows|skiprows|index_col|"
    r"usecols|chunksize|errors|how|on|left_on|right_on|ascending|keepdims|batched|num_proc|"
    r"test_size|train_size|val_size|valid_size|validation_size|validation_split|test_split|holdout_size|frac|"
    # Evaluation throughput: how many rows are scored at once changes no learned weight.
    r"(?:per_device_)?(?:eval|test|val|valid|validation|inference|predict)_batch_size|"
    r"chat_template|template|prompt|prompt_template|system_prompt)$"
    r"|(?:^|_)(?:dir|path|paths|file|filename|files|folder|root|prefix|suffix|ext|log|logs|logging|logger|"
    r"print|display|plot|plots|verbose|seed|id|name|url|uri|host|port|bucket|output|outputs|save|saves|"
    r"checkpoint|checkpoints|ckpt|every|interval|freq|frequency|steps_per_print|tqdm|wandb|mlflow|hub|"
    r"workers|threads|jobs|proc|procs|timeout|timeouts)$",
    re.IGNORECASE,
)
# A `log_every`/`save_steps` cadence or a checkpoint interval is bookkeeping, not tuning.
_CADENCE = re.compile(r"^(?:log|save|eval|print|checkpoint|ckpt|val_check|logging)_\w+$", re.IGNORECASE)

# Switches whose string or boolean value is a tuning choice: hardware, precision, kernels, the model itself.
_SWITCH = re.compile(
    r"(?:^|_)(?:device|devices|accelerator|accelerators|gpu|gpus|tpu|strategy|precision|mixed_precision|dtype|"
    r"fp16|bf16|fp8|tf32|amp|compile|flash|attention|attn_implementation|attn|gradient_checkpointing|"
    r"optimizer|optim|scheduler|lr_scheduler|lr_scheduler_type|detect_anomaly|deterministic|"
    r"model|model_name|model_name_or_path|base_model|backbone|"
    r"step_operator|instance_type|machine_type|accelerator_type|"
    r"quantization|load_in_4bit|load_in_8bit|use_peft|peft)(?:$|_)",
    re.IGNORECASE,
)
# Values that leave a switch where it stands: CPU, auto, the library default, nothing.
_NEUTRAL = frozenset({"'cpu'", "'auto'", "'default'", "'none'", "None", "False", "''"})

# Calls whose positional numbers are the settings (layer widths, a patience, a search bound).
_POSITIONAL_CALL = re.compile(
    r"^(?:[A-Z]\w*|early_stopping|suggest_int|suggest_float|suggest_uniform|suggest_loguniform|"
    r"suggest_discrete_uniform)$"
)
# Constructors whose numbers are dates, sizes or geometry rather than settings.
_NOT_SETTING_CALL = re.compile(
    r"^(?:datetime|date|time|timedelta|Timestamp|Timedelta|DateOffset|Path|PurePath|Decimal|Fraction|Counter|"
    r"Figure|Rectangle|Circle|Point|Color|RGB|Size|Tensor|LongTensor|FloatTensor|HTTPException|Response)$"
)
_SEARCH = re.compile(r"^suggest_")
# Input, output and logging calls: their keywords format or place things, they tune nothing.
_IO_CALL = re.compile(
    r"^(?:print|pprint|dump|dumps|load|loads|save|savez|savefig|open|write|read|read_\w+|to_\w+|get|post|put|sleep|"
    r"info|debug|warning|warn|error|exception|critical|log|format|round|tqdm|trange|range|head|tail|figure|"
    r"makedirs|mkdir|basicConfig|getLogger|set_page_config|slider|number_input|selectbox|text_input)$"
)
_CLI_CALLS = frozenset({"add_argument", "option", "argument"})
# A string that names a file, a place or a link is plumbing, whatever its key.
_LOCATION = re.compile(r"[/\\]|://|\.\w{2,4}$|^[\w.-]+@")

MAX_LIST_ITEMS = 16


def literal(node: libcst.BaseExpression) -> str | None:
    """One spelling per literal value (numbers normalised, strings quoted); None for anything computed."""
    number = number_from_expr(node)
    if number is not None and not isinstance(number, complex):
        return normalise_number(number)
    if isinstance(node, libcst.Name) and node.value in ("True", "False", "None"):
        return node.value
    if isinstance(node, libcst.SimpleString):
        return repr((string_value(node) or "").strip().lower())
    if isinstance(node, (libcst.List, libcst.Tuple)) and 0 < len(node.elements) <= MAX_LIST_ITEMS:
        items = [literal(element.value) for element in node.elements if isinstance(element, libcst.Element)]
        if len(items) == len(node.elements) and all(item is not None for item in items):
            return "[" + ", ".join(item for item in items if item is not None) + "]"
    return None


def data_literal(value: object) -> str | None:
    """The same spelling for a value read from YAML, TOML or JSON, so `True` and `true` are one value."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, (int, float)):
        try:
            return normalise_number(value)
        except (OverflowError, ValueError):
            return None
    if isinstance(value, str):
        return repr(value.strip().lower())
    if isinstance(value, (list, tuple)) and 0 < len(value) <= MAX_LIST_ITEMS:
        items = [data_literal(item) for item in value]
        if all(item is not None for item in items):
            return "[" + ", ".join(item for item in items if item is not None) + "]"
    return None


def is_io_call(callee: str) -> bool:
    return bool(_IO_CALL.match(_last(callee)))


def is_plumbing(name: str) -> bool:
    lowered = normalise_name(name)
    return bool(_PLUMBING.search(lowered) or _CADENCE.match(lowered))


def is_trivial_addition(value: str, strength: str | None) -> bool:
    """A new 0, -1 or 1 switches a knob off, lifts a limit or leaves it neutral;
    one epoch or a clip of 1.0 of a named hyperparameter is a choice."""
    return value in TRIVIAL_VALUES and not (value == "1" and strength == "strong")


def is_switch(name: str) -> bool:
    return bool(_SWITCH.search(normalise_name(name)))


def is_neutral(value: str) -> bool:
    return value in _NEUTRAL


def is_number(value: str) -> bool:
    return bool(value) and value[0] not in "'[" and value not in ("True", "False", "None")


# Longer strings are prose, templates or prompts, not a choice among settings.
MAX_SETTING_TEXT = 60


def is_location(value: str) -> bool:
    """A quoted path, URL or address (or a long text): where something is, not how it is tuned."""
    if not value.startswith("'"):
        return False
    text = value.strip("'")
    return bool(_LOCATION.search(text)) or len(text) > MAX_SETTING_TEXT or "\\n" in text


@dataclass(frozen=True)
class KnobSite:
    """One literal a Python file sets, with the identity it is matched to the base by."""

    name: str
    identity: str
    value: str
    node: libcst.CSTNode
    where: Where
    callee: str = ""
    note: str = ""


def _last(callee: str) -> str:
    return callee.replace("()", "").rsplit(".", 1)[-1]


def _cli_sites(node: libcst.Call) -> Iterator[KnobSite]:
    option = cli_option(node)
    if option is None:
        return
    for arg in option.defaults:
        value = literal(arg.value)
        # `store_true` with `default=False` is an opt-in flag, off unless asked for.
        if value is not None and not (option.action.startswith("store_") and value in ("True", "False")):
            yield KnobSite(option.name, normalise_name(option.name), value, arg, "cli", note=option.help)


def call_sites(node: libcst.Call, owner: str = "") -> Iterator[KnobSite]:
    """Keywords of a call, its CLI default, and the positional
    numbers of a layer, callback or search bound."""
    callee = dotted(node.func, loose=True) or ""
    last = _last(callee)
    if last in _CLI_CALLS:
        yield from _cli_sites(node)
        return
    if is_field_call(callee):
        return
    for arg in node.args:
        if arg.keyword is not None:
            value = literal(arg.value)
            if value is not None:
                name = arg.keyword.value
                yield KnobSite(name, normalise_name(name), value, arg, "kwarg", callee)
    if not _POSITIONAL_CALL.match(last) or _NOT_SETTING_CALL.match(last):
        return
    positional = [arg for arg in node.args if arg.keyword is None and not arg.star]
    qualifier = ""
    if _SEARCH.match(last) and positional and isinstance(positional[0].value, libcst.SimpleString):
        qualifier = string_value(positional[0].value) or ""
    for index, arg in enumerate(positional):
        value = literal(arg.value)
        if value is not None and is_number(value):
            name = f"{qualifier or last}[{index}]"
            identity = f"{owner}:{last}:{qualifier}[{index}]"
            yield KnobSite(name, identity, value, arg, "positional", callee)


def dict_sites(node: libcst.Dict) -> Iterator[KnobSite]:
    for element in node.elements:
        if isinstance(element, libcst.DictElement) and isinstance(element.key, libcst.SimpleString):
            name = string_value(element.key) or ""
            value = literal(element.value)
            if name and value is not None:
                yield KnobSite(name, normalise_name(name), value, element, "dict")


def assignment_sites(node: libcst.Assign | libcst.AnnAssign) -> Iterator[KnobSite]:
    value = node.value
    if value is None:
        return
    if isinstance(value, libcst.Call) and is_field_call(dotted(value.func, loose=True) or ""):
        default, _ = field_default(value)
        if default is None:
            return
        value = default
    spelled = literal(value)
    if spelled is None:
        return
    targets = [item.target for item in node.targets] if isinstance(node, libcst.Assign) else [node.target]
    for target in targets:
        name = target_name(target)
        if name:
            yield KnobSite(name, normalise_name(name), spelled, node, "assign")


def function_identity(qualified: str) -> str:
    """The identity a function is recorded under in the base, so a parameter added to it can be told from a
    parameter of a function the PR wrote."""
    return f"{qualified}()"


def param_sites(node: libcst.Param, qualified: str) -> Iterator[KnobSite]:
    """A parameter's default in `def train(lr=3e-4)`: the signature of a training function or a model is
    where many projects keep their hyperparameters. Matched to the base within its function."""
    if node.default is not None:
        value = literal(node.default)
        if value is not None:
            name = node.name.value
            yield KnobSite(name, f"{qualified}({normalise_name(name)})", value, node, "param")


def own_params(function: libcst.FunctionDef) -> Iterator[libcst.Param]:
    """The function's own parameters (a lambda's inside its body are not the function's)."""
    params = function.params
    yield from (*params.posonly_params, *params.params, *params.kwonly_params)


def owner_of(node: libcst.Assign | libcst.AnnAssign) -> str:
    """The name a call's value is stored under (`self.conv1`), so two layers of one class stay apart."""
    targets = [item.target for item in node.targets] if isinstance(node, libcst.Assign) else [node.target]
    names = [dotted(target, loose=True) for target in targets]
    return names[0] or "" if names else ""


class BaseValues(libcst.BatchableCSTVisitor):
    """The base's value of every setting, by identity: what the head is compared with."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, set[str]] = {}
        self._owners: dict[int, str] = {}
        self._scopes: list[str] = []

    def _add(self, sites: Iterator[KnobSite]) -> None:
        for site in sites:
            self.values.setdefault(site.identity, set()).add(site.value)

    def visit_Assign(self, node: libcst.Assign) -> None:
        self._owners[id(node.value)] = owner_of(node)
        self._add(assignment_sites(node))

    def visit_AnnAssign(self, node: libcst.AnnAssign) -> None:
        if node.value is not None:
            self._owners[id(node.value)] = owner_of(node)
        self._add(assignment_sites(node))

    def visit_Call(self, node: libcst.Call) -> None:
        self._add(call_sites(node, self._owners.get(id(node), "")))

    def visit_Dict(self, node: libcst.Dict) -> None:
        self._add(dict_sites(node))

    def visit_ClassDef(self, node: libcst.ClassDef) -> None:
        self._scopes.append(node.name.value)

    def leave_ClassDef(self, original_node: libcst.ClassDef) -> None:
        self._scopes.pop()

    def visit_FunctionDef(self, node: libcst.FunctionDef) -> None:
        self._scopes.append(node.name.value)
        qualified = ".".join(self._scopes)
        self.values[function_identity(qualified)] = set()
        for param in own_params(node):
            self._add(param_sites(param, qualified))

    def leave_FunctionDef(self, original_node: libcst.FunctionDef) -> None:
        self._scopes.pop()


def base_values(module: libcst.Module | None) -> dict[str, set[str]]:
    collector = BaseValues()
    if module is not None:
        Walk(module).run(visitor_hooks([collector]))  # libcst's own visit would rebuild every node
    return collector.values


Status = Literal["changed", "added", "same"]


def status_of(identity: str, value: str, base: dict[str, set[str]]) -> Status:
    old = base.get(identity)
    if old is None:
        return "added"
    return "same" if value in old else "changed"


# ---------------------------------------------------------------- comments that are now false

_MORE = re.compile(
    r"\b(?:longer|larger|bigger|more|higher|increas\w*|deeper|wider|raised?|doubled?|tripled?|extended|boost(?:ed)?|"
    r"grow|grew|up)\b",
    re.IGNORECASE,
)
_LESS = re.compile(
    r"\b(?:shorter|smaller|fewer|less|lower|reduc\w*|decreas\w*|shallower|narrower|cut|halved?|shrunk|shrink|"
    r"trimmed|down|minimal|tiny)\b",
    re.IGNORECASE,
)


def contradicts(comment: str, new: str, old_values: set[str]) -> bool:
    """A comment that says "longer" beside a value that got shorter is false, so it explains nothing."""
    if not is_number(new) or not old_values:
        return False
    olds = [float(old) for old in old_values if is_number(old)]
    if len(olds) != 1:
        return False
    change = float(new) - olds[0]
    more, less = bool(_MORE.search(comment)), bool(_LESS.search(comment))
    if more == less:
        return False
    return (more and change < 0) or (less and change > 0)
