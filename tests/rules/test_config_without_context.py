"""config-without-context: value-based change detection, stale comments and where context may live."""

from __future__ import annotations

import pytest

from rules.examples import findings_of
from rules.finding import Finding
from rules.pr_body import tuning_section
from rules.rule import Case, all_rules
from rules.tuning import normalise_number, strength_of
from rules.tuning_context import gives_reason, has_tuning_context, is_stale

RULE = all_rules()["config-without-context"]


def run(
    head: str | dict[str, str], base: dict[str, str] | None = None, path: str = "train.py", pr_body: str = ""
) -> list[Finding]:
    """Without a base, each file existed with only its first line:
    the PR adds the settings to an existing file."""
    if base is None:
        files = {path: head} if isinstance(head, str) else head
        base = {name: text.splitlines()[0] + "\n" for name, text in files.items() if text}
    return findings_of(RULE, Case(head, base=base, path=path, pr_body=pr_body))


def new(findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.new]


def test_respelled_value_is_not_a_change() -> None:
    base = {"train.py": "import torch\nLR = 3e-4\n"}
    found = run("import torch\nLR = 0.0003\n", base)
    assert found and not new(found)


def test_reindented_and_moved_yaml_value_is_not_a_change() -> None:
    base = {"params.yaml": "train:\n  epochs: 10\n  lr: 0.0003\n"}
    found = run("train:\n    lr: 3.0e-4\n    epochs: 10\n", base, path="params.yaml")
    assert {finding.key for finding in found} == {"train.lr=0.0003", "train.epochs=10"}
    assert not new(found)


def test_comment_only_edit_is_not_a_change() -> None:
    base = {"train.py": "import torch\nLR = 0.001  # learning rate\n"}
    assert not new(run("import torch\nLR = 0.001  # the learning rate\n", base))


def test_changed_value_is_new_and_keyed_by_value() -> None:
    base = {"train.py": "import torch\nLR = 0.001\n"}
    [finding] = new(run("import torch\nLR = 0.002\n", base))
    assert finding.key == "lr=0.002" and finding.line == 2


def test_changed_value_whose_comment_still_quotes_the_old_one_is_stale() -> None:
    base = {"train.py": "import torch\nLR = 0.001  # LR range test 2024-02-10: 1e-3 best\n"}
    [finding] = new(run("import torch\nLR = 0.003  # LR range test 2024-02-10: 1e-3 best\n", base))
    assert "previous value" in finding.message


def test_comment_that_records_old_and_new_value_is_context() -> None:
    base = {"train.py": "import torch\nLR = 0.001  # LR range test 2024-02-10\n"}
    assert not run("import torch\nLR = 0.003  # 0.001 -> 0.003 after LR range test 2024-03-01\n", base)


def test_unchanged_value_keeps_the_context_of_an_untouched_header() -> None:
    base = {"params.yaml": "# Optuna study 17 (2024-03-02), data v3\ntrain:\n  max_depth: 3\n  epochs: 4\n"}
    found = run(
        "# Optuna study 17 (2024-03-02), data v3\ntrain:\n  max_depth: 3\n  epochs: 4\n  dropout: 0.2\n",
        base,
        path="params.yaml",
    )
    assert [finding.key for finding in new(found)] == ["train.dropout=0.2"]


def test_an_untouched_header_does_not_explain_a_value_the_pr_changed() -> None:
    """The header names the study the old values came from; the new one came from somewhere else."""
    base = {"params.yaml": "# Optuna study 17 (2024-03-02), data v3\ntrain:\n  max_depth: 3\n"}
    [finding] = new(
        run("# Optuna study 17 (2024-03-02), data v3\ntrain:\n  max_depth: 6\n", base, path="params.yaml")
    )
    assert finding.key == "train.max_depth=6"


def test_a_header_the_pr_rewrites_explains_the_values_under_it() -> None:
    base = {"params.yaml": "# Optuna study 17 (2024-03-02), data v3\ntrain:\n  max_depth: 3\n"}
    assert not new(
        run("# Optuna study 21 (2024-05-10), data v4\ntrain:\n  max_depth: 6\n", base, path="params.yaml")
    )


@pytest.mark.parametrize(
    "comment",
    [
        "# learning rate",
        "# controls regularisation strength",
        "# higher is more conservative",
        "# tuned",
        "# 2000 trees",
    ],
)
def test_restatements_are_not_context(comment: str) -> None:
    assert not has_tuning_context(comment)


