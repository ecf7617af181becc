"""no-experiment-tracking: which trackers count, DVC stages, configured wrappers, and new versus existing."""

from __future__ import annotations

import pytest

from rules.examples import run_case
from rules.finding import Finding
from rules.rule import Case

RULE = "no-experiment-tracking"
SCRIPT = (
    "import joblib\nfrom sklearn.ensemble import RandomForestClassifier\n"
    "from sklearn.metrics import f1_score\n{imports}\n"
    "def main():\n{setup}    model = RandomForestClassifier().fit(X_train, y_train)\n"
    "    print(f1_score(y_test, model.predict(X_test)))\n    joblib.dump(model, 'model.joblib')\n\n"
    "if __name__ == '__main__':\n    main()\n"
)


def untracked(
    head: str | dict[str, str],
    base: dict[str, str] | None = None,
    path: str = "src/train.py",
    config: str = "",
) -> list[Finding]:
    case = Case(head, base=base or {}, path=path, config=config)
    return [finding for finding in run_case(case).findings if finding.rule == RULE]


def script(imports: str = "", setup: str = "") -> str:
    return SCRIPT.format(imports=imports, setup=setup)


@pytest.mark.parametrize(
    ("imports", "setup"),
    [
        ("import mlflow\n", "    mlflow.start_run()\n"),
        ("import wandb\n", "    wandb.init(project='churn')\n"),
        ("from dvclive import Live\n", "    live = Live()\n"),
        ("from clearml import Task\n", "    Task.init(project_name='churn')\n"),
        ("import neptune\n", "    run = neptune.init_run()\n"),
        ("from comet_ml import Experiment\n", "    Experiment()\n"),
        ("from torch.utils.tensorboard import SummaryWriter\n", "    writer = SummaryWriter('runs')\n"),
        ("from aim import Run\n", "    Run()\n"),
    ],
)
def test_trackers_that_count(imports: str, setup: str) -> None:
    assert untracked(script(imports, setup)) == []


def test_an_import_alone_is_not_tracking() -> None:
    [finding] = untracked(script("import mlflow  # noqa: F401\n"))
    assert finding.line == 7
    assert "evaluates it (`f1_score`, line 8)" in finding.message


def test_configured_tracker_module_and_function() -> None:
    assert (
        untracked(
            script("from acme.ml import tracking\n", "    tracking.start('churn')\n"),
            config="trackers: [acme.ml.tracking]\n",
        )
        == []
    )
    assert untracked(script("", "    record_run('churn')\n"), config="trackers: [record_run]\n") == []
    assert len(untracked(script("", "    record_run('churn')\n"))) == 1


