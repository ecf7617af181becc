"""config-without-context's VALID and INVALID examples: what it must stay quiet on, and what it must report.

They double as tests (the meta-test runs every rule on its examples) and as its documentation.
"""

from __future__ import annotations

from rules.rule import Case


def _added(head: str, path: str = "train.py") -> Case:
    """The PR writes these lines into a file that held only its first line:
    a brand-new file is never a re-tuning."""
    return Case(head, base={path: head.splitlines()[0] + "\n"}, path=path)


VALID: list[Case] = [
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
        "train:\n  accumulation_steps: 2\n  seed: 7\n  log_every: 50\n  verbose: true\n  out_dir: runs/b\n",
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
    # A function the PR writes starts with its own defaults, as a new file does; an existing signature
    # keeps its plumbing (retries, a log cadence) and a changed default that says why it moved.
    Case(
        "import torch\n\n\ndef fit(net, loader,\n"
        "        epochs: int = 30,  # early-stopped on val loss, run 4411\n"
        "        retries: int = 5, log_every: int = 50):\n    return net\n\n\n"
        "def cluster_ids(points, n_clusters: int = 12):\n    return points\n",
        base={
            "train.py": "import torch\n\n\ndef fit(net, loader,\n        epochs: int = 10,\n"
            "        retries: int = 3, log_every: int = 10):\n    return net\n"
        },
    ),
]
INVALID: list[Case] = [
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
        base={"fraud/model.py": "from sklearn.linear_model import LogisticRegression\n\nTHRESHOLD = 0.5\n"},
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
    # A hyperparameter added to a model's existing signature, and one whose default the PR moved.
    Case(
        "import torch.nn as nn\n\n\nclass Ranker(nn.Module):\n    def __init__(self, hidden: int = 64,\n"
        "                 dropout: float = 0.3):\n        super().__init__()\n\n\n"
        "def fit(model, learning_rate=0.2):\n    return model\n",
        base={
            "ranker.py": "import torch.nn as nn\n\n\nclass Ranker(nn.Module):\n"
            "    def __init__(self, hidden: int = 64):\n"
            "        super().__init__()\n\n\ndef fit(model, learning_rate=0.05):\n    return model\n"
        },
        path="ranker.py",
        lines=(6, 10),
    ),
]
