"""`.github/mldebt.yml`: every setting reaches the rules, and a broken file means errors plus defaults."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rules.config import CONFIG_PATH, Config, RuleSettings, load_config
from rules.examples import run_case
from rules.finding import Severity
from rules.rule import Case

NOW = datetime(2026, 1, 15, tzinfo=UTC)
STALE = Case({"README.md": "# churn model\n"}, oldest_commit=NOW - timedelta(days=45), now=NOW)


def test_no_file_empty_file_and_null_document_mean_defaults() -> None:
    for text in (None, "", "   \n", "# nothing yet\n", "null\n"):
        assert load_config(text) == (Config(), [])


def test_every_setting_is_read() -> None:
    config, errors = load_config(
        """
rules:
  stale-branch: false
  pipeline-jungle: {enabled: false}
  unpinned-dependencies: {severity: low}
  missing-data-versioning: {severity: high, enabled: true}
fail_on: [medium, high]
include: ["src/*", "pipelines/*"]
exclude: ["src/vendor/*"]
feature_registry: [docs/features.yaml]
stale_branch_days: 14
trackers: [our_mlflow_wrapper]
"""
    )
    assert errors == []
    assert not config.settings("stale-branch").enabled and not config.settings("pipeline-jungle").enabled
    assert config.settings("unpinned-dependencies") == RuleSettings(enabled=True, severity=Severity.LOW)
    assert config.settings("missing-data-versioning").severity is Severity.HIGH
    assert config.settings("some-other-rule") == RuleSettings()
    assert config.fail_on == frozenset({Severity.MEDIUM, Severity.HIGH})
    assert config.feature_registry == ("docs/features.yaml",)
    assert config.stale_branch_days == 14 and config.trackers == ("our_mlflow_wrapper",)
    options = config.options_for("stale-branch")
    assert options["stale_branch_days"] == 14 and options["feature_registry"] == ("docs/features.yaml",)


@pytest.mark.parametrize(
    ("path", "reviewed"),
    [
        ("src/train.py", True),
        ("src/models/net.py", True),
        ("pipelines/etl.py", True),
        ("src/vendor/lib.py", False),
        ("notebooks/eda.ipynb", False),
        ("train.py", False),
    ],
)
def test_include_and_exclude_globs(path: str, reviewed: bool) -> None:
    config, _ = load_config('include: ["src/*", "pipelines/*"]\nexclude: ["src/vendor/*"]\n')
    assert config.reviews(path) is reviewed


def test_without_include_everything_not_excluded_is_reviewed() -> None:
    config, _ = load_config('exclude: ["*.ipynb", "third_party/*"]\n')
    assert config.reviews("train.py") and config.reviews("a/b/c.yaml")
    assert not config.reviews("notebooks/eda.ipynb") and not config.reviews("third_party/x/y.py")


def test_rule_options_pass_through_and_override_repo_wide_ones() -> None:
    config, errors = load_config(
        "stale_branch_days: 20\nrules:\n  stale-branch:\n    stale_branch_days: 60\n    severity: low\n"
    )
    assert errors == []
    assert config.options_for("stale-branch")["stale_branch_days"] == 60
    assert config.options_for("pipeline-jungle")["stale_branch_days"] == 20


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("rules: [stale-branch\n", "is not valid YAML"),
        ("fail_on: [blocker]\n", "fail_on/0"),
        ("stale_branch_days: 0\n", "stale_branch_days"),
        ("stale_branch_days: soon\n", "stale_branch_days"),
        ("rules:\n  stale-branch: {severity: urgent}\n", "rules/stale-branch"),
        ("rules:\n  stale-branch: off-ish\n", "rules/stale-branch"),
        ("exlude: ['*.csv']\n", "exlude"),
        ("feature_registry: []\n", "feature_registry"),
        ("- just\n- a list\n", "(top)"),
        ("a: &a [x, x]\nb: [*a, *a]\n", "aliases"),
    ],
)
def test_invalid_config_gives_errors_and_defaults(text: str, fragment: str) -> None:
    config, errors = load_config(text)
    assert config == Config()
    assert errors and all(error.startswith(CONFIG_PATH) for error in errors)
    assert any(fragment in error for error in errors), errors


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("fail_on: [high]\nrules: [stale-branch\n", "custom.yml:3 is not valid YAML: expected ',' or ']'"),
        ("trackers: []\nstale_branch_days: 0\n", "custom.yml:2: stale_branch_days: 0 is less than"),
        ("rules:\n  stale-branch: true\n  pipeline-jungle: {severity: urgent}\n", "custom.yml:3: rules/"),
        ("- just\n- a list\n", "custom.yml: (top): "),
    ],
)
def test_errors_name_the_file_and_the_line(text: str, error: str) -> None:
    _, errors = load_config(text, "custom.yml")
    assert [message[: len(error)] for message in errors] == [error]


def test_alias_bomb_is_refused_quickly() -> None:
    levels = ["a0: &a0 [" + ", ".join(["x"] * 9) + "]"]
    levels += [f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]" for n in range(1, 12)]
    config, errors = load_config("\n".join(levels) + "\n")
    assert config == Config() and "aliases" in errors[0]


def test_unknown_rule_id_is_reported_but_the_rest_applies() -> None:
    config, errors = load_config(
        "rules:\n  stale-branches: false\n  pipeline-jungle: false\nfail_on: [low]\n"
    )
    assert errors == [f"{CONFIG_PATH}:2: rules: unknown rule id 'stale-branches'"]
    assert not config.settings("pipeline-jungle").enabled and config.fail_on == frozenset({Severity.LOW})


def test_engine_applies_stale_branch_days_rule_switches_and_severity() -> None:
    assert [f.rule for f in run_case(STALE).findings] == ["stale-branch"]
    relaxed = Case(STALE.head, oldest_commit=STALE.oldest_commit, now=NOW, config="stale_branch_days: 60\n")
    assert run_case(relaxed).findings == []
    off = Case(
        STALE.head, oldest_commit=STALE.oldest_commit, now=NOW, config="rules:\n  stale-branch: false\n"
    )
    assert run_case(off).findings == []
    lowered = Case(
        STALE.head,
        oldest_commit=STALE.oldest_commit,
        now=NOW,
        config="rules:\n  stale-branch: {severity: critical}\n",
    )
    result = run_case(lowered)
    assert [f.severity for f in result.findings] == [Severity.CRITICAL]
    assert [f.rule for f in result.blocking] == ["stale-branch"]


def test_fail_on_decides_what_blocks() -> None:
    assert run_case(STALE).blocking == []
    strict = Case(STALE.head, oldest_commit=STALE.oldest_commit, now=NOW, config="fail_on: [medium]\n")
    assert [f.rule for f in run_case(strict).blocking] == ["stale-branch"]


def test_excluded_paths_reach_no_rule_not_even_pull_request_level_ones() -> None:
    data = "id,value\n" + "".join(f"{i},{i * 0.5}\n" for i in range(20_000))
    flagged = Case({"data/train.csv": data})
    assert [f.rule for f in run_case(flagged).findings] == ["missing-data-versioning"]
    excluded = Case({"data/train.csv": data}, config="exclude: ['data/*']\n")
    assert run_case(excluded).findings == []


MAGIC = (
    "import pandas as pd\n\n\ndef keep(df: pd.DataFrame) -> pd.DataFrame:\n    return df[df.score > 0.73]\n"
)
PER_PATH = """per_path:
  "notebooks/*": {ignore: [magic-number]}
  "tests/*": {ignore: [hardcoded-path, magic-number]}
