"""dead-code's VALID and INVALID examples: what it must stay quiet on, and what it must report.

They double as tests (the meta-test runs every rule on its examples) and as its documentation,
and they outgrow the rule itself: kept here, the rule's module reads as its decision alone.
"""

from __future__ import annotations

from rules.rule import Case

VALID: list[Case] = [
    # Usage examples and doctests in comments.
    Case(
        "# Usage:\n#   model = Ranker.load(path)\n#   model.predict(X)\n\n# >>> score(df)\n# 0.93\n"
        "import torch\n",
    ),
    # An explained alternative is documentation, not parked code.
    Case(
        "from xgboost import XGBRegressor\n\n"
        "# Alternative: XGBRegressor(tree_method='hist') is faster but less stable here.\n"
        "# e.g. model = XGBRegressor(tree_method='hist')\nmodel = XGBRegressor()\n"
    ),
    # English that happens to start like Python.
    Case(
        "import pandas as pd\n\n\ndef load(path):\n    # return early if the file is empty\n"
        "    # import data from the warehouse first\n"
        "    # not used by the scorer\n    # Note: pandas keeps the index\n    return pd.read_csv(path)\n"
    ),
    # Tool directives, cell markers and shebangs.
    Case(
        "#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n# %%\nimport numpy as np  # noqa: F401\n"
        "# type: ignore\n"
        "# pylint: disable=invalid-name\n# fmt: off\nX = np.eye(3)\n"
    ),
    # Docstrings and attribute docstrings may hold code.
    Case(
        'def fit(X):\n    """Fit the model.\n\n    model = fit(X)\n    model.predict(X)\n    """\n\n\n'
        'THRESHOLD = 0.5\n"""Cut-off; see model.calibrate(X) for how it is set."""\n'
    ),
    # The pre-TYPE_CHECKING idiom and a formula in a comment.
    Case(
        "if False:  # for type checkers only\n    from typing import Any\n\n# y = w * x + b\n"
        "# loss = (y - t) ** 2\ny = 0\n"
    ),
    # A task note that names code is a plan, not parked code.
    Case(
        "import torch\n\n# TODO: opt = torch.optim.AdamW(params) once the sweep lands\n"
        "opt = torch.optim.SGD(params)\n"
    ),
    # An opt-in usage note: the settings to add on another platform (nanoGPT's config).
    Case(
        "n_layer = 6\n\n# on macbook also add\n# device = 'cpu'  # run on cpu only\n"
        "# compile = False # do not torch compile the model\n",
        path="config/train_char.py",
    ),
    # A leftover look at the data or a breakpoint is not a parked code path.
    Case(
        "import pandas as pd\nfrom sklearn.preprocessing import StandardScaler\n\n"
        'df = pd.read_csv("data/train.csv")\n# print(df)\n'
        "scaled = StandardScaler().fit_transform(df)\n# display(df.head())\n# df.info()\n"
        "# logger.debug('scaled %s', scaled.shape)\n\n"
        "# import pdb; pdb.set_trace()\n# breakpoint()\n",
        path="scale.py",
    ),
    # A comment that lists the values an option takes documents it.
    Case(
        "import torch\n\n# Supported devices:\n#   'cpu',\n#   'cuda',\ndevice = 'cpu'\n",
        path="device.py",
    ),
    # A quoted word before a colon in prose, and a print that only peeks at a shape, are not parked code.
    Case(
        'import numpy as np\n\n# "auto": picks the widest dtype that fits,\n# then casts once.\n'
        "X = np.zeros((4, 4))\n"
        "# print(X.shape)\n",
        path="cast.py",
    ),
    # YAML: a documented optional section, a single commented option,
    # and shell comments inside a `run: |` script.
    Case(
        "model:\n  name: resnet18\n# Optional: mixed precision, for GPUs with bf16 support.\n"
        "# precision:\n#   dtype: bf16\n"
        "#   loss_scale: dynamic\ntrainer:\n  max_epochs: 10\n  # warmup_steps: 500\n",
        path="configs/train.yaml",
    ),
    # A commented option beside a different live key,
    # or beside the same key with its reason, is documentation.
    Case(
        "optimizer:\n  name: adamw\n  # warmup_ratio: 0.03\n  weight_decay: 0.1\n"
        "  # weight_decay: 0.05  # for runs under 1B params\n",
        path="configs/optim.yaml",
    ),
    Case(
        "jobs:\n  nightly:\n    steps:\n      - run: |\n          # retrain:\n          #   full: true\n"
        "          make retrain\n",
        path="ci/nightly.yml",
    ),
    # Shell: usage lines, prose that names a command, and scheduler directives.
    Case(
        "#!/usr/bin/env bash\n#SBATCH --gres=gpu:4\n# Usage: bash scripts/train.sh configs/base.yaml\n"
        "# cd into the repo root and run ./scripts/train.sh from there\n"
        "# make sure the data is synced first.\n"
        'python train.py --config "$1"\n',
        path="scripts/train.sh",
    ),
]
INVALID: list[Case] = [
    Case(
        "import xgboost as xgb\n\nmodel = xgb.XGBClassifier()\n"
        "# model.fit(X_train, y_train, eval_set=[(X_val, y_val)])\n"
        "# preds = model.predict_proba(X_val)[:, 1]\nmodel.fit(X, y)\n",
        lines=(4,),
    ),
    Case(
        "import torch\n\nif False:\n    model = torch.compile(model)\n    model.half()\ntrain(model)\n",
        lines=(3,),
    ),
    Case(
        'import pandas as pd\n\ndf = pd.read_csv("data.csv")\n"""\ndf = df.dropna()\n'
        'df["ratio"] = df.a / df.b\n"""\ndf.to_parquet("out.parquet")\n',
        lines=(4,),
    ),
    Case(
        "import torch\n\n\ndef train(model, loader):\n    for batch in loader:\n"
        "        loss = model(batch)\n"
        "        # if loss.item() > 10:\n        #     print('exploding', batch)\n"
        "        #     continue\n        loss.backward()\n",
        lines=(7,),
    ),
    Case(
        '{"cells": [{"cell_type": "code", "metadata": {}, "source": ["import pandas as pd\\n", '
        '"# df = df[df.x > 0]\\n", "df.head()\\n"]}],'
        ' "metadata": {}, "nbformat": 4, "nbformat_minor": 5}',
        path="notebooks/eda.ipynb",
    ),
    Case("import numpy as np\n\nif 0:\n    np.save('debug.npy', X)\n", path="features/build.py", lines=(3,)),
    # A print next to real logic, and a platform named
    # in the middle of a sentence, do not excuse the block.
    Case(
        "import pandas as pd\n\ndf = pd.read_csv('data/train.csv')\n# df = df.dropna()\n# print(df)\n\n"
        "# this ran on gpu before the refactor\n# model = model.cuda()\n",
        path="scale.py",
        lines=(4, 8),
    ),
    # Commented out twice (`# # `): an experiment switched off inside an already commented area.
    Case(
        "import pandas as pd\n\nevents = pd.read_parquet('events.parquet')\n"
        "# # events = events[events.country != 'XX']\n"
        "# # events['weekday'] = events.ts.dt.weekday\nevents.to_parquet('clean.parquet')\n",
        path="clean_events.py",
        lines=(4,),
    ),
    # The `#` of the body sits deeper than the `#` of its `if`; the block is still one code path.
    Case(
        "def fit(model, loader, opt):\n    for step, batch in enumerate(loader):\n"
        "        loss = model(batch)\n"
        "        # if step % 50 == 0:\n            # print('step {} loss {:.3f}'.format(step, loss))\n"
        "        loss.backward()\n        opt.step()\n",
        path="loop.py",
        lines=(4,),
    ),
    # Entries cut out of a params dict, a keyword argument,
    # a hard-coded `return`, and a message the program printed.
    Case(
        "from lightgbm import LGBMRanker\n\nparams = {\n    'num_leaves': 63,\n"
        "    # 'min_child_samples': 40,\n"
        "    # 'bagging_fraction': 0.7,\n}\nranker = LGBMRanker(\n    **params,\n"
        "    # importance_type='gain',\n)\n\n\n"
        "class Shards:\n    def __len__(self) -> int:\n        # return 16\n"
        "        return len(self.paths)\n\n\n"
        "def report(ndcg: float) -> None:\n    # print(f'validation ndcg@10: {ndcg:.4f}')\n"
        "    return None\n",
        path="rank.py",
        lines=(5, 10, 16, 21),
    ),
    # A column dropped from a feature list and a step
    # dropped from a pipeline, by commenting the entry out.
    Case(
        "from sklearn.pipeline import make_pipeline\nfrom sklearn.preprocessing import StandardScaler\n\n"
        "FEATURES = [\n    'tenure',\n"
        "    # 'monthly_spend',\n    'plan',\n]\npipe = make_pipeline(\n    # StandardScaler(),\n"
        "    model,\n)\n",
        path="churn/features.py",
        lines=(6, 10),
    ),
    # A YAML section switched off with `#`, and commented
    # commands of a shell script with their continued arguments.
    Case(
        "trainer:\n  max_epochs: 20\n# callbacks:\n#   early_stopping:\n#     monitor: val_loss\n"
        "#     patience: 3\nlogger: csv\n",
        path="configs/train.yaml",
        lines=(3,),
    ),
    # The old value kept beside the live key, in a config and in a CI workflow.
    Case(
        "optimizer:\n  name: adamw\n  # weight_decay: 0.05\n  weight_decay: 0.1\n",
        path="configs/optim.yaml",
        lines=(3,),
    ),
    Case(
        "#!/usr/bin/env bash\nset -euo pipefail\n"
        "# python prepare.py --source s3://bucket/raw --out data/\n"
        "# torchrun --nproc_per_node 4 train.py \\\n#   --config configs/large.yaml\n"
        "python train.py --config configs/small.yaml\n",
        path="scripts/train.sh",
        lines=(3,),
    ),
]