@pytest.mark.parametrize(
    "comment",
    [
        "# Optuna study 42",
        "# grid search over 5 folds",
        "# calibrated on holdout",
        "# picked 2024-03-01",
        "# see EXP-42",
        "# tuned on the validation set",
        "# from run 7f3a2c",
        "# https://wandb.ai/acme/x/runs/1",
        "# dataset v3",
        "# sklearn default",
    ],
)
def test_methods_dates_ids_links_and_data_versions_are_context(comment: str) -> None:
    assert has_tuning_context(comment)


def test_stale_detection_ignores_dates_and_run_ids() -> None:
    assert not is_stale("# Optuna study 17 (2024-03-02)", "6", ["3"])
    assert is_stale("# sweep picked 0.01", "0.02", ["0.01"])


def test_comment_above_a_multiline_call_covers_its_keywords() -> None:
    head = (
        "import xgboost as xgb\n\n# Optuna study fraud-v3, 2024-05-02\nmodel = xgb.XGBClassifier(\n"
        "    max_depth=6,\n    learning_rate=0.05,\n)\n"
    )
    assert not run(head)


def test_comment_just_above_a_keyword_covers_it() -> None:
    head = (
        "import torch\n\nopt = torch.optim.AdamW(\n    params,\n    # LR range test 2024-02-10\n"
        "    lr=3e-4,\n    weight_decay=0.05,\n)\n"
    )
    assert [finding.key for finding in run(head)] == ["weight_decay=0.05"]


def test_tuning_context_section_must_name_the_parameter() -> None:
    body = (
        "Retrain.\n\n## Tuning context\nThe learning rate comes from sweep acme/7 (2024-05-01).\n\n"
        "## Testing\nmax_depth untouched\n"
    )
    assert tuning_section(body).strip() == "The learning rate comes from sweep acme/7 (2024-05-01)."
    found = run("import torch\nLEARNING_RATE = 0.01\nMAX_DEPTH = 7\n", pr_body=body)
    assert [finding.key for finding in found] == ["max_depth=7"]


def test_weak_names_only_count_in_model_code() -> None:
    assert not run("THRESHOLD = 0.8\nalpha = 0.3\n", path="app/images.py")
    assert run("import pandas as pd\nTHRESHOLD = 0.8\n", path="app/images.py")
    assert run("THRESHOLD = 0.8\n", path="src/models/scoring.py")


def test_django_models_are_not_model_code() -> None:
    assert not run("from django.db import models\nMAX_SCORE = 50\nthreshold = 3\n", path="shop/models.py")


def test_plumbing_limits_and_state_are_not_hyperparameters() -> None:
    assert strength_of("MAX_RETRIES") is None
    assert strength_of("MAX_WORKERS") is None
    assert strength_of("best_threshold") is None
    assert strength_of("MIN_SUPPORT") == "weak"
    assert strength_of("C") is None and strength_of("C", keyword=True) == "weak"


def test_plot_and_stats_calls_are_ignored() -> None:
    head = (
        "import numpy as np\nimport matplotlib.pyplot as plt\n"
        "from statsmodels.stats.multitest import multipletests\n\n"
        "plot_calibration(y, p, alpha=0.3)\naxes[0].hist(x, alpha=0.4)\nmultipletests(pvals, alpha=0.05)\n"
        "np.set_printoptions(threshold=20)\n"
    )
    assert not run(head)


def test_inference_batch_size_is_throughput_not_tuning() -> None:
    assert not run("import torch\npreds = model.predict(X, batch_size=1024)\n")
    assert run("import torch\nloader = DataLoader(ds, batch_size=48)\n")


def test_new_yaml_flags_lists_and_interpolations_are_not_new_settings() -> None:
    """A flag that picks no hardware, a list that may be a sweep's grid,
    a `${...}` reference and a column name are left alone."""
    head = (
        "train:\n  shuffle_buffer: true\n  lr: ${oc.env:LR}\n  batch_size: [16, 32]\n  label: churned\n"
        "  precision: bf16\n"
    )
    assert [finding.key for finding in new(run(head, path="params.yaml"))] == ["train.precision='bf16'"]


def test_generated_and_tooling_configs_are_skipped() -> None:
    hf = (
        '{"architectures": ["Bert"], "transformers_version": "4.40.0", "hidden_size": 768, '
        '"num_hidden_layers": 12}'
    )
    assert not run(
        {
            "model/config.json": hf,
            "pyproject.toml": "[tool.x]\nlearning_rate = 0.1\n",
            "metrics.json": '{"threshold": 0.7, "lr": 0.1}',
        }
    )


