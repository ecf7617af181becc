"""no-experiment-tracking: a training run that fits and saves
or evaluates a model without logging it anywhere."""

from __future__ import annotations

import ast
import posixpath
from collections.abc import Iterable
from typing import Any

import libcst

from rules.checks import no_experiment_tracking_examples as examples
from rules.checks.no_data_validation import toy_data
from rules.cst import code_of, keyword, string_value
from rules.dataflow import FactsRule, option_names
from rules.finding import Severity
from rules.ml_calls import data_load, model_fit
from rules.ml_names import CV_FUNCTIONS
from rules.module_facts import CallSite, EntryPoint, ModuleFacts, Scope
from rules.repo import Side
from rules.rule import register
from rules.source import FileKind
from rules.structured import parse_structured

TRACKER_LIBRARIES = (
    "mlflow",
    "wandb",
    "neptune",
    "comet_ml",
    "dvclive",
    "clearml",
    "aim",
    "sacred",
    "trackio",
    "swanlab",
    "polyaxon",
    "guild",
    "kedro_mlflow",
    "tensorboardX",
    "torch.utils.tensorboard",
    "tensorflow.summary",
    "pytorch_lightning.loggers",
    "lightning.pytorch.loggers",
    "lightning.fabric.loggers",
)
# Orchestrators that keep what each step hands on (its return value; on Metaflow, what it sets on `self`)
# as a versioned artifact of the run, comparable across runs. Prefect, whose task results are not kept by
# default, is not one of them.
ORCHESTRATOR_STEPS = (
    "zenml.step",
    "zenml.steps.step",
    "flytekit.task",
    "flytekit.dynamic",
    "metaflow.step",
    "dagster.op",
    "dagster.asset",
    "dagster.multi_asset",
    "kfp.dsl.component",
    "kfp.v2.dsl.component",
)
# Keras callbacks that write every epoch's metrics somewhere a later run can be compared with.
KERAS_LOGGERS = frozenset({"TensorBoard", "CSVLogger"})
LIGHTNING_TRAINERS = frozenset(
    {
        "pytorch_lightning.Trainer",
        "lightning.pytorch.Trainer",
        "lightning.Trainer",
        "lightning.pytorch.trainer.Trainer",
    }
)
SAVE_FUNCTIONS = frozenset(
    {
        "joblib.dump",
        "pickle.dump",
        "cloudpickle.dump",
        "dill.dump",
        "torch.save",
        "skops.io.dump",
        "onnx.save",
        "onnx.save_model",
        "safetensors.torch.save_file",
    }
)
SAVE_METHODS = frozenset(
    {"save", "save_model", "save_pretrained", "save_weights", "to_pickle", "save_checkpoint"}
)
EVALUATE_METHODS = frozenset({"score", "evaluate"})
METRIC_HELPERS = frozenset({"make_scorer", "get_scorer", "check_scoring", "get_scorer_names"})
DVC_FILES = ("dvc.yaml", "dvc.yml")
# The evaluating or saving call shown in the message, cut so that one finding stays one readable line.
MAX_SHOWN = 60


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _saves(site: CallSite) -> bool:
    if site.name in SAVE_FUNCTIONS:
        return True
    return site.method in SAVE_METHODS and not site.receiver_is_import


def _evaluates(site: CallSite) -> bool:
    name = site.name
    if _within(name, "sklearn.metrics") and site.method not in METRIC_HELPERS:
        return True
    if _within(name, "torchmetrics") or name == "evaluate.load":
        return True
    if site.method in CV_FUNCTIONS and _within(name, "sklearn.model_selection"):
        return True
    if site.method in EVALUATE_METHODS or site.method.startswith("evaluate_"):
        return not site.receiver_is_import
    return False


def _reports_somewhere(call: libcst.Call) -> bool:
    """HF `TrainingArguments` report to every installed integration unless told `report_to="none"`."""
    arg = keyword(call, "report_to")
    if arg is None:
        return True
    value = arg.value
    if isinstance(value, libcst.Name) and value.value == "None":
        return False
    if isinstance(value, (libcst.List, libcst.Tuple)) and not value.elements:
        return False
    return string_value(value) not in ("none", "")


