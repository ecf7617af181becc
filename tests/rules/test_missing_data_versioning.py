"""missing-data-versioning: once per pull request, DVC and LFS honoured wherever they are declared."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from rules.checks.missing_data_versioning import _is_data_path, _lfs_tracked
from rules.engine import ChangedFile, ReviewInput, scan
from rules.examples import run_case
from rules.finding import Finding
from rules.repo import DictRepo
from rules.rule import Case

BIG_CSV = "id,x\n" + "".join(f"{i},{i / 7:.5f}\n" for i in range(12_000))
PICKLE = b"\x80\x04\x95\x00binary"


def flagged(
    head: Mapping[str, str | bytes | None], base: Mapping[str, str | bytes] | None = None, config: str = ""
) -> list[Finding]:
    result = run_case(Case(head, base=base or {}, config=config))
    return [finding for finding in result.findings if finding.rule == "missing-data-versioning"]


def test_one_finding_lists_the_first_files_and_counts_the_rest() -> None:
    files = {f"data/part_{index}.parquet": b"PAR1\x00" for index in range(5)}
    [finding] = flagged({**files, "models/model.pkl": PICKLE})
    assert (finding.path, finding.line, finding.new) == ("data/part_0.parquet", 1, True)
    assert "6 data files" in finding.message and "and 3 more" in finding.message
    assert "`data/part_0.parquet`, `data/part_1.parquet`, `data/part_2.parquet`" in finding.message


def test_single_file_message_is_singular() -> None:
    [finding] = flagged({"models/churn.joblib": PICKLE})
    assert "1 data file straight" in finding.message


def test_modified_and_renamed_data_files_are_not_additions() -> None:
    repo = DictRepo(
        {"data/a.parquet": b"PAR1", "data/old.csv": BIG_CSV},
        {"data/a.parquet": b"PAR1x", "data/new.csv": BIG_CSV},
    )
    changed = [
        ChangedFile("data/a.parquet", "modified", head=b"PAR1x", base=b"PAR1"),
        ChangedFile("data/new.csv", "renamed", head=BIG_CSV, base=BIG_CSV, previous_path="data/old.csv"),
    ]
    result = scan(ReviewInput(changed=changed, repo=repo))
    assert not [f for f in result.findings if f.rule == "missing-data-versioning"]


def test_text_tables_are_judged_by_size() -> None:
    assert not flagged({"data/labels.csv": "id,name\n0,cat\n1,dog\n"})
    assert flagged({"data/train.csv": BIG_CSV})
    assert flagged({"data/train.tsv": BIG_CSV.replace(",", "\t")})


def test_nested_gitattributes_and_later_lines_win() -> None:
    rules = [
        ("", "*.parquet", True),
        ("data/raw", "*.parquet", False),
        ("", "models/**", True),
        ("models", "*.onnx", False),
    ]
    assert _lfs_tracked("data/clean/a.parquet", rules)
    assert not _lfs_tracked("data/raw/a.parquet", rules)
    assert _lfs_tracked("models/v1/weights.pt", rules)
    assert not _lfs_tracked("models/model.onnx", rules)


def test_lfs_patterns_read_from_gitattributes_at_head() -> None:
    attributes = "# large files\n*.ckpt filter=lfs diff=lfs merge=lfs -text\n/data/**/*.parquet filter=lfs\n"
    assert not flagged(
        {"checkpoints/last.ckpt": b"PK", "data/x/y.parquet": b"PAR1", ".gitattributes": attributes}
    )
    assert flagged({"y.parquet": b"PAR1", ".gitattributes": attributes})
    nested = {"data/.gitattributes": "*.npy filter=lfs\n"}
    assert not flagged({"data/emb/v.npy": b"\x93NUMPY"}, base=nested)
    assert flagged({"emb/v.npy": b"\x93NUMPY"}, base=nested)


def test_dvc_outputs_are_relative_to_their_pipeline_and_cover_folders() -> None:
    pipeline = {
        "ml/dvc.yaml": "stages:\n  train:\n    cmd: python train.py\n    outs:\n      - models\n"
        "      - reports/scores.csv:\n          cache: false\n"
    }
    assert not flagged({"ml/models/model.pt": b"\x80", "ml/reports/scores.csv": BIG_CSV}, base=pipeline)
    assert flagged({"models/model.pt": b"\x80"}, base=pipeline)


def test_broken_dvc_yaml_does_not_break_the_rule() -> None:
    assert flagged(
        {"models/a.pt": b"\x80"}, base={"dvc.yaml": "stages: [broken\n", "other/dvc.yaml": "- a list\n"}
    )


def test_test_fixtures_are_fine_anywhere() -> None:
    assert not flagged(
        {
            "tests/data/sample.parquet": b"PAR1",
            "src/pkg/tests/fixtures/m.pkl": PICKLE,
            "testdata/big.csv": BIG_CSV,
        }
    )


def test_suppressed_by_exclude_and_rule_switch() -> None:
    assert not flagged({"models/m.pkl": PICKLE}, config="rules:\n  missing-data-versioning: false\n")
    assert not flagged({"models/m.pkl": PICKLE}, config="exclude: ['models/*']\n")


def test_message_cannot_break_out_of_backticks() -> None:
    [finding] = flagged({"data/`@team <b>`.parquet": b"PAR1"})
    assert "`data/'@team <b>'.parquet`" in finding.message


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("data/train.csv.gz", True),
        ("models/bert/pytorch_model.bin", True),
        ("weights/encoder.bin", True),
        ("firmware/image.bin", False),
        ("src/model.py", False),
        ("configs/model.yaml", False),
        ("data/README.md", False),
        ("exports/model.onnx", True),
        ("llm/q4.gguf", True),
    ],
)
def test_data_paths(path: str, data: bool) -> None:
    assert _is_data_path(path) is data