"""


def _rules_by_path(case: Case) -> set[tuple[str, str]]:
    return {(finding.path, finding.rule) for finding in run_case(case).findings}


def test_per_path_ignores_turn_a_rule_off_only_where_the_glob_matches() -> None:
    files = {"src/score.py": MAGIC, "notebooks/eda/score.py": MAGIC}
    assert _rules_by_path(Case(files)) == {
        ("src/score.py", "magic-number"),
        ("notebooks/eda/score.py", "magic-number"),
    }
    assert _rules_by_path(Case(files, config=PER_PATH)) == {("src/score.py", "magic-number")}


def test_a_per_path_ignore_leaves_other_rules_running_there() -> None:
    loader = 'import pandas as pd\n\n\ndef load():\n    return pd.read_csv("/home/alice/data.csv")\n'
    found = _rules_by_path(Case({"notebooks/load.py": loader}, config=PER_PATH))
    assert ("notebooks/load.py", "hardcoded-path") in found


def test_a_suppression_of_a_rule_ignored_for_the_path_is_not_called_unused() -> None:
    code = MAGIC.replace("0.73]", "0.73]  # mldebt: ignore[magic-number] calibrated in FR-12")
    assert _rules_by_path(Case({"notebooks/score.py": code}, config=PER_PATH)) == set()


def test_per_path_ignores_reach_pull_request_level_rules() -> None:
    data = "id,value\n" + "".join(f"{i},{i * 0.5}\n" for i in range(20_000))
    config = "per_path:\n  'data/*': {ignore: [missing-data-versioning]}\n"
    assert run_case(Case({"data/train.csv": data}, config=config)).findings == []


def test_per_path_mistakes_name_the_file_and_line() -> None:
    _, errors = load_config("fail_on: [high]\nper_path:\n  'tests/*': {ignore: [magic-numbers]}\n", "m.yml")
    assert errors == ["m.yml:3: per_path/tests/*/ignore: unknown rule id 'magic-numbers'"]
    config, errors = load_config("per_path:\n  'tests/*': {ignroe: [magic-number]}\n", "m.yml")
    assert config == Config()
    assert [error.split(": ")[0] for error in errors] == ["m.yml:2", "m.yml:2"]
    assert "'ignore' is a required property" in " ".join(errors)