def _tracks(site: CallSite, trackers: Iterable[str]) -> bool:
    name = site.name
    if any(_within(name, library) for library in (*TRACKER_LIBRARIES, *trackers)):
        return True
    if site.method in trackers:
        return True
    if site.method in KERAS_LOGGERS and ".callbacks." in f".{name}":
        return True
    if name in LIGHTNING_TRAINERS:
        logger = keyword(site.node, "logger")
        return logger is None or not (
            isinstance(logger.value, libcst.Name) and logger.value.value in ("False", "None")
        )
    if site.method.endswith("TrainingArguments") or (_within(name, "trl") and site.method.endswith("Config")):
        return _reports_somewhere(site.node)
    return False


def _stage_paths(value: object) -> set[str]:
    """`deps`/`outs` of a DVC stage: paths, or one-key mappings of a path to its options."""
    items = value if isinstance(value, list) else [value]
    paths: set[str] = set()
    for item in items:
        for path in item if isinstance(item, dict) else [item]:
            if isinstance(path, str) and path.strip():
                paths.add(posixpath.normpath(path.strip()))
    return paths


def _feeds(out: str, dep: str) -> bool:
    """A stage depends on an output when it names the path itself
    or a folder of it, or a file inside an output folder."""
    return out == dep or out.startswith(dep + "/") or dep.startswith(out + "/")


def _downstream(stages: list[dict[str, Any]], runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The stages that run the file and every stage that consumes, directly or not, what they output."""
    reached = list(runs)
    frontier = set().union(*(_stage_paths(stage.get("outs")) for stage in runs))
    while frontier:
        consumers = [
            stage
            for stage in stages
            if not any(stage is seen for seen in reached)
            and any(_feeds(out, dep) for out in frontier for dep in _stage_paths(stage.get("deps")))
        ]
        reached.extend(consumers)
        frontier = set().union(*(_stage_paths(stage.get("outs")) for stage in consumers))
    return reached


def _plot_paths(value: object) -> set[str]:
    """Top-level `plots`: a path, or a named plot whose `y` maps data files to fields."""
    paths: set[str] = set()
    for item in value if isinstance(value, list) else []:
        if isinstance(item, str):
            paths |= _stage_paths(item)
        elif isinstance(item, dict):
            for spec in item.values():
                y = spec.get("y") if isinstance(spec, dict) else None
                paths |= _stage_paths(list(y)) if isinstance(y, dict) else set()
    return paths


def _command(stage: dict[str, Any]) -> str:
    command = stage.get("cmd")
    return " ".join(map(str, command)) if isinstance(command, list) else str(command or "")


def _kept_by_orchestrator(scope: Scope) -> bool:
    """An evaluation inside an orchestrator's step that hands its results on: the orchestrator records them
    with the run. A nested function's returns count too: a step rarely holds one."""
    if not isinstance(scope.node, libcst.FunctionDef) or not any(
        _within(decorator, step) for decorator in scope.decorators for step in ORCHESTRATOR_STEPS
    ):
        return False
    try:
        tree = ast.parse(code_of(scope.node))
    except SyntaxError:  # grammar newer than this Python's, which libcst reads
        return False
    return any(
        (isinstance(node, ast.Return) and node.value is not None)
        or (
            isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign))
            and any(
                _on_self(target)
                for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
            )
        )
        for node in ast.walk(tree)
    )


def _on_self(target: ast.expr) -> bool:
    return (
        isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self"
    )


def _toy_run(calls: list[CallSite]) -> bool:
    """A run whose only data is a toy dataset demonstrates an API;
    no-data-validation leaves the same runs alone."""
    return any(toy_data(site) for site in calls) and not any(data_load(site) for site in calls)


