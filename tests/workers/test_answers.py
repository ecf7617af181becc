"""What `/mldebt help` and `/mldebt explain` say, word for word: users read these replies."""

from __future__ import annotations

from rules.docs import DocsLinks
from workers.answers import HELP, explain


def test_help_lists_every_command() -> None:
    assert HELP == (
        "mldebt understands these commands:\n\n"
        "- `/mldebt rescore` — review the latest push again and post a fresh check run "
        "(needs write access to this repository).\n"
        "- `/mldebt explain <rule-id>` — what a rule checks and why, with a link to its page.\n"
        "- `/mldebt help` — this list."
    )


def test_explain_answers_from_the_rule_itself() -> None:
    answer, known = explain("`Unused-Suppression`", DocsLinks())
    assert known
    assert answer == (
        "**`unused-suppression`** (low): Suppression that suppresses nothing.\n\n"
        "A suppression that no longer silences anything (ruff's RUF100 for mldebt).\n\n"
        "[What this rule checks and why](https://github.com/mldebt/mldebt/blob/main/docs/rules/unused-suppression.md)"
        " · silence one place with `# mldebt: ignore[unused-suppression] <reason>`"
    )


def test_a_misspelt_rule_gets_the_closest_id() -> None:
    answer, known = explain("hardcoded-paths", DocsLinks())
    assert not known
    assert answer.splitlines()[0] == "`hardcoded-paths` is not an mldebt rule. Did you mean `hardcoded-path`?"


def test_an_unknown_rule_gets_the_list_and_pings_no_one() -> None:
    answer, known = explain("@octocat-paths", DocsLinks())
    assert not known
    # In a code span a mention pings no one.
    assert answer.splitlines()[0] == "`@octocat-paths` is not an mldebt rule."
    assert "`hardcoded-path`" in answer and "`stale-branch`" in answer


def test_explain_without_a_rule_asks_for_one() -> None:
    answer, known = explain("", DocsLinks())
    assert not known and answer.startswith("Name the rule to explain.")