def test_unnamed_yaml_needs_a_strong_key() -> None:
    assert not run("alerts:\n  threshold: 0.9\n", path="ops/alerts.yaml")
    assert not run("tree:\n  max_depth: 9\n", path="ops/walk.yaml")
    assert run("model:\n  n_estimators: 300\n  max_depth: 9\n  threshold: 0.4\n", path="xgb.yaml")


def test_json_comment_key_counts_as_context() -> None:
    head = '{"_comment": "Optuna study 12, 2024-02-02", "learning_rate": 0.03}'
    assert not run(head, path="configs/train.json")


def test_toml_table_comment_covers_its_keys() -> None:
    head = (
        "# learning rate etc.\n\n# grid search on val, run 812\n[train]\nlearning_rate = 0.01\n\n[eval]\n"
        "threshold = 0.7\n"
    )
    assert [finding.key for finding in run(head, path="hparams.toml")] == ["eval.threshold=0.7"]


def test_notebooks_are_not_checked() -> None:
    notebook = (
        '{"cells": [{"cell_type": "code", "source": ["import torch\\n", "LR = 0.1\\n"]}], '
        '"metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
    )
    assert not run(notebook, path="explore.ipynb")


def test_numbers_are_normalised() -> None:
    assert normalise_number(1e-3) == normalise_number(0.001) == "0.001"
    assert normalise_number(10.0) == normalise_number(10) == "10"


def test_message_shows_name_and_value_in_backticks() -> None:
    [finding] = run("import torch\nWEIGHT_DECAY = 0.05\n")
    assert finding.message.startswith("`WEIGHT_DECAY=0.05` is set with no tuning context")
    assert finding.suggestion and "Tuning context" in finding.suggestion


def test_ambiguous_names_outside_model_code_need_a_clear_hyperparameter_beside_them() -> None:
    assert not run("MAX_DEPTH = 64\nMAX_SHOWN = 70\n", path="rules/structured.py")
    found = run("LEARNING_RATE = 0.05\nMAX_DEPTH = 6\nTHRESHOLD = 0.7\n", path="settings/config.py")
    assert sorted(finding.key for finding in found) == ["learning_rate=0.05", "max_depth=6", "threshold=0.7"]


def test_rule_files_named_after_ml_words_are_not_model_code() -> None:
    assert not run("MAX_TAGS = 3\n", path="rules/checks/pipeline_jungle.py")
    assert run("MAX_TAGS = 3\n", path="src/pipelines/tagging.py")


def test_values_on_one_line_are_one_finding() -> None:
    [finding] = run(
        "import xgboost as xgb\n"
        "m = xgb.XGBClassifier(max_depth=6, n_estimators=800, learning_rate=0.05, subsample=0.8, gamma=2)\n"
    )
    assert finding.key == "gamma=2;learning_rate=0.05;max_depth=6;n_estimators=800;subsample=0.8"
    assert (
        "`max_depth=6`, `n_estimators=800`, `learning_rate=0.05`, `subsample=0.8` and 1 more are set"
        in finding.message
    )


def test_adding_a_value_to_an_unexplained_line_makes_it_new() -> None:
    base = {"train.py": "import xgboost as xgb\nm = xgb.XGBClassifier(max_depth=6)\n"}
    [finding] = run("import xgboost as xgb\nm = xgb.XGBClassifier(max_depth=6, learning_rate=0.05)\n", base)
    assert finding.new


def test_stale_value_beside_others_is_called_out() -> None:
    base = {"params.yaml": "opt: {lr: 0.01, wd: 0.1}  # sweep 2024-01 chose lr 0.01\n"}
    [finding] = run(
        "opt: {lr: 0.02, weight_decay: 0.1}  # sweep 2024-01 chose lr 0.01\n", base, path="params.yaml"
    )
    assert finding.new and finding.key == "opt.lr=0.02"
    assert "previous value" in finding.message


def test_library_defaults_need_no_context_even_when_the_pr_moves_to_them() -> None:
    """Spelling out Adam's 1e-3 or going back to it restores a convention; nobody tuned it."""
    assert not run(
        "import torch\nopt = torch.optim.Adam(params, lr=1e-3)\n"
        "model = LGBMClassifier(num_leaves=31, n_estimators=100)\n"
    )
    base = {"train.py": "import torch\nopt = torch.optim.Adam(params, lr=3e-4)\n"}
    assert not new(run("import torch\nopt = torch.optim.Adam(params, lr=1e-3)\n", base))


def test_alpha_variable_in_plotting_code_is_transparency() -> None:
    head = "import numpy as np\nimport matplotlib.pyplot as plt\n\nalpha = 0.35\nmodel = Ridge(alpha=0.3)\n"
    assert [finding.key for finding in run(head)] == ["alpha=0.3"]