@register
class NoExperimentTracking(FactsRule):
    id = "no-experiment-tracking"
    severity = Severity.MEDIUM
    title = "Training run that is not tracked"
    # A library's usage example would only get worse with an MLflow run wrapped around it.
    applies_to_examples = False

    VALID = examples.VALID
    INVALID = examples.INVALID

    def finish(self) -> None:
        facts = self.facts
        runs: list[tuple[EntryPoint, CallSite, list[CallSite]]] = []
        flagged: set[int] = set()
        for entry in facts.entry_points():
            reach = facts.reach(entry.scope)
            calls = [site for scope in reach for site in scope.calls]
            fits = [site for site in calls if model_fit(site, facts.imports)]
            outputs = [site for site in calls if _evaluates(site)] or [site for site in calls if _saves(site)]
            if not fits or not outputs:
                continue
            if (
                entry.kind == "named"
                and entry.scope.simple_name != "main"
                and not any(data_load(site) for site in calls)
            ):
                continue
            if _toy_run(calls) or all(_kept_by_orchestrator(site.scope) for site in outputs):
                continue
            fit = min(fits, key=lambda site: self.line_of(site.node))
            if id(fit.node) not in flagged:
                flagged.add(id(fit.node))
                runs.append((entry, fit, outputs))
        # Tracking is looked for only when there is a run to report: it may read dvc.yaml files from the repo.
        if runs and not self._tracked(facts, option_names(self.ctx.options, "trackers")):
            for entry, fit, outputs in runs:
                self._report(entry, fit, outputs)

    def _report(self, entry: EntryPoint, fit: CallSite, outputs: list[CallSite]) -> None:
        output = min(outputs, key=lambda site: self.line_of(site.node))
        verb = "evaluates" if _evaluates(output) else "saves"
        later = [
            site
            for site in outputs
            if site.scope is fit.scope and self.line_of(site.node) > self.line_of(fit.node)
        ]
        self.flag_span(
            fit.node,
            later[0].node if later else None,
            f"{entry.label} trains a model and {verb} it (`{self.code(output.node.func, MAX_SHOWN)}`, line "
            f"{self.ctx.file.raw_line(self.line_of(output.node))}) but logs nothing to an experiment "
            "tracker. "
            "The run's parameters, metrics and model cannot be compared with other runs or traced back to "
            "this code and data.",
            suggestion=(
                "Log parameters, metrics and the model with MLflow, W&B, DVCLive or similar (e.g. "
                "`mlflow.autolog()` before "
                "fitting); an in-house tracking wrapper can be declared under `trackers` in "
                ".github/mldebt.yml."
            ),
            key=f"{fit.scope.name}:untracked",
        )

    def _tracked(self, facts: ModuleFacts, trackers: tuple[str, ...]) -> bool:
        """Anywhere in the module: tracking set up in one helper covers every run of the file."""
        for scope in facts.scopes():
            if any(
                _within(decorator, library)
                for decorator in scope.decorators
                for library in (*TRACKER_LIBRARIES, *trackers)
            ):
                return True
            if any(_tracks(site, trackers) for site in scope.calls):
                return True
        return self._dvc_tracks_metrics()

    def _dvc_tracks_metrics(self) -> bool:
        """A DVC stage that runs this file and declares metrics or plots is how many teams track runs.

        DVC runs pipelines only in a DVC repository (one with a `.dvc/` folder),
        so the tree is searched for them only there: elsewhere this costs one
        small folder listing, whatever the size of the repository.
        """
        repo = self.ctx.repo
        side: Side = "base" if self.ctx.version == "base" else "head"
        if not repo.list_dir(".dvc", side):
            return False
        return any(self._runs_with_metrics(candidate, side) for candidate in sorted(repo.list_paths(side)))

    def _runs_with_metrics(self, candidate: str, side: Side) -> bool:
        """Whether `candidate` is a DVC pipeline where the stage that runs this file,
        or one downstream of it, declares metrics or plots.

        DVC's own layout splits the two: `train` declares params and outs, and an
        `evaluate` stage that consumes the model writes the metrics.
        """
        if posixpath.basename(candidate) not in DVC_FILES:
            return False
        path = self.ctx.file.path
        text = self.ctx.repo.read_text(candidate, side)
        if text is None:
            return False
        document, _ = parse_structured(FileKind.YAML, text)
        stages = document.get("stages") if isinstance(document, dict) else None
        if not isinstance(stages, dict):
            return False
        folder = posixpath.dirname(candidate)
        names = {
            path,
            path.removesuffix(".py").replace("/", "."),
            path.removeprefix(folder + "/" if folder else ""),
        }
        pipeline = [stage for stage in stages.values() if isinstance(stage, dict)]
        runs = [stage for stage in pipeline if any(name and name in _command(stage) for name in names)]
        reached = _downstream(pipeline, runs)
        if any(stage.get("metrics") or stage.get("plots") for stage in reached):
            return True
        # DVC 3 and DVCLive declare them at the top level, as files some stage outputs.
        outputs = set().union(*(_stage_paths(stage.get("outs")) for stage in reached))
        declared = _stage_paths(document.get("metrics")) | _plot_paths(document.get("plots"))
        return any(_feeds(out, path) for out in outputs for path in declared)
