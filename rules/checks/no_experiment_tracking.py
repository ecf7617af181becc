"""no-experiment-tracking: a training run that fits and saves
or evaluates a model without logging it anywhere."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from typing import Any

import libcst

from rules.checks.no_data_validation import toy_data
from rules.cst import keyword, string_value
from rules.dataflow import FactsRule, data_load, model_fit, option_names
from rules.finding import Severity
from rules.ml_names import CV_FUNCTIONS
from rules.module_facts import CallSite, EntryPoint, ModuleFacts
from rules.repo import Side
from rules.rule import Case, register
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


def _toy_run(calls: list[CallSite]) -> bool:
    """A run whose only data is a toy dataset demonstrates an API;
    no-data-validation leaves the same runs alone."""
    return any(toy_data(site) for site in calls) and not any(data_load(site) for site in calls)


# DVC's get-started layout: a train stage that reads params and writes the model;
# cases add what runs after it.
DVC_TRAIN_SCRIPT = (
    "import pickle\nimport sys\n\nimport yaml\nfrom sklearn.ensemble import RandomForestClassifier\n\n"
    "params = yaml.safe_load(open('params.yaml'))['train']\nwith open(sys.argv[1], 'rb') as fd:\n"
    "    x, labels = pickle.load(fd)\n"
    "clf = RandomForestClassifier(n_estimators=params['n_est'])\nclf.fit(x, labels)\n"
    "with open(sys.argv[2], 'wb') as fd:\n    pickle.dump(clf, fd)\n"
)
DVC_TRAIN_STAGE = (
    "stages:\n  train:\n    cmd: python src/train.py data/features model.pkl\n"
    "    deps: [data/features, src/train.py]\n    params: [train.n_est]\n    outs: [model.pkl]\n"
)


@register
class NoExperimentTracking(FactsRule):
    id = "no-experiment-tracking"
    severity = Severity.MEDIUM
    title = "Training run that is not tracked"
    # A library's usage example would only get worse with an MLflow run wrapped around it.
    applies_to_examples = False

    VALID = [
        # MLflow autologging covers params, metrics and the model.
        Case(
            "import mlflow\nimport pandas as pd\nfrom sklearn.ensemble import RandomForestClassifier\n"
            "from sklearn.metrics import f1_score\n\n"
            "def main():\n    mlflow.sklearn.autolog()\n    df = pd.read_csv('data/train.csv')\n"
            "    model = RandomForestClassifier().fit(df[['x']], df['y'])\n"
            "    print(f1_score(df['y'], model.predict(df[['x']])))\n\n"
            "if __name__ == '__main__':\n    main()\n"
        ),
        # W&B in a torch loop, logging from a helper.
        Case(
            "import torch\nimport wandb\n\ndef log(metrics):\n    wandb.log(metrics)\n\n"
            "def train(cfg):\n    wandb.init(project='ranker', config=cfg)\n"
            "    optimizer = torch.optim.AdamW(net.parameters())\n"
            "    for batch in loader:\n        loss = net(batch).mean()\n        loss.backward()\n"
            "        optimizer.step()\n        log({'loss': loss.item()})\n"
            "    torch.save(net.state_dict(), 'net.pt')\n"
        ),
        # An in-house tracker declared in the repo config.
        Case(
            "import joblib\nfrom sklearn.linear_model import LogisticRegression\n"
            "from acme.runs import record_run\n\n"
            "if __name__ == '__main__':\n    model = LogisticRegression().fit(X, y)\n"
            "    record_run(model, params={'C': 1.0})\n"
            "    joblib.dump(model, 'model.joblib')\n",
            config="trackers: [acme.runs]\n",
        ),
        # A DVC stage runs this script and tracks the metrics file it writes.
        Case(
            {
                "src/train.py": "import json\nimport joblib\nfrom sklearn.metrics import accuracy_score\n\n"
                "if __name__ == '__main__':\n    model = clf.fit(X_train, y_train)\n"
                "    json.dump({'acc': accuracy_score(y_test, model.predict(X_test))}, open('metrics.json', "
                "'w'))\n"
                "    joblib.dump(model, 'model.joblib')\n",
                "dvc.yaml": "stages:\n  train:\n    cmd: python src/train.py\n    deps: [src/train.py]\n"
                "    outs: [model.joblib]\n"
                "    metrics:\n      - metrics.json:\n          cache: false\n",
                ".dvc/config": "",
            }
        ),
        # DVC's own layout: `train` declares params and outs,
        # and the `evaluate` stage consuming the model declares the metrics.
        Case(
            {
                "src/train.py": DVC_TRAIN_SCRIPT,
                "dvc.yaml": DVC_TRAIN_STAGE
                + "  evaluate:\n    cmd: python src/evaluate.py model.pkl data/features\n"
                "    deps: [model.pkl, src/evaluate.py]\n"
                "    metrics:\n    - eval/metrics.json:\n        cache: false\n",
                ".dvc/config": "[core]\n    remote = storage\n",
            }
        ),
        # A toy dataset is a demo: no-data-validation leaves the same run alone.
        Case(
            "from sklearn.datasets import load_iris\nfrom sklearn.linear_model import LogisticRegression\n"
            "from sklearn.metrics import accuracy_score\n"
            "from sklearn.model_selection import train_test_split\n\n"
            "X, y = load_iris(return_X_y=True)\n"
            "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)\n"
            "clf = LogisticRegression().fit(X_train, y_train)\n"
            "print(accuracy_score(y_test, clf.predict(X_test)))\n",
            path="demo.py",
        ),
        # A library's usage example (LightGBM's examples/python-guide).
        Case(
            "import lightgbm as lgb\nimport pandas as pd\nfrom sklearn.metrics import mean_squared_error\n\n"
            "df_train = pd.read_csv('../regression/regression.train', header=None, sep='\\t')\n"
            "X, y = df_train.drop(0, axis=1), df_train[0]\n"
            "gbm = lgb.train({'objective': 'regression'}, lgb.Dataset(X, y), num_boost_round=100)\n"
            "print(mean_squared_error(y, gbm.predict(X)))\n",
            path="examples/python-guide/simple_example.py",
        ),
        # Lightning's Trainer logs to TensorBoard/CSV by default;
        # HF Trainer reports to installed integrations.
        Case(
            "import lightning.pytorch as pl\n\ndef main():\n    trainer = pl.Trainer(max_epochs=5)\n"
            "    trainer.fit(model, datamodule=dm)\n"
            "    trainer.save_checkpoint('final.ckpt')\n"
        ),
        Case(
            "from transformers import Trainer, TrainingArguments\n\ndef train():\n"
            "    args = TrainingArguments(output_dir='out', report_to='wandb')\n"
            "    trainer = Trainer(model=model, args=args, train_dataset=ds)\n"
            "    trainer.train()\n    trainer.save_model('out/final')\n"
        ),
        # A library helper: fits and scores, but loads nothing; the caller owns the run.
        Case(
            "from sklearn.metrics import roc_auc_score\n\n"
            "def train_and_score(model, X_train, y_train, X_val, y_val):\n"
            "    model.fit(X_train, y_train)\n"
            "    return roc_auc_score(y_val, model.predict_proba(X_val)[:, 1])\n",
            path="src/modeling.py",
        ),
        # A scaler fit and saved is preprocessing, not a training run; keras TensorBoard callback tracks.
        Case(
            "import joblib\nfrom sklearn.preprocessing import StandardScaler\n\nif __name__ == '__main__':\n"
            "    joblib.dump(StandardScaler().fit(X), 'scaler.joblib')\n"
        ),
        Case(
            "import tensorflow as tf\n\ndef main():\n"
            "    model.fit(x, y, epochs=3, callbacks=[tf.keras.callbacks.TensorBoard('logs')])\n"
            "    model.save('model.keras')\n"
        ),
    ]
    INVALID = [
        Case(
            "import joblib\nimport pandas as pd\nfrom sklearn.ensemble import GradientBoostingClassifier\n"
            "from sklearn.metrics import roc_auc_score\n\n"
            "def main():\n    df = pd.read_parquet('data/train.parquet')\n"
            "    model = GradientBoostingClassifier()\n"
            "    model.fit(df.drop(columns='y'), df['y'])\n"
            "    print(roc_auc_score(df['y'], model.predict_proba(df.drop(columns='y'))[:, 1]))\n"
            "    joblib.dump(model, 'model.joblib')\n\n"
            "if __name__ == '__main__':\n    main()\n",
            lines=(9,),
        ),
        # Torch loop saving a checkpoint, run from a Click command.
        Case(
            "import click\nimport torch\n\n@click.command()\n@click.option('--epochs', default=10)\n"
            "def cli(epochs):\n"
            "    optimizer = torch.optim.SGD(net.parameters(), lr=0.1)\n    for _ in range(epochs):\n"
            "        for xb, yb in loader:\n            optimizer.zero_grad()\n"
            "            loss_fn(net(xb), yb).backward()\n"
            "            optimizer.step()\n    torch.save(net.state_dict(), 'net.pt')\n",
            lines=(12,),
        ),
        # xgboost with a Hydra entry point; evaluation through the booster.
        Case(
            "import hydra\nimport xgboost as xgb\nfrom sklearn.metrics import mean_absolute_error\n\n"
            "@hydra.main(config_path='conf', config_name='train', version_base=None)\ndef run(cfg):\n"
            "    booster = xgb.train(dict(cfg.params), dtrain, num_boost_round=cfg.rounds)\n"
            "    print(mean_absolute_error(y_val, booster.predict(dval)))\n",
            lines=(7,),
        ),
        # HF Trainer told explicitly not to report anywhere.
        Case(
            "from transformers import Trainer, TrainingArguments\n\nif __name__ == '__main__':\n"
            "    args = TrainingArguments(output_dir='out', report_to='none')\n"
            "    trainer = Trainer(model=model, args=args, train_dataset=ds)\n"
            "    trainer.train()\n    trainer.evaluate()\n",
            lines=(6,),
        ),
        # The stage with metrics evaluates another model, not what the train stage outputs.
        Case(
            {
                "src/train.py": DVC_TRAIN_SCRIPT,
                "dvc.yaml": DVC_TRAIN_STAGE + "  baseline:\n    cmd: python src/baseline.py data/features\n"
                "    deps: [data/features, src/baseline.py]\n"
                "    metrics:\n    - eval/baseline.json:\n        cache: false\n",
                ".dvc/config": "[core]\n    remote = storage\n",
            },
            path="src/train.py",
            lines=(11,),
        ),
        # `load_svmlight_file` reads the team's own file,
        # and toy data beside the team's own data is not a demo.
        Case(
            "from sklearn.datasets import load_svmlight_file\n"
            "from sklearn.linear_model import LogisticRegression\n"
            "from sklearn.metrics import roc_auc_score\n\nif __name__ == '__main__':\n"
            "    X, y = load_svmlight_file('data/clicks.svm')\n"
            "    clf = LogisticRegression().fit(X, y)\n"
            "    print(roc_auc_score(y, clf.predict_proba(X)[:, 1]))\n",
            lines=(7,),
        ),
        Case(
            "import pandas as pd\nfrom sklearn.datasets import make_classification\n"
            "from sklearn.linear_model import LogisticRegression\n\n"
            "if __name__ == '__main__':\n    X_toy, y_toy = make_classification(n_samples=100)\n"
            "    df = pd.read_parquet('data/train.parquet')\n"
            "    clf = LogisticRegression().fit(df[['x']], df['y'])\n"
            "    print(clf.score(df[['x']], df['y']))\n",
            lines=(8,),
        ),
        # A tracker imported but never called does not track anything.
        Case(
            "import mlflow  # noqa: F401\nfrom sklearn.linear_model import Ridge\n\n"
            "if __name__ == '__main__':\n    model = Ridge().fit(X, y)\n"
            "    print(model.score(X_test, y_test))\n",
            lines=(5,),
        ),
    ]

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
            if _toy_run(calls):
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
