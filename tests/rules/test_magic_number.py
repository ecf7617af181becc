"""magic-number: which literals count, key stability, and the truce with config-without-context."""

from __future__ import annotations

import pytest

from rules.checks.magic_number_excuses import calendar_unit, is_self_explanatory
from rules.examples import findings_of, run_case
from rules.finding import Finding
from rules.rule import Case, all_rules

RULE = all_rules()["magic-number"]


def run(head: str, base: dict[str, str] | None = None, path: str = "train.py") -> list[Finding]:
    return findings_of(RULE, Case(head, base=base or {}, path=path))


@pytest.mark.parametrize(
    "value", [0, 1, -1, 2, 10, 0.5, 100, 0.05, 1e-9, 255, 512, 1024, 3600, 86400, 3.141592653589793]
)
def test_self_explanatory_values(value: float) -> None:
    assert is_self_explanatory(value)


@pytest.mark.parametrize("value", [0.73, 0.92, 5000, 30, 11, 0.8, 1000, 2020, 3.5])
def test_values_that_need_a_reason(value: float) -> None:
    assert not is_self_explanatory(value)


def test_reindented_or_reworded_comparison_is_not_new() -> None:
    base = {"train.py": "import torch\n\n\ndef gate(auc):\n    if auc < 0.81:\n        raise SystemExit\n"}
    head = "import torch\n\n\ndef gate(val_auc):\n    if val_auc <= 0.81:\n        raise SystemExit(1)\n"
    found = run(head, base)
    assert found and not any(finding.new for finding in found)


def test_changed_value_is_new() -> None:
    base = {"train.py": "import torch\nok = auc > 0.81\n"}
    [finding] = run("import torch\nok = auc > 0.83\n", base)
    assert finding.new and finding.key == "<module>:0.83"


def test_trailing_comment_explains() -> None:
    assert not run("import torch\nok = auc > 0.83  # release gate agreed with risk team, RISK-12\n")


def test_comment_above_a_multiline_condition_explains() -> None:
    head = (
        "import numpy as np\n\n# drift alarm level from the 2024 backtest\nif (\n    psi > 0.27\n"
        "    and n > 5000\n):\n    alarm()\n"
    )
    assert not run(head)


def test_chained_and_reversed_comparisons() -> None:
    found = run("import numpy as np\nmask = (0.15 < ratio) & (ratio <= 0.85)\nok = 0.2 < x < 0.9\n")
    assert sorted(finding.message.split("`")[1] for finding in found) == ["0.15", "0.2", "0.85", "0.9"]


def test_equality_and_arithmetic_are_not_cut_offs() -> None:
    assert not run("import numpy as np\nif step % 500 == 0:\n    save()\ny = x * 0.83 + 17\nz = arr[:1500]\n")


def test_plain_python_outside_model_code_is_ignored() -> None:
    assert not run("def slow(t):\n    return t > 2.5\n", path="app/util.py")


def test_notebooks_are_not_checked() -> None:
    notebook = (
        '{"cells": [{"cell_type": "code", "source": ["import pandas as pd\\n", '
        '"df = df[df.age > 42]\\n"]}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
    )
    assert not run(notebook, path="eda.ipynb")


def test_never_on_the_same_line_as_config_without_context() -> None:
    case = Case(
        "import xgboost as xgb\nmodel = xgb.XGBClassifier(max_depth=6) if auc > 0.77 else None\n",
        base={"train.py": "import xgboost as xgb\n"},
    )
    rules = {finding.rule for finding in run_case(case).findings if finding.line == 2}
    assert rules == {"config-without-context"}


@pytest.mark.parametrize(
    ("name", "unit"),
    [
        ("hour", "hour"),
        ("Hour", "hour"),
        ("pickup_hour", "hour"),
        ("pickupHour", "hour"),
        ("hr", "hour"),
        ("hour_of_day", "hour"),
        ("day_of_month", "day"),
        ("minute", "minute"),
        ("mnth", "month"),
        ("hours", None),
        ("hours_worked", None),
        ("age_month", None),
        ("n_day", None),
        ("day_of_year", None),
        ("year", None),
        ("amount", None),
        ("", None),
    ],
)
def test_calendar_unit(name: str, unit: str | None) -> None:
    assert calendar_unit(name) == unit


