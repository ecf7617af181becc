"""`per_path` in `.github/mldebt.yml` as `mldebt scan` users meet it: rules off for matching paths only."""

from __future__ import annotations

from datetime import timedelta

from tests.cli.conftest import NOW, Repo

MAGIC = (
    "import pandas as pd\n\n\ndef keep(df: pd.DataFrame) -> pd.DataFrame:\n    return df[df.score > 0.73]\n"
)
CONFIG = "per_path:\n  'notebooks/**': {ignore: [magic-number]}\nfail_on: [critical]\n"


def test_a_per_path_ignore_silences_one_rule_in_matching_folders_only(repo: Repo) -> None:
    repo.commit(
        {".github/mldebt.yml": CONFIG, "README.md": "# churn\n"}, "base", when=NOW - timedelta(days=3)
    )
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit({"src/keep.py": MAGIC, "notebooks/eda/keep.py": MAGIC}, "keep", when=NOW - timedelta(days=1))
    findings, done = repo.findings("--base", "main", "--head", "feature")
    assert done.returncode == 0
    assert {(item["path"], item["rule"]) for item in findings} == {("src/keep.py", "magic-number")}


def test_an_unknown_rule_in_per_path_stops_the_scan_naming_the_line(repo: Repo) -> None:
    repo.commit(
        {".github/mldebt.yml": "per_path:\n  'tests/*':\n    ignore: [magic-numbers]\n", "README.md": "#\n"},
        "base",
        when=NOW - timedelta(days=3),
    )
    done = repo.scan(".")
    assert done.returncode == 2
    assert "  .github/mldebt.yml:3: per_path/tests/*/ignore: unknown rule id 'magic-numbers'" in done.stderr