@pytest.mark.parametrize(
    "comment",
    [
        "# learning_rate / 10 usually",
        "# make a bit bigger because number of tokens per iter is small",
        "# 4 * d_model",
        "# make equal to max_iters",
        "# half of hidden_size",
        "# largest that fits on one A100",
        "# smaller, otherwise the loss diverges",
        "# rule of thumb for small data",
        "# per the paper, section 4.2",
        "# so that warmup covers one epoch",
    ],
)
def test_reasons_rules_of_thumb_and_derivations_are_context(comment: str) -> None:
    assert gives_reason(comment)


@pytest.mark.parametrize(
    "comment",
    [
        "# learning rate",
        "# minimum learning rate",
        "# higher is more conservative",
        "# tokens / 10",
        "# 1/10 of the data",
        "# same as above",
    ],
)
def test_restatements_and_arithmetic_on_plain_words_give_no_reason(comment: str) -> None:
    assert not gives_reason(comment)


def test_a_reason_counts_only_at_the_value_not_in_a_docstring() -> None:
    head = (
        '"""Training entry point, kept small because it runs in CI."""\nimport torch\n\nDROPOUT = 0.3\n'
        "WEIGHT_DECAY = 0.05  # larger because the data is tiny\n"
    )
    assert [finding.key for finding in run(head)] == ["dropout=0.3"]


def test_a_reason_in_a_config_comment_counts() -> None:
    head = "train:\n  lr: 0.0006  # 2x the base lr because the batch doubled\n  epochs: 30  # epochs\n"
    assert [finding.key for finding in run(head, path="params.yaml")] == ["train.epochs=30"]


def test_a_reason_that_quotes_the_old_value_is_stale() -> None:
    base = {"train.py": "import torch\nBETA2 = 0.99  # 0.99 because tokens per iter is small\n"}
    [finding] = new(run("import torch\nBETA2 = 0.95  # 0.99 because tokens per iter is small\n", base))
    assert "previous value" in finding.message


def test_training_arguments_defaults_count_only_for_their_own_class() -> None:
    assert not run(
        "from transformers import TrainingArguments\n"
        "args = TrainingArguments(output_dir='o', learning_rate=5e-5)\n"
    )
    assert not run(
        "from trl import SFTConfig\n"
        "args = SFTConfig(output_dir='o', learning_rate=2e-5, num_train_epochs=3)\n"
    )
    assert [finding.key for finding in run("import torch\nopt = torch.optim.AdamW(params, lr=5e-5)\n")] == [
        "lr=5e-05"
    ]
    assert [
        finding.key
        for finding in run(
            "from trl import SFTConfig\nargs = SFTConfig(output_dir='o', learning_rate=5e-5)\n"
        )
    ] == ["learning_rate=5e-05"]


def test_moving_a_training_argument_to_its_default_is_not_reported() -> None:
    base = {
        "train.py": "from transformers import TrainingArguments\n"
        "args = TrainingArguments(output_dir='o', num_train_epochs=5)\n"
    }
    assert not new(
        run(
            "from transformers import TrainingArguments\n"
            "args = TrainingArguments(output_dir='o', num_train_epochs=3)\n",
            base,
        )
    )


def test_candidate_grid_entries_are_not_tuned_values() -> None:
    grid = (
        "import lightgbm as lgb\n\nlgbm_parameters = [\n    {'num_leaves': 100, 'learning_rate': 0.05},\n"
        "    {'num_leaves': 200, 'learning_rate': 0.01},\n]\n"
    )
    assert not run(grid, path="model_parameters/grid.py")


def test_nested_dict_inside_a_candidate_is_part_of_the_search() -> None:
    grid = "import torch\n\nsearch = [{'optim': {'lr': 0.02}}, {'optim': {'lr': 0.005}}]\n"
    assert not run(grid)


def test_mixed_list_or_unpacked_target_is_not_a_grid() -> None:
    mixed = "import torch\n\nruns = [BASE, {'lr': 0.02}]\n"
    unpacked = "import torch\n\na, b = [{'lr': 0.02}, {'lr': 0.005}]\n"
    assert [finding.line for finding in run(mixed)] == [3]
    assert [finding.line for finding in run(unpacked)] == [3]


def test_per_layer_settings_are_a_chosen_configuration() -> None:
    layers = (
        "import torch\n\n"
        "layer_specs = [{'hidden_size': 256, 'dropout': 0.2}, {'hidden_size': 128, 'dropout': 0.3}]\n"
    )
    assert [finding.line for finding in run(layers)] == [3]