@pytest.mark.parametrize(
    ("dvc_path", "dvc_yaml", "tracked"),
    [
        ("dvc.yaml", "stages:\n  train:\n    cmd: python src/train.py\n    metrics: [metrics.json]\n", True),
        ("dvc.yaml", "stages:\n  train:\n    cmd: [python -m src.train --fast]\n    plots: [plots/]\n", True),
        (
            "pipelines/churn/dvc.yaml",
            "stages:\n  train:\n    cmd: python ../../src/train.py\n    metrics: [m.json]\n",
            True,
        ),
        ("src/dvc.yaml", "stages:\n  train:\n    cmd: python train.py\n    metrics: [m.json]\n", True),
        ("dvc.yaml", "stages:\n  train:\n    cmd: python src/train.py\n    outs: [model.joblib]\n", False),
        ("dvc.yaml", "stages:\n  evaluate:\n    cmd: python src/evaluate.py\n    metrics: [m.json]\n", False),
        ("dvc.yaml", "stages: [not, a, mapping]\n", False),
        # Metrics declared downstream: by the stage consuming the model,
        # through an export stage, or from a folder output.
        (
            "dvc.yaml",
            "stages:\n  train:\n    cmd: python src/train.py\n    params: [train]\n"
            "    outs: [models/model.joblib]\n"
            "  evaluate:\n    cmd: python src/evaluate.py\n    deps: [models/model.joblib]\n"
            "    metrics: [eval/metrics.json]\n",
            True,
        ),
        (
            "dvc.yaml",
            "stages:\n  train:\n    cmd: python src/train.py\n    outs:\n    - ./models:\n"
            "        persist: true\n"
            "  export:\n    cmd: python src/export.py\n    deps: [models/model.joblib]\n"
            "    outs: [model.onnx]\n"
            "  evaluate:\n    cmd: python src/evaluate.py\n    deps: [model.onnx]\n"
            "    plots: [eval/roc.json]\n",
            True,
        ),
        # DVC 3 / DVCLive: metrics and plots declared at the top level,
        # inside what the evaluate stage outputs.
        (
            "dvc.yaml",
            "stages:\n  train:\n    cmd: python src/train.py\n    outs: [model.joblib]\n"
            "  evaluate:\n    cmd: python src/evaluate.py\n    deps: [model.joblib]\n    outs: [eval]\n"
            "metrics:\n- eval/metrics.json\n",
            True,
        ),
        (
            "dvc.yaml",
            "stages:\n  train:\n    cmd: python src/train.py\n    outs: [model.joblib]\n"
            "  evaluate:\n    cmd: python src/evaluate.py\n    deps: [model.joblib]\n    outs: [eval]\n"
            "plots:\n- ROC:\n    x: fpr\n    y:\n      eval/plots/roc.json: tpr\n",
            True,
        ),
        (
            "dvc.yaml",
            "stages:\n  train:\n    cmd: python src/train.py\n    outs: [model.joblib]\n"
            "  report:\n    cmd: python src/report.py\n    outs: [reports]\nmetrics:\n"
            "- reports/data_stats.json\n",
            False,
        ),
        # Upstream of the train stage, or beside it on the same inputs, is not this run's evaluation.
        (
            "dvc.yaml",
            "stages:\n  featurize:\n    cmd: python src/featurize.py\n    outs: [data/features]\n"
            "    metrics: [data/stats.json]\n"
            "  train:\n    cmd: python src/train.py\n    deps: [data/features]\n    outs: [model.joblib]\n"
            "  baseline:\n    cmd: python src/baseline.py\n    deps: [data/features]\n"
            "    metrics: [baseline.json]\n",
            False,
        ),
    ],
)
def test_dvc_stage_with_metrics_tracks_the_script(dvc_path: str, dvc_yaml: str, tracked: bool) -> None:
    found = untracked({"src/train.py": script(), dvc_path: dvc_yaml, ".dvc/config": ""})
    assert (found == []) is tracked


def test_a_pipeline_outside_a_dvc_repository_does_not_count() -> None:
    """DVC runs nothing without `dvc init` (the `.dvc/` folder);
    the tree is not searched there (the bot would list it all)."""
    beside = "stages:\n  train:\n    cmd: python train.py\n    metrics: [m.json]\n"
    assert len(untracked({"src/train.py": script(), "src/dvc.yaml": beside})) == 1


def test_huggingface_and_lightning_defaults() -> None:
    hf = (
        "from transformers import Trainer, TrainingArguments\n\ndef main():\n"
        "    args = TrainingArguments(output_dir='out'{extra})\n"
        "    trainer = Trainer(model=m, args=args, train_dataset=ds)\n"
        "    trainer.train()\n    trainer.save_model('out')\n"
    )
    assert untracked(hf.format(extra="")) == []
    assert untracked(hf.format(extra=", report_to=['tensorboard']")) == []
    assert len(untracked(hf.format(extra=", report_to=[]"))) == 1
    lightning = (
        "import lightning.pytorch as pl\n\ndef main():\n    t = pl.Trainer({extra})\n"
        "    t.fit(m, dm)\n    t.save_checkpoint('x.ckpt')\n"
    )
    assert untracked(lightning.format(extra="max_epochs=3")) == []
    assert len(untracked(lightning.format(extra="logger=False"))) == 1


def test_fit_without_outputs_or_outputs_without_fit_are_left_alone() -> None:
    assert (
        untracked(
            "from sklearn.cluster import KMeans\n\nif __name__ == '__main__':\n"
            "    labels = KMeans(4).fit(X).labels_\n"
        )
        == []
    )
    assert (
        untracked(
            "import joblib\nfrom sklearn.metrics import f1_score\n\nif __name__ == '__main__':\n"
            "    m = joblib.load('m')\n    print(f1_score(y, m.predict(X)))\n"
        )
        == []
    )


def test_existing_untracked_run_stays_existing_when_the_output_changes() -> None:
    before = script()
    after = before.replace(
        "joblib.dump(model, 'model.joblib')", "joblib.dump(model, 'models/model.joblib', compress=3)"
    )
    [finding] = untracked(after, base={"src/train.py": before})
    assert not finding.new


def test_removing_the_tracker_makes_it_new() -> None:
    before = script("import mlflow\n", "    mlflow.sklearn.autolog()\n")
    [finding] = untracked(script("import mlflow\n"), base={"src/train.py": before})
    assert finding.new
