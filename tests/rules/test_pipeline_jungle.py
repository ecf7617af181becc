"""pipeline-jungle: copies by name or by content, reported once per copied folder, with bounded reads."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping

import pytest

from rules.checks.pipeline_jungle import CANDIDATES_PER_FILE, READS_PER_PR
from rules.checks.pipeline_jungle_examples import SERVE, SHARDS, SHARDS_TAIL, TRAIN, TRAIN_TWEAKED
from rules.checks.pipeline_jungle_names import name_variant, strip_tags
from rules.engine import ChangedFile, ReviewInput, scan
from rules.examples import run_case
from rules.finding import Finding
from rules.repo import DictRepo, Side
from rules.rule import Case

RULE = "pipeline-jungle"


def jungle(
    head: Mapping[str, str | bytes | None], base: Mapping[str, str | bytes] | None = None
) -> list[Finding]:
    return [finding for finding in run_case(Case(head, base=base or {})).findings if finding.rule == RULE]


class CountingRepo(DictRepo):
    def __init__(self, base: dict[str, str], head: dict[str, str]) -> None:
        super().__init__(base, head)
        self.reads: list[str] = []

    def list_paths(self, at: Side = "head") -> Collection[str]:
        return super().list_paths(at)

    def read_text(self, path: str, at: Side = "head") -> str | None:
        self.reads.append(path)
        return super().read_text(path, at)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("train_v2", [("train", True)]),
        ("train_FINAL", [("train", True)]),
        ("Copy of train", [("train", True)]),
        ("train (2)", [("train", True)]),
        ("model_final_v3", [("model_final", True), ("model", True)]),
        ("stage2", [("stage", False)]),
        ("renew", []),
        ("x_test", []),
        ("conv2d", []),
    ],
)
def test_strip_tags(name: str, expected: list[tuple[str, bool]]) -> None:
    assert strip_tags(name) == expected


def test_nearest_original_wins_and_versioned_families_are_left_alone() -> None:
    variant = name_variant("src/model_final_v3.py", {"src/model.py", "src/model_final.py"})
    assert variant is not None and variant.original == "src/model_final.py"
    assert name_variant("api/schema_v2.py", {"api/schema.py", "api/schema-v1.py"}) is None
    assert name_variant("train_v2.py", {"src/train.py"}) is None


def test_finding_names_both_files_on_line_one() -> None:
    [finding] = jungle({"pipelines/train_new.py": TRAIN_TWEAKED}, base={"pipelines/train.py": TRAIN})
    assert (finding.path, finding.line, finding.new) == ("pipelines/train_new.py", 1, True)
    assert "`pipelines/train_new.py` is a variant of `pipelines/train.py`" in finding.message


def test_content_copy_reports_the_share() -> None:
    [finding] = jungle(
        {"jobs/retrain_weekly.py": TRAIN_TWEAKED},
        base={"jobs/retrain_daily.py": TRAIN, "jobs/serve.py": SERVE},
    )
    assert "repeats 86% of `jobs/retrain_daily.py`" in finding.message


def test_copied_folder_is_one_finding() -> None:
    base = {"etl/extract.py": TRAIN, "etl/load.py": SERVE, "etl/transform.py": TRAIN_TWEAKED}
    head = {path.replace("etl/", "etl_old/"): text for path, text in base.items()}
    [finding] = jungle(head, base=base)
    assert finding.path == "etl_old/extract.py" and "Folder `etl_old/` copies `etl/`" in finding.message


def test_renames_are_not_copies() -> None:
    repo = DictRepo({"train.py": TRAIN}, {"train_v2.py": TRAIN_TWEAKED})
    changed = [
        ChangedFile("train_v2.py", "renamed", head=TRAIN_TWEAKED, base=TRAIN, previous_path="train.py")
    ]
    assert not [f for f in scan(ReviewInput(changed=changed, repo=repo)).findings if f.rule == RULE]


def test_small_files_and_boilerplate_are_exempt() -> None:
    small = "import torch\n\nmodel = torch.nn.Linear(4, 2)\n"
    assert not jungle({"model_v2.py": small}, base={"model.py": small})
    assert not jungle({"protos/model_v2_pb2.py": TRAIN}, base={"protos/model_pb2.py": TRAIN})
    assert not jungle({"svc/model_pb2.py": TRAIN}, base={"svc/model.py": TRAIN})
    setup = TRAIN.replace("def main", "def setup_package")
    assert not jungle({"packages/features/setup.py": setup}, base={"packages/training/setup.py": setup})


def test_notebooks_compare_by_code() -> None:
    def notebook(code: str) -> str:
        cells: list[dict[str, object]] = [
            {
                "cell_type": "code",
                "execution_count": None,
                "metadata": {},
                "outputs": [],
                "source": code.splitlines(keepends=True),
            }
        ]
        return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1)

    [finding] = jungle(
        {"notebooks/eda_gbm.ipynb": notebook(TRAIN_TWEAKED)}, base={"notebooks/eda.ipynb": notebook(TRAIN)}
    )
    assert "repeats" in finding.message
    assert not jungle({"notebooks/eda_gbm.ipynb": "{not json"}, base={"notebooks/eda.ipynb": notebook(TRAIN)})


def test_comparisons_are_bounded() -> None:
    existing = {
        f"jobs/job_{index:03}.py": SERVE.replace("/health", f"/health{index}") * 2 for index in range(200)
    }
    added = {f"jobs/new_{index:03}.py": TRAIN + f"# {index}\n" for index in range(30)}
    repo = CountingRepo(existing, {**existing, **added})
    changed = [ChangedFile(path, "added", head=text) for path, text in added.items()]
    findings = [f for f in scan(ReviewInput(changed=changed, repo=repo)).findings if f.rule == RULE]
    assert findings == []
    assert len(repo.reads) <= READS_PER_PR and len(set(repo.reads)) == len(repo.reads)
    assert len(existing) > CANDIDATES_PER_FILE


def test_suppression_anywhere_in_the_file_keeps_it() -> None:
    kept = TRAIN_TWEAKED.replace(
        "def main", "# mldebt: ignore[pipeline-jungle] shadow run for EXP-9 until March\ndef main"
    )
    assert not jungle({"train_shadow_v2.py": kept}, base={"train_shadow.py": TRAIN})


def test_numbered_copy_is_measured_by_where_its_lines_come_from() -> None:
    """Half a long original, copied whole, is a copy even though the two files are far apart in size."""
    original = SHARDS + SHARDS_TAIL + SHARDS_TAIL.replace("ShardWriter", "ShardAppender")
    [finding] = jungle({"data/shards2.py": SHARDS}, base={"data/shards.py": original})
    assert finding.line == 1


def test_tagged_copy_of_a_file_added_alongside_it() -> None:
    [finding] = jungle({"data/shards.py": SHARDS + SHARDS_TAIL, "data/shards_v2.py": SHARDS})
    assert finding.path == "data/shards_v2.py" and "same change" in finding.message
    assert not jungle({"data/shards.py": SHARDS, "data/shards_v2.py": SERVE})
