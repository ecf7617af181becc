"""What the check run says about the settings a review used, word for word (`workers.repo_config`)."""

from __future__ import annotations

from rules.engine import ChangedFile, ConfigNote
from rules.finding import Severity
from tests.fakes.github_port import RecordingGitHub
from workers.port import Blob
from workers.repo_config import edit_notes, review_settings

REPO = "octo-org/churn-model"
FROM_BASE = "mldebt reads its settings from the base branch, so"


def test_a_deleted_config_and_a_misnamed_one_are_explained() -> None:
    notes = edit_notes(
        [
            ChangedFile(".github/mldebt.yml", "removed", base="fail_on: [low]\n"),
            ChangedFile(".github/mldebt.yaml", "added", head="fail_on: [low]\n"),
            ChangedFile("train.py", "modified", head="x = 1\n", base="x = 2\n"),
        ]
    )
    assert notes == [
        ConfigNote(
            f"This pull request deletes `.github/mldebt.yml`. {FROM_BASE} this review still used it;"
            " after merge, shared or default settings apply."
        ),
        ConfigNote(
            "This pull request adds `.github/mldebt.yaml`, which mldebt does not read:"
            " name it `.github/mldebt.yml`."
        ),
    ]


def test_an_edit_with_only_unknown_rule_ids_still_applies_and_says_so() -> None:
    [note] = edit_notes(
        [ChangedFile(".github/mldebt.yml", "modified", head=b"rules:\n  magic-numbers: false\n", base="")]
    )
    assert note.text.endswith(
        "this review used the base branch's settings. The new version applies, but has problems:"
    )
    assert note.details == (".github/mldebt.yml:2: rules: unknown rule id 'magic-numbers'",)


def test_an_organisation_file_in_error_means_the_defaults_and_costs_no_read_of_its_own() -> None:
    gh = RecordingGitHub()
    settings = review_settings(gh, REPO, None, Blob("fail_on: [urgent]\n"))
    assert settings.config.fail_on == frozenset({Severity.CRITICAL, Severity.HIGH})
    assert settings.errors == [
        "octo-org/.github:.github/mldebt.yml:1: fail_on/0: 'urgent' is not one of"
        " ['critical', 'high', 'medium', 'low']"
    ]
    assert settings.notes == [
        ConfigNote(
            "`octo-org/.github:.github/mldebt.yml` was ignored because of the problems below;"
            " mldebt used its defaults."
        )
    ]
    assert gh.calls == [], "the review's first query read the organisation's file"


def test_extends_naming_the_organisations_file_takes_it_from_the_first_query_and_another_costs_one_read() -> (
    None
):
    shared = {("octo-org/ml-settings", ".github/mldebt.yml"): Blob("fail_on: [low]\n")}
    gh = RecordingGitHub(shared=shared)
    org_file = Blob("fail_on: [critical]\n")
    settings = review_settings(gh, REPO, "_extends: .github\n", org_file)
    assert settings.config.fail_on == frozenset({Severity.CRITICAL}) and gh.calls == []
    settings = review_settings(gh, REPO, "_extends: ml-settings\n", org_file)
    assert settings.config.fail_on == frozenset({Severity.LOW})
    assert gh.called("read_shared_config") == [("octo-org/ml-settings", ".github/mldebt.yml")]


def test_an_invalid_base_file_reads_nothing_shared() -> None:
    gh = RecordingGitHub()
    settings = review_settings(gh, REPO, "_extends: ml-settings\nfail_on: [urgent]\n", Blob(None))
    assert gh.calls == [] and settings.errors[0].startswith(".github/mldebt.yml:2: fail_on/0:")
