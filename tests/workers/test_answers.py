"""What `/mldebt help` and `/mldebt explain` say, word for word: users read these replies."""

from __future__ import annotations

from core.jobs import COMMAND
from workers.answers import HELP, RULE_HELP, THREAD_HELP, explain


def test_help_lists_every_command() -> None:
    assert HELP == (
        "mldebt understands these commands:\n\n"
        "- `/mldebt rescore` — review the latest push again and post a fresh check run "
        "(needs write access to this repository).\n"
        "- `/mldebt ignore <reason>` in reply to an mldebt review comment — dismiss its finding in this pull "
        "request; `/mldebt unignore` there brings it back (needs write access).\n"
        "- `/mldebt ignore <rule-id> <reason>` — dismiss every finding of a rule in this pull request; "
        "`/mldebt unignore <rule-id>` brings them back (needs write access).\n"
        "- `/mldebt explain <rule-id>` — what a rule checks and why, with a link to its page.\n"
        "- `/mldebt help` — this list."
    )


def test_the_thread_and_rule_help_say_how_to_dismiss_and_are_no_commands_themselves() -> None:
    assert THREAD_HELP == (
        "To dismiss this finding in this pull request, reply `/mldebt ignore <reason>` here, saying why;"
        " `/mldebt ignore false-positive <reason>` or `/mldebt ignore wont-fix <reason>` also says what kind."
        " Reply `/mldebt unignore` to bring it back. Both need write access to this repository."
    )
    assert RULE_HELP == (
        "To dismiss every finding of a rule in this pull request, comment"
        " `/mldebt ignore <rule-id> <reason>`, saying why"
        " (`/mldebt ignore <rule-id> false-positive <reason>` or `wont-fix` also says what kind);"
        " `/mldebt unignore <rule-id>` brings them back. To dismiss one finding, reply"
        " `/mldebt ignore <reason>` to its review comment instead."
    )
    # mldebt's own answers must never read as a command to it.
    assert all(COMMAND.search(text) is None for text in (HELP, THREAD_HELP, RULE_HELP))


def test_explain_answers_from_the_rule_itself() -> None:
    answer, known = explain("`Unused-Suppression`")
    assert known
    assert answer == (
        "**`unused-suppression`** (low): Suppression that suppresses nothing.\n\n"
        "A suppression that no longer silences anything (ruff's RUF100 for mldebt).\n\n"
        "[What this rule checks and why](https://github.com/mldebt/mldebt/blob/main/docs/rules/unused-suppression.md)"
        " · silence one place with `# mldebt: ignore[unused-suppression] <reason>`"
    )


def test_a_misspelt_rule_gets_the_closest_id() -> None:
    answer, known = explain("hardcoded-paths")
    assert not known
    assert answer.splitlines()[0] == "`hardcoded-paths` is not an mldebt rule. Did you mean `hardcoded-path`?"


def test_an_unknown_rule_gets_the_list_and_pings_no_one() -> None:
    answer, known = explain("@octocat-paths")
    assert not known
    # In a code span a mention pings no one.
    assert answer.splitlines()[0] == "`@octocat-paths` is not an mldebt rule."
    assert "`hardcoded-path`" in answer and "`stale-branch`" in answer


def test_explain_without_a_rule_asks_for_one() -> None:
    answer, known = explain("")
    assert not known and answer.startswith("Name the rule to explain.")
