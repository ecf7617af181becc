"""magic-number's VALID and INVALID examples: what it must stay quiet on, and what it must report.

They double as tests (the meta-test runs every rule on its examples) and as its documentation,
and they outgrow the rule itself: kept here, the rule's module reads as its decision alone.
"""

from __future__ import annotations

from rules.rule import Case

VALID: list[Case] = [
    # Loops that do not count folds, fold loops over a named count, a commented fold count; the usual
    # normalisation statistics (0.5, ImageNet, MNIST), named ones and a commented measured pair.
    Case(
        "import torch\nfrom torchvision import transforms\n\nN_FOLDS = 5  # as in create_folds.py\n"
        "for epoch in range(30):\n    step()\nfor i in range(12):\n    warm(i)\n"
        "for fold in range(N_FOLDS):\n    run(fold)\nfor fold in range(args.folds):\n    run(fold)\n"
        "for fold in range(4):  # the four seasons are the folds\n    run(fold)\n"
        "a = transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))\n"
        "b = transforms.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225])\n"
        "c = transforms.Normalize((0.1307,), (0.3081,))\nd = transforms.Normalize(MEAN, STD)\n"
        "e = transforms.Normalize((0.2860,), (0.3530,))  # Fashion-MNIST training-set mean and std\n",
        path="src/train.py",
    ),
    # Explained on the line above.
    Case(
        "import pandas as pd\n\n\ndef keep(df: pd.DataFrame) -> pd.DataFrame:\n"
        "    # Below 0.73 precision drops under 90% on the 2024-Q1 holdout (EXP-88).\n"
        "    return df[df.score > 0.73]\n",
        path="features/filter.py",
    ),
    # Seeds, split fractions, slices, shapes, small counts and a 0.5 decision boundary.
    Case(
        "import numpy as np\nfrom sklearn.model_selection import train_test_split\n\n"
        "X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.2, random_state=42)\n"
        "x = x.reshape(-1, 28, 28)[:, :1000]\nlabels = (probs > 0.5).astype(int)\n"
        "if x.ndim > 2 or len(parts) > 3:\n    x = x[..., 0]\nrounded = np.round(probs, 3)\n"
    ),
    # Well-known constants: a day of seconds, pixel range, epsilon, sequence length, percent.
    Case(
        "import torch\n\nif age_seconds > 86400:\n    refresh()\nimg = img[img < 255]\nok = loss < 1e-8\n"
        "if len(tokens) > 512:\n    tokens = tokens[:512]\nassert 0 <= pct <= 100\n",
    ),
    # Not model code: a web handler.
    Case(
        "import requests\n\nif resp.elapsed.total_seconds() > 2.5:\n    log.warning('slow')\n",
        path="app/client.py",
    ),
    # Test code is exempt.
    Case(
        "import numpy as np\n\n\ndef test_auc():\n    assert auc(y, p) > 0.83\n",
        path="tests/test_model.py",
    ),
    # Knobs set as keyword arguments belong to config-without-context.
    Case(
        "import lightgbm as lgb\n\n"
        "model = lgb.LGBMClassifier(num_leaves=63, min_child_samples=40)  # Optuna study 9, 2024-04\n"
    ),
    # Plot sizes and interpreter checks.
    Case(
        "import sys\nimport matplotlib.pyplot as plt\n\n"
        "if sys.version_info < (3, 11) or len(sys.argv) > 20:\n    sys.exit(2)\n"
        "fig, ax = plt.subplots(figsize=(12, 6))\nif resp.status_code >= 400:\n    raise RuntimeError\n",
        path="train.py",
    ),
    # Clock hours and calendar fields within their natural range.
    Case(
        "import pandas as pd\n\n\ndef rush_hours(df: pd.DataFrame) -> pd.DataFrame:\n"
        '    df["is_evening_rush"] = ((df["hour"] >= 17) & (df["hour"] <= 19)).astype(int)\n'
        '    df["night"] = (df.ts.dt.hour > 22) | (df.pickup_hour < 5)\n'
        '    df["payday_week"] = df["Day"] >= 25\n'
        '    df["summer"] = df.month.between(6, 8) | (df.mnth > 11)\n'
        "    return df\n",
        path="src/features/build_features.py",
    ),
    # Sparsifying random demo data (j3ffyang cheat sheet):
    # the cut-off shapes made-up numbers, not a model.
    Case(
        "import numpy as np\nfrom sklearn.preprocessing import StandardScaler\n\n"
        "X = np.random.random((10, 5))\nX[X < 0.7] = 0\nrng = np.random.default_rng(0)\n"
        "Z = rng.normal(size=(4, 3))\n"
        "Z[Z > 1.5] = 1.5\nStandardScaler().fit(X)\n",
        path="scripts/sklearn/cheatsheet.py",
    ),
    # Natural clip ranges and epsilons, and a comment above
    # that quotes the value as a percentage or says why.
    Case(
        "import numpy as np\nimport torch\n\n\ndef prepare(probs, logits, tokens, rng):\n"
        "    probs = probs.clip(0, 1)\n"
        "    logits = torch.clamp(logits, min=1e-6)\n    signs = np.clip(logits, -1, 1)\n"
        "    # mask 15% of the tokens, as in BERT pre-training\n"
        "    masked = tokens[rng.random(len(tokens)) < 0.15]\n"
        "    # rows above 2.5 are sensor faults, since the gauge tops out there\n"
        "    return probs[probs < 2.5], signs, masked\n",
        path="features/prepare.py",
    ),
]
INVALID: list[Case] = [
    # A fold count re-typed in the loop that uses the folds, and normalisation statistics from nowhere.
    Case(
        "import numpy as np\nimport torchvision.transforms as T\n\n\ndef evaluate(model, data):\n"
        "    losses = []\n    for k_fold in range(7):\n        losses.append(model.score(data, k_fold))\n"
        "    prep = T.Compose([T.ToTensor(), T.Normalize((0,), (255,))])\n"
        "    norm = T.Normalize(mean=[0.45, 0.45, 0.45], std=[0.3, 0.3, 0.3])\n"
        "    return np.mean(losses), prep, norm\n",
        path="src/train.py",
        lines=(7, 9, 10),
    ),
    # A heading above a cut-off names the step, not the value: outlier caps, clip bounds.
    Case(
        "import numpy as np\nimport pandas as pd\n\n\ndef tidy(df: pd.DataFrame) -> pd.DataFrame:\n"
        "    # drop outliers\n"
        "    df = df[df['basket_value'] < 4200]\n    # cap the residuals\n"
        "    df['resid'] = df['resid'].clip(-7.5, 7.5)\n"
        "    df['latency'] = np.clip(df['latency'], 0, 3000)\n    return df\n",
        path="features/tidy.py",
        lines=(7, 9, 10),
    ),
    # Random numbers compared as a probability (a masking rate, an augmentation gate), or real data that
    # replaced the demo array, or a random array from another scope: each cut-off is a decision.
    Case(
        "import numpy as np\n\nprobs = np.random.rand(len(tokens))\nmask = tokens[probs < 0.15]\n"
        "if np.random.rand() < 0.3:\n    img = flip(img)\nX = np.random.random((10, 5))\nX = load(path)\n"
        "X[X < 0.7] = 0\n"
        "Y = np.random.random((10, 5))\n\n\ndef clip(Y):\n    Y[Y > 0.85] = 0\n    return Y\n",
        path="train/augment.py",
        lines=(4, 5, 9, 14),
    ),
    # Next to calendar features, an amount, a duration in hours and a tenure in months are still cut-offs.
    Case(
        "import pandas as pd\n\n\ndef flags(df: pd.DataFrame) -> pd.DataFrame:\n"
        '    df["late"] = df["hour"] >= 17\n    df["big"] = (df["amount"] > 17).astype(int)\n'
        '    df["overtime"] = df["hours"] > 17\n    df["loyal"] = df["tenure_month"] >= 11\n'
        "    return df\n",
        path="src/features/build_features.py",
        lines=(6, 7, 8),
    ),
    Case(
        "import pandas as pd\n\ndf = pd.read_parquet(path)\nfraud = df[df['score'] > 0.73]\n",
        path="features/fraud.py",
        lines=(4,),
    ),
    Case(
        "import numpy as np\n\n\ndef drop_correlated(corr: np.ndarray) -> list[int]:\n"
        "    return [i for i, row in enumerate(corr) if np.abs(row).max() >= 0.92]\n",
        lines=(5,),
    ),
    Case(
        "import polars as pl\n\n\ndef enough(df: pl.DataFrame) -> bool:\n    return df.height >= 5000\n",
        path="pipeline/checks.py",
        lines=(5,),
    ),
    Case(
        "import torch\n\nfor epoch in range(epochs):\n    if epoch > 30:\n"
        "        for group in opt.param_groups:\n            group['lr'] *= 0.1\n",
        lines=(4,),
    ),
    # A changed cut-off is new even though the line existed.
    Case(
        "import sklearn\n\nif val_auc < 0.81:\n    raise SystemExit('model too weak')\n",
        base={"train.py": "import sklearn\n\nif val_auc < 0.78:\n    raise SystemExit('model too weak')\n"},
        lines=(3,),
    ),
]
