"""Shared settings under a repository's own (`_extends`, the organisation's `.github`): which file, and how
the two combine."""

from __future__ import annotations

import pytest

from rules.config import CONFIG_PATH, parse_config
from rules.config_layers import SharedSource, layered, shared_source
from rules.finding import Severity

REPO = "octo-org/churn-model"


@pytest.mark.parametrize(
    ("value", "source"),
    [
        (".github", SharedSource("octo-org/.github", CONFIG_PATH, named=True)),
        ("ml-settings", SharedSource("octo-org/ml-settings", CONFIG_PATH, named=True)),
        ("acme/ml-settings", SharedSource("acme/ml-settings", CONFIG_PATH, named=True)),
        (
            "ml-settings:teams/vision.yml",
            SharedSource("octo-org/ml-settings", "teams/vision.yml", named=True),
        ),
    ],
)
def test_extends_names_a_repository_of_the_same_owner_or_another_and_optionally_a_file(
    value: str, source: SharedSource
) -> None:
    assert shared_source(parse_config(f"_extends: {value}\n"), REPO) == source


def test_only_a_repository_without_settings_falls_back_to_its_organisations() -> None:
    org = SharedSource("octo-org/.github", CONFIG_PATH, named=False)
    assert shared_source(parse_config(None), REPO) == org
    assert shared_source(parse_config("# nothing yet\n"), REPO) == org
    assert shared_source(parse_config("fail_on: [critical]\n"), REPO) is None
    assert shared_source(parse_config("fail_on: [blocker]\n"), REPO) is None, "invalid: the defaults"
    assert shared_source(parse_config(None), "octo-org/.github") is None


@pytest.mark.parametrize("value", ["acme/ml/settings", "ml settings", "ml-settings:notes.txt", "[a, b]"])
def test_a_malformed_extends_is_a_config_error(value: str) -> None:
    parsed = parse_config(f"fail_on: [low]\n_extends: {value}\n", "m.yml")
    assert parsed.data is None and parsed.problems[0].startswith("m.yml:2: _extends: ")


def test_own_settings_win_maps_merge_key_by_key_and_lists_are_replaced() -> None:
    shared = parse_config(
        "fail_on: [critical, high, medium]\nexclude: ['vendor/*']\nstale_branch_days: 10\n"
        "rules:\n  magic-number: {severity: low}\n  stale-branch: false\n"
        "per_path:\n  'notebooks/*': {ignore: [magic-number]}\n"
    )
    own = parse_config(
        "_extends: ml-settings\nfail_on: [critical]\nrules:\n  magic-number: {enabled: false}\n"
        "per_path:\n  'tests/*': {ignore: [hardcoded-path]}\n"
    )
    config = layered(own, shared)
    assert config.fail_on == frozenset({Severity.CRITICAL})
    assert config.exclude == ("vendor/*",) and config.stale_branch_days == 10
    magic = config.settings("magic-number")
    assert not magic.enabled and magic.severity is Severity.LOW
    assert not config.settings("stale-branch").enabled
    assert config.ignores("magic-number", "notebooks/a.py") and config.ignores("hardcoded-path", "tests/t.py")


def test_an_invalid_shared_file_leaves_the_repositorys_own_settings() -> None:
    own = parse_config("_extends: ml-settings\nfail_on: [low]\n")
    config = layered(own, parse_config("fail_on: [blocker]\nstale_branch_days: 3\n"))
    assert config.fail_on == frozenset({Severity.LOW}) and config.stale_branch_days == 30