def test_calendar_value_outside_its_range_is_still_a_cut_off() -> None:
    [finding] = run("import pandas as pd\nlate = df[df['minute'] > 75]\nok = df[df['hour'] <= 23]\n")
    assert finding.key == "<module>:75"


@pytest.mark.parametrize(
    "comment",
    [
        "# keep 80% of rows",
        "# 0.8 is where recall starts to fall",
        "# because the sensor saturates above this",
        "# tuned on the validation set in EXP-12",
    ],
)
def test_comment_above_that_quotes_or_argues_explains(comment: str) -> None:
    assert not run(f"import pandas as pd\n\n\ndef keep(df):\n    {comment}\n    return df[df.score < 0.8]\n")


@pytest.mark.parametrize(
    "comment",
    [
        "# filter",
        "# drop the noisy rows",
        "# Clip extreme values to a sane range",
        "# Flag odd rows\n    # Keep the rest",
    ],
)
def test_heading_above_explains_nothing(comment: str) -> None:
    [finding] = run(f"import pandas as pd\n\n\ndef keep(df):\n    {comment}\n    return df[df.score < 0.8]\n")
    assert finding.line == 6 + comment.count("\n")


@pytest.mark.parametrize(
    "call",
    ["x.clip(0, 1)", "np.clip(x, -1, 1)", "torch.clamp(x, min=1e-8)", "x.clamp(max=255)", "x.clip(lower=0)"],
)
def test_natural_clip_bounds_are_silent(call: str) -> None:
    assert not run(f"import numpy as np\nimport torch\n\ny = {call}\n")


@pytest.mark.parametrize(
    "call", ["x.clip(-20, 20)", "np.clip(x, 0, 5000)", "torch.clamp(x, 0.2, 0.9)", "x.clamp(max=42)"]
)
def test_chosen_clip_bounds_are_cut_offs(call: str) -> None:
    found = run(f"import numpy as np\nimport torch\n\ny = {call}\n")
    assert found and all(finding.line == 4 and "clip" in finding.message for finding in found)


@pytest.mark.parametrize(
    "comment", ["# minimum rows for a stable fit", "# Earth radius in km", "# the gauge saturates here"]
)
def test_comment_that_says_what_the_number_is_explains(comment: str) -> None:
    assert not run(f"import pandas as pd\n\n\ndef keep(df):\n    {comment}\n    return df[df.score < 0.8]\n")


def test_fold_loop_message_says_the_count_must_match_the_splitter() -> None:
    [finding] = run("import numpy as np\n\nfor fold_ in range(10):\n    fit(fold_)\n", path="src/train.py")
    assert finding.line == 3
    assert finding.message == (
        "`10` re-types the number of CV folds in this loop; it must match the `n_splits` the folds were made "
        "with, and nothing ties the two together."
    )
    assert finding.suggestion is not None and "N_FOLDS" in finding.suggestion


def test_normalisation_message_shows_both_statistics() -> None:
    code = "import torch\nfrom torchvision import transforms\n\nprep = transforms.Normalize((0,), (255,))\n"
    [finding] = run(code, path="dcgan/main.py")
    assert finding.line == 4
    assert finding.message == (
        "`(0,), (255,)` are unexplained normalisation statistics in this `Normalize`; they are not a "
        "well-known set (0.5, ImageNet, MNIST, CIFAR) and nothing says which data they were measured on."
    )


@pytest.mark.parametrize(
    "statistics",
    ["(0.5,), (0.5,)", "(0.0,), (1.0,)", "[0.4914, 0.4822, 0.4465], [0.247, 0.2435, 0.2616]", "MEAN, STD"],
)
def test_well_known_or_named_normalisation_statistics_pass(statistics: str) -> None:
    assert (
        run(f"import torch\nfrom torchvision import transforms as T\n\nn = T.Normalize({statistics})\n") == []
    )


@pytest.mark.parametrize(
    "loop", ["for fold in range(1):", "for fold in range(2, 6):", "for idx in range(10):"]
)
def test_loops_that_are_not_a_fold_count(loop: str) -> None:
    assert run(f"import torch\n\n{loop}\n    go()\n") == []
