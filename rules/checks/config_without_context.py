"""config-without-context: a hyperparameter or threshold the PR sets with no word on how it was chosen."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import libcst

from rules.cst import body_of, docstring_of, string_value
from rules.finding import Finding, Severity
from rules.knobs import (
    KnobSite,
    Status,
    assignment_sites,
    base_values,
    call_sites,
    dict_sites,
    is_io_call,
    is_location,
    is_neutral,
    is_number,
    is_plumbing,
    is_switch,
    is_trivial_addition,
    owner_of,
    status_of,
)
from rules.pr_body import section_names, tuning_section
from rules.pyutil import HybridRule, is_ml_code, line_comment, numbered_block_above, paragraph_comments
from rules.rule import Case, FileContext, register
from rules.source import FileKind
from rules.tuning import is_default, normalise_name, strength_of
from rules.tuning_configs import is_config_path, unexplained_settings
from rules.tuning_sites import PySite, candidate_configs, is_throughput, is_tuning_call, sites_in
from rules.tuning_verdict import UNPLACED, Evidence, Unexplained, judge

RULE_ID = "config-without-context"
CONFIG_KINDS = frozenset({FileKind.YAML, FileKind.TOML, FileKind.JSON})
# Identifiers are echoed in messages; anything longer is cut so a hostile key cannot flood a comment.
MAX_NAME_IN_MESSAGE = 60
# A call such as `XGBClassifier(max_depth=6, n_estimators=800, ...)` is one finding;
# its message names this many.
MAX_VALUES_IN_MESSAGE = 4

SUGGESTION = (
    "Say how, when or on what data it was chosen, on the line or just above "
    "(`# Optuna study 42, 2024-03-01, data v3`), "
    "or name it under a `## Tuning context` heading in the PR description."
)

# In plotting code a variable called `alpha` is a transparency.
_PLOT_IMPORT = re.compile(
    r"^[ \t]*(?:import|from)[ \t]+(?:matplotlib|seaborn|plotly|bokeh|altair)\b", re.MULTILINE
)
# Constructors of estimators, optimizers, trainers and their option objects:
# a keyword added to one is a setting.
_CONSTRUCTOR = re.compile(r"^[A-Z]\w*$|^(?:train|fit|optimize|create_study|compile)$")


def _code(text: str) -> str:
    """An identifier or value, safe to show inside backticks."""
    clean = text.replace("`", "'").replace("\n", " ")
    return clean if len(clean) <= MAX_NAME_IN_MESSAGE else clean[: MAX_NAME_IN_MESSAGE - 1] + "…"


def _message(items: Sequence[Unexplained]) -> str:
    shown = [f"`{_code(item.name)}={_code(item.value)}`" for item in items[:MAX_VALUES_IN_MESSAGE]]
    if len(items) > MAX_VALUES_IN_MESSAGE:
        shown.append(f"{len(items) - MAX_VALUES_IN_MESSAGE} more")
    listed = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
    verb = "is" if len(items) == 1 else "are"
    stale = [item for item in items if item.stale]
    if stale and len(stale) == len(items):
        return (
            f"{listed} {verb} set, but the comment beside it still describes the previous value; "
            "nothing records how the new one was chosen."
        )
    text = (
        f"{listed} {verb} set with no tuning context; a reader cannot tell how, "
        f"when or on what data {'it was' if len(items) == 1 else 'they were'} chosen."
    )
    if stale:
        text += f" The comment beside `{_code(stale[0].name)}` still describes its previous value."
    return text


def _key(items: Iterable[Unexplained]) -> str:
    """Name and parsed value: `1e-3` and `0.001` are the same setting, wherever the line moves."""
    return ";".join(sorted(f"{normalise_name(item.name)}={item.value}" for item in items))


def _added(head: str, path: str = "train.py") -> Case:
    """The PR writes these lines into a file that held only its first line:
    a brand-new file is never a re-tuning."""
    return Case(head, base={path: head.splitlines()[0] + "\n"}, path=path)


@register
class ConfigWithoutContext(HybridRule):
    id = RULE_ID
    severity = Severity.HIGH
    title = "Tuned value without tuning context"
    kinds = frozenset({FileKind.PYTHON}) | CONFIG_KINDS
    # A library's usage example shows where a knob goes; its value is illustration, not a tuning decision.
    applies_to_examples = False

    VALID = [
        # A tuned value whose comment says how and on what data it was chosen.
        _added(
            "import numpy as np\n\n"
            "THRESHOLD = 0.73  # calibrated for 1% FPR on the 2024-Q1 holdout, run 7f3a2c\n",
            path="fraud/model.py",
        ),
        # Plotting calls: alpha, figsize and linewidth are looks, not hyperparameters.
        _added(
            "import numpy as np\nimport matplotlib.pyplot as plt\nimport seaborn as sns\n\n"
            "fig, ax = plt.subplots(figsize=(8, 4))\nax.scatter(x, y, alpha=0.5, s=4)\n"
            "plt.plot(x, y, alpha=0.3, linewidth=2)\n"
            "sns.histplot(df.score, alpha=0.4, bins=40)\ndf.plot(kind='hist', alpha=0.5)\n",
            path="notebooks/eda.py",
        ),
        # A re-spelled value (3e-4 -> 0.0003), a moved line and an edited comment are not changes.
        Case(
            "import torch\n\nEPOCHS = 20  # early-stopped on val loss, run 311\n"
            "LR = 0.0003  # LR range test, 2024-02-10\n",
            base={
                "train.py": "import torch\n\nLR = 3e-4  # LR range test 2024-02-10\n"
                "EPOCHS = 20  # early-stopped on val loss, run 311\n"
            },
        ),
        # Web client plumbing is not ML tuning.
        _added(
            "import requests\n\nTIMEOUT = 30\nMAX_RETRIES = 5\nthreshold = 3\n\n"
            "requests.get(url, timeout=TIMEOUT)\n",
            path="app/client.py",
        ),
        # Seeds, split fractions, worker counts and search spaces are not tuned values.
        _added(
            "from sklearn.model_selection import GridSearchCV, train_test_split\n\n"
            "X_tr, X_te = train_test_split(X, test_size=0.2, random_state=42)\n"
            "grid = GridSearchCV(model, {'C': [0.1, 1, 10], 'max_depth': [3, 5]}, n_jobs=-1, cv=5)\n"
            "lr = trial.suggest_float('lr', 1e-5, 1e-1, log=True)\n"
        ),
        # The config file's own header says where its values came from.
        Case(
            "# Values from Optuna study fraud-v3 (2024-05-02), trained on data v7.\ntrain:\n  lr: 0.0003\n"
            "  epochs: 12\n  dropout: 0.1\n",
            base={"params.yaml": "train:\n  lr: 0.001\n  epochs: 30\n"},
            path="params.yaml",
        ),
        # The PR description's Tuning context section names the parameter.
        Case(
            "from xgboost import XGBClassifier\n\nmodel = XGBClassifier(max_depth=6, n_estimators=400)\n",
            base={
                "train.py": "from xgboost import XGBClassifier\n\n"
                "model = XGBClassifier(max_depth=4, n_estimators=400)  # 5-fold CV, 2023-11\n"
            },
            pr_body="Raise depth.\n\n## Tuning context\nmax_depth and n_estimators: 5-fold CV on data v12, "
            "W&B sweep https://wandb.ai/acme/fraud/sweeps/abc\n",
        ),
        # Generated and tooling files are not ML configs even when they hold numbers.
        Case(
            {
                "dvc.lock": "stages:\n  train:\n    params:\n      params.yaml:\n        lr: 0.01\n",
                ".pre-commit-config.yaml": "repos:\n- repo: x\n  rev: v1\n",
                "package.json": '{"version": "1.0.0", "threshold": 3}',
                ".github/workflows/ci.yml": "jobs:\n  test:\n    timeout-minutes: 30\n    env:\n"
                "      EPOCHS: 1\n",
                "docker-compose.yml": "services:\n  app:\n    deploy:\n      replicas: 2\n",
            }
        ),
        # A dataclass docstring that records the sweep covers its fields.
        _added(
            "from dataclasses import dataclass\n\n\n@dataclass\nclass TrainConfig:\n"
            '    """Defaults from the W&B sweep acme/ranker/sweeps/k2 (2024-06-01)."""\n\n'
            "    learning_rate: float = 3e-4\n    weight_decay: float = 0.01\n    batch_size: int = 64\n",
            path="ranker/config.py",
        ),
        # Hugging Face's own defaults spelled out (8 per device, 3 epochs) are not a tuning decision.
        _added(
            "from transformers import Trainer, TrainingArguments\n\nargs = TrainingArguments(\n"
            '    output_dir="out",\n'
            "    per_device_train_batch_size=8,\n    num_train_epochs=3,\n)\n",
        ),
        # A comment that gives the reason or the derivation is the context a reviewer wants (nanoGPT).
        _added(
            "learning_rate = 1e-3\nmin_lr = 1e-4  # learning_rate / 10 usually\n"
            "beta2 = 0.99  # make a bit bigger because number of tokens per iter is small\n",
            path="config/train_char.py",
        ),
        # A library's usage example (LightGBM's examples/python-guide)
        # illustrates parameters; it does not tune them.
        _added(
            "import lightgbm as lgb\n\n"
            "params = {'objective': 'regression', 'learning_rate': 0.05, 'feature_fraction': 0.9}\n"
            "gbm = lgb.train(params, train_set, num_boost_round=100)\n",
            path="examples/python-guide/simple_example.py",
        ),
        # A list of candidate configs is a search grid, not a chosen
        # setting (cepdnaclk light_gbm.py), in either spelling.
        _added(
            "lgbm_parameters = [\n    {'num_leaves': 100, 'learning_rate': 0.05, 'max_depth': 10},\n"
            "    {'num_leaves': 200, 'learning_rate': 0.01, 'max_depth': 20},\n]\n"
            "CANDIDATES = (\n    dict(n_estimators=300, subsample=0.8),\n"
            "    dict(n_estimators=600, subsample=0.7),\n)\n",
            path="model_parameters/light_gbm.py",
        ),
        # A brand-new script or config starts somewhere: its initial values are not a re-tuning.
        Case(
            "import torch\n\nEPOCHS = 40\nopt = torch.optim.SGD(params, lr=0.05, momentum=0.8)\n",
            path="trainers/fresh.py",
        ),
        # A key renamed with its value kept, a seed, a logging switch and an output path are not tuning.
        Case(
            "train:\n  accumulation_steps: 2\n  seed: 7\n  log_every: 50\n  verbose: true\n"
            "  out_dir: runs/b\n",
            base={
                "configs/base.yaml": "train:\n  grad_acc: 2\n  seed: 3\n  log_every: 10\n  verbose: false\n"
                "  out_dir: runs/a\n"
            },
            path="configs/base.yaml",
        ),
        # A reason written with the change: a purpose, a source, or an equation heading the group it derives.
        Case(
            "optim:\n  # 4 GPUs x 8 per device x 2 accumulation = 64 sequences per step\n  per_gpu_batch: 8\n"
            "  accumulation: 2\n"
            "  context_len: 1024  # to fit a 24 GB card\n"
            "  rope_base: 500000  # per Acme-LM tech report, section 3\n",
            base={
                "configs/lm.yaml": "optim:\n  per_gpu_batch: 16\n  accumulation: 1\n  context_len: 2048\n"
                "  rope_base: 10000\n"
            },
            path="configs/lm.yaml",
        ),
        # Going back to a library default, and a merge strategy in feature code, re-tune nothing.
        Case(
            "import pandas as pd\nimport torch\n\nopt = torch.optim.Adam(params, betas=(0.9, 0.999))\n"
            "merged = left.merge(right, how='inner')\n",
            base={
                "train.py": "import pandas as pd\nimport torch\n\n"
                "opt = torch.optim.Adam(params, betas=(0.9, 0.95))\nmerged = left.merge(right, how='left')\n"
            },
        ),
        # Evaluation throughput, a key re-spelled with dashes, a prompt template,
        # an emptied path and the name of a new target column re-tune nothing.
        Case(
            "use_fused_adam: true\nper_device_eval_batch_size: 4\n"
            "chat_template: '{% for m in messages %}{{ m.role }}: {{ m.content }}{% endfor %}'\n"
            "data_source:\ntarget_column: churned\n",
            base={
                "recipes/sft.yaml": "use-fused-adam: true\nper_device_eval_batch_size: 16\n"
                "data_source: s3://bucket/train\n"
            },
            path="recipes/sft.yaml",
        ),
    ]
    INVALID = [
        # One dict of params, a one-entry list and a per-stage
        # schedule are each a configuration someone chose.
        Case(
            "import lightgbm as lgb\n\nparams = {'num_leaves': 100, 'learning_rate': 0.05}\n"
            "configs = [{'num_leaves': 200, 'learning_rate': 0.02}]\n"
            "lr_schedule = [{'epochs': 10, 'lr': 0.01}, {'epochs': 5, 'lr': 0.002}]\n",
            base={"model_parameters/light_gbm.py": "import lightgbm as lgb\n"},
            path="model_parameters/light_gbm.py",
            lines=(3, 4, 5),
        ),
        # Only whole example folders are skipped: `examples_loader/` is production code.
        Case(
            "from sklearn.linear_model import LogisticRegression\n\nTHRESHOLD = 0.73\n",
            base={"src/examples_loader/model.py": "from sklearn.linear_model import LogisticRegression\n"},
            path="src/examples_loader/model.py",
            lines=(3,),
        ),
        Case(
            "from sklearn.linear_model import LogisticRegression\n\nTHRESHOLD = 0.73\n",
            base={
                "fraud/model.py": "from sklearn.linear_model import LogisticRegression\n\nTHRESHOLD = 0.5\n"
            },
            path="fraud/model.py",
            lines=(3,),
        ),
        Case(
            "import xgboost as xgb\n\nmodel = xgb.XGBClassifier(\n    n_estimators=500,\n"
            "    learning_rate=0.05,\n    max_depth=6,\n)\n",
            base={
                "train.py": "import xgboost as xgb\n\nmodel = xgb.XGBClassifier(\n    n_estimators=500,\n"
                "    learning_rate=0.1,\n    max_depth=6,\n)\n"
            },
            lines=(5,),
        ),
        # The value changed but the comment still quotes the old one: stale, not context.
        Case(
            "train:\n  lr: 0.0003  # Optuna sweep 2024-01-12 picked 0.001\n"
            "  epochs: 10  # early stopping on val, run 88\n",
            base={
                "params.yaml": "train:\n  lr: 0.001  # Optuna sweep 2024-01-12 picked 0.001\n"
                "  epochs: 10  # early stopping on val, run 88\n"
            },
            path="params.yaml",
            lines=(2,),
        ),
        Case(
            "import torch\n\nLR = 0.02  # chosen by grid search on val, 0.01 was best\n",
            base={"train.py": "import torch\n\nLR = 0.01  # chosen by grid search on val, 0.01 was best\n"},
            lines=(3,),
        ),
        Case(
            "from pydantic import BaseModel, Field\n\n\nclass Train(BaseModel):\n"
            "    dropout: float = Field(0.3, description='dropout rate')\n    epochs: int = 30\n",
            base={
                "ranker/settings.py": "from pydantic import BaseModel, Field\n\n\nclass Train(BaseModel):\n"
                "    dropout: float = 0.1\n"
            },
            path="ranker/settings.py",
            lines=(5, 6),
        ),
        # In a config tree every value is a knob, whatever it is called;
        # off, zero and another string are changes too.
        Case(
            "model:\n  _target_: src.models.Ranker\n  hidden_size: 256\n  tower_depth: 4\n  dropout: 0\n"
            "  accelerator: cpu\n",
            base={
                "conf/model/ranker.yaml": "model:\n  _target_: src.models.Ranker\n  hidden_size: 128\n"
                "  tower_depth: 2\n  dropout: 0.2\n  accelerator: gpu\n"
            },
            path="conf/model/ranker.yaml",
            lines=(3, 4, 5, 6),
        ),
        # A setting added to an existing config is a tuning decision too.
        Case(
            "[train]\nlearning_rate = 0.01\nbatch_size = 128  # batch size\nlookback_days = 45\n",
            base={"hparams.toml": "[train]\nlearning_rate = 0.02\n"},
            path="hparams.toml",
            lines=(2, 3, 4),
        ),
        Case(
            '{\n  "model": {"max_depth": 8, "leaf_floor": 12},\n  "learning_rate": 0.2\n}\n',
            base={
                "configs/xgb.json": '{\n  "model": {"max_depth": 6, "leaf_floor": 12},\n'
                '  "learning_rate": 0.1\n}\n'
            },
            path="configs/xgb.json",
            lines=(2, 3),
        ),
        # CLI defaults of a training script, a string switched included: the default is what every run uses.
        Case(
            "import argparse\n\nparser = argparse.ArgumentParser()\n"
            "parser.add_argument('--lr', type=float, default=3e-4, help='learning rate')\n"
            "parser.add_argument('--estimator', default='forest')\n",
            base={
                "scripts/train_ranker.py": "import argparse\n\nparser = argparse.ArgumentParser()\n"
                "parser.add_argument('--estimator', default='linear')\n"
            },
            path="scripts/train_ranker.py",
            lines=(4, 5),
        ),
        # A comment that only names the knob gives no reason, and 2e-5 is not TrainingArguments' default.
        Case(
            "from transformers import TrainingArguments\n\nmin_lr = 1e-4  # minimum learning rate\n"
            'args = TrainingArguments(\n    output_dir="out",\n    learning_rate=2e-5,\n'
            "    num_train_epochs=10,\n)\n",
            base={"train.py": "from transformers import TrainingArguments\n"},
            lines=(3, 6, 7),
        ),
        # Knobs recognised by place: a splitter's fold count,
        # a solver budget, layer widths, a params dict's new key.
        Case(
            "import torch.nn as nn\nfrom sklearn.model_selection import KFold\n\n"
            "folds = KFold(n_splits=10)\nopts = AnnealOptions(max_sweeps=400)\n\n\nclass Net(nn.Module):\n"
            "    def __init__(self):\n        self.conv = nn.Conv2d(1, 32, 3)\n"
            "        self.head = nn.Linear(128, 10)\n\n\n"
            "booster_params = {'leaf_estimation_iterations': 7, 'border_count': 64}\n",
            base={
                "train.py": "import torch.nn as nn\nfrom sklearn.model_selection import KFold\n\n"
                "folds = KFold(n_splits=5)\nopts = AnnealOptions(max_sweeps=90000)\n\n\n"
                "class Net(nn.Module):\n"
                "    def __init__(self):\n        self.conv = nn.Conv2d(1, 16, 3)\n"
                "        self.head = nn.Linear(128, 10)\n\n\n"
                "booster_params = {'border_count': 64}\n"
            },
            lines=(4, 5, 10, 14),
        ),
        # A comment that is now false ("longer" beside a window that got shorter) explains nothing.
        Case(
            "forecast:\n  window: 7  # longer history for the seasonal pattern\n",
            base={"configs/forecast.yaml": "forecast:\n  window: 28\n"},
            path="configs/forecast.yaml",
            lines=(2,),
        ),
        # The link above the dict was written for the values the PR replaced.
        Case(
            "import lightgbm as lgb\n\n# from https://example.org/notebooks/lgbm-baseline\nparams = {\n"
            "    'num_leaves': 48,\n    'min_sum_hessian': 0.3,\n}\n",
            base={
                "train.py": "import lightgbm as lgb\n\n# from https://example.org/notebooks/lgbm-baseline\n"
                "params = {\n    'num_leaves': 96,\n}\n"
            },
            lines=(5, 6),
        ),
    ]

    # ------------------------------------------------------------------ Python

    def may_find(self) -> bool:
        """The initial values of a brand-new file are not a tuning
        change (a copy is pipeline-jungle's business)."""
        return not is_new_file(self.ctx)

    def visit_Module(self, node: libcst.Module) -> None:
        file = self.ctx.file
        self._ml = is_ml_code(file.path, file.text)
        self._config_module = is_config_path(file.path)
        self._plots = bool(_PLOT_IMPORT.search(file.text))
        self._docs: list[libcst.Module | libcst.ClassDef | libcst.FunctionDef] = [node]
        self._statements: list[int] = []
        self._section = tuning_section(self.ctx.pr_body)
        self._strong_seen = False
        self._docstrings: dict[int, tuple[int, str]] = {}
        self._unexplained: dict[int, dict[str, tuple[libcst.CSTNode, Unexplained]]] = {}
        self._pending: list[
            tuple[PySite, list[libcst.Module | libcst.ClassDef | libcst.FunctionDef], int | None]
        ] = []
        self._candidates: set[int] = set()
        self._in_candidate = 0
        self._owners: dict[int, str] = {}
        self._compared = self.ctx.version == "head" and self.ctx.counterpart is not None
        self._base: dict[str, set[str]] | None = None

    def visit_ClassDef(self, node: libcst.ClassDef) -> None:
        self._docs.append(node)

    def leave_ClassDef(self, original_node: libcst.ClassDef) -> None:
        self._docs.pop()

    def visit_FunctionDef(self, node: libcst.FunctionDef) -> None:
        self._docs.append(node)

    def leave_FunctionDef(self, original_node: libcst.FunctionDef) -> None:
        self._docs.pop()

    def visit_SimpleStatementLine(self, node: libcst.SimpleStatementLine) -> None:
        self._statements.append(self.position(node)[0])

    def leave_SimpleStatementLine(self, original_node: libcst.SimpleStatementLine) -> None:
        self._statements.pop()

    def visit_Assign(self, node: libcst.Assign) -> None:
        self._assignment(node)

    def visit_AnnAssign(self, node: libcst.AnnAssign) -> None:
        self._assignment(node)

    def _assignment(self, node: libcst.Assign | libcst.AnnAssign) -> None:
        if node.value is not None:
            self._owners[id(node.value)] = owner_of(node)
        self._remember_candidates(node)
        self._check_sites(node)
        self._check_changes(assignment_sites(node))

    def visit_Call(self, node: libcst.Call) -> None:
        self._enter_candidate(node)
        self._check_sites(node)
        self._check_changes(call_sites(node, self._owners.get(id(node), "")))

    def leave_Call(self, original_node: libcst.Call) -> None:
        self._leave_candidate(original_node)

    def visit_Dict(self, node: libcst.Dict) -> None:
        self._enter_candidate(node)
        self._check_sites(node)
        self._check_changes(dict_sites(node))

    def leave_Dict(self, original_node: libcst.Dict) -> None:
        self._leave_candidate(original_node)

    def _remember_candidates(self, node: libcst.Assign | libcst.AnnAssign) -> None:
        """A grid of candidate configs is a search space:
        nothing inside one of its entries is a chosen value."""
        self._candidates.update(id(element) for element in candidate_configs(node))

    def _enter_candidate(self, node: libcst.CSTNode) -> None:
        if id(node) in self._candidates:
            self._in_candidate += 1

    def _leave_candidate(self, node: libcst.CSTNode) -> None:
        if id(node) in self._candidates:
            self._in_candidate -= 1

    def _check_sites(self, node: libcst.CSTNode) -> None:
        """Settings recognised by name: reported as debt wherever they lack context."""
        if self._in_candidate:
            return
        for site in sites_in(node):
            if self._plots and not isinstance(site.node, libcst.Arg) and normalise_name(site.name) == "alpha":
                continue
            if site.strength == "strong":
                self._strong_seen = True
            statement = self._statements[-1] if self._statements else None
            if site.strength == "weak" and not self._ml:
                self._pending.append((site, list(self._docs), statement))
            else:
                self._judge(site.node, site.name, site.value, site.note, site.callee, self._docs, statement)

    def _check_changes(self, sites: Iterable[KnobSite]) -> None:
        """Settings the PR changed or added, recognised by their place rather than their name."""
        if not self._compared or self._in_candidate:
            return
        for site in sites:
            status = self._status(site.identity, site.value)
            if status != "same" and self._is_knob(site, status):
                statement = self._statements[-1] if self._statements else None
                self._judge(
                    site.node,
                    site.name,
                    site.value,
                    site.note,
                    site.callee,
                    self._docs,
                    statement,
                    site.identity,
                )

    def _is_knob(self, site: KnobSite, status: Status) -> bool:
        name, value, where = site.name, site.value, site.where
        if (
            is_plumbing(name)
            or is_location(value)
            or (where == "kwarg" and not is_tuning_call(site.callee))
            or is_io_call(site.callee)
        ):
            return False
        if where == "kwarg" and is_throughput(site.callee, normalise_name(name)):
            return False
        if self._plots and where != "kwarg" and normalise_name(name) == "alpha":
            return False
        strength = strength_of(name, keyword=where == "kwarg")
        switch = is_switch(name)
        settings_level = len(self._docs) == 1 or isinstance(self._docs[-1], libcst.ClassDef)
        if where == "assign" and not settings_level and strength is None:
            return False
        if not (self._ml or self._config_module or switch):
            return False
        constructor = where == "kwarg" and bool(_CONSTRUCTOR.match(site.callee.rsplit(".", 1)[-1]))
        if status == "changed":
            if where == "assign":
                return strength is not None or switch or self._config_module or name.isupper()
            # A new string or flag is a setting where it picks a model,
            # a device or a mode, not how a frame is merged.
            return (
                is_number(value)
                or strength is not None
                or switch
                or where == "cli"
                or self._config_module
                or constructor
            )
        if not is_number(value):
            return switch and not is_neutral(value) and where in ("kwarg", "dict", "assign")
        if is_trivial_addition(value, strength) or where == "positional":
            return False
        if strength is not None or where == "dict":
            return True
        return constructor or (where == "assign" and self._config_module and settings_level)

    def _status(self, identity: str, value: str) -> Status:
        if not self._compared:
            return "same"
        if self._base is None:
            counterpart = self.ctx.counterpart
            self._base = base_values(counterpart.module if counterpart is not None else None)
        return status_of(identity, value, self._base)

    def finish(self) -> None:
        """Ambiguous names count outside model code only beside
        an unmistakable hyperparameter (a `config.py`)."""
        if self._strong_seen:
            for site, docs, statement in self._pending:
                self._judge(site.node, site.name, site.value, site.note, site.callee, docs, statement)
        for line in sorted(self._unexplained):
            found = list(self._unexplained[line].values())
            items = [item for _, item in found]
            self.flag(found[0][0], _message(items), suggestion=SUGGESTION, key=_key(items))

    def _judge(
        self,
        node: libcst.CSTNode,
        name: str,
        value: str,
        note: str,
        callee: str,
        scopes: Sequence[libcst.Module | libcst.ClassDef | libcst.FunctionDef],
        statement: int | None,
        identity: str | None = None,
    ) -> None:
        if section_names(self._section, name) or is_default(name, value, callee):
            return
        start, end = self.position(node)
        if normalise_name(name) in self._unexplained.get(start, {}):
            return
        status = self._status(identity or normalise_name(name), value)
        old = (self._base or {}).get(identity or normalise_name(name), set())
        touched = self.ctx.touched if status != "same" else frozenset()
        verdict = judge(
            self._evidence(start, end, statement, note, scopes),
            value,
            old,
            status,
            touched,
            range(start, end + 1),
        )
        if not verdict.explained:
            self._unexplained.setdefault(start, {})[normalise_name(name)] = (
                node,
                Unexplained(name, value, verdict.stale),
            )

    def _evidence(
        self,
        start: int,
        end: int,
        statement: int | None,
        note: str,
        scopes: Sequence[libcst.Module | libcst.ClassDef | libcst.FunctionDef],
    ) -> Evidence:
        lines = self.ctx.file.python_lines
        near = [
            (start, line_comment(lines[start - 1])),
            (end, line_comment(lines[end - 1])),
            *numbered_block_above(lines, start),
        ]
        if note:
            near.append((UNPLACED, note))
        if statement is not None and statement != start:
            near.append((statement, line_comment(lines[statement - 1])))
            near.extend(numbered_block_above(lines, statement))
        near.extend(paragraph_comments(lines, statement or start))
        return Evidence(near=near, wider=[self._docstring(scope) for scope in scopes])

    def _docstring(self, scope: libcst.Module | libcst.ClassDef | libcst.FunctionDef) -> tuple[int, str]:
        key = id(scope)
        if key not in self._docstrings:
            doc = docstring_of(body_of(scope))
            self._docstrings[key] = (
                (self.position(doc)[0], string_value(doc) or "") if doc is not None else (UNPLACED, "")
            )
        return self._docstrings[key]

    # ------------------------------------------------------------------ configs

    def check(self, ctx: FileContext) -> Iterable[Finding]:
        if ctx.file.kind not in CONFIG_KINDS or is_new_file(ctx):
            return []
        lines = ctx.file.lines
        return [
            self.make(
                ctx.file.path,
                line,
                _message(items),
                suggestion=SUGGESTION,
                key=_key(items),
                context=lines[line - 1].strip() if line <= len(lines) else "",
            )
            for line, items in sorted(unexplained_settings(ctx).items())
        ]


def is_new_file(ctx: FileContext) -> bool:
    return ctx.version == "head" and ctx.counterpart is None
