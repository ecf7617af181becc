"""Which new helpers count as parked: a helper is wired when another changed file names it as a word."""

from __future__ import annotations

import libcst

from rules.engine import ChangedFile
from rules.module_facts import Scope
from rules.wiring import unwired

HEAD = "def build_features(df):\n    return df\n\n\ndef build_labels(df):\n    return df\n"


def _functions() -> list[Scope]:
    module = libcst.parse_module(HEAD)
    return [
        Scope(statement.name.value, statement)
        for statement in module.body
        if isinstance(statement, libcst.FunctionDef)
    ]


def _parked(*others: ChangedFile) -> list[str]:
    changed = [ChangedFile("features.py", "added", head=HEAD), *others]
    return [scope.name for scope in unwired(_functions(), "features.py", HEAD, None, changed)]


def test_a_helper_no_other_file_names_is_parked_beside_one_that_is_called() -> None:
    caller = ChangedFile("train.py", "modified", head=b"from features import build_features\n")
    assert _parked(caller) == ["build_labels"]


def test_a_name_inside_a_longer_word_is_not_a_call() -> None:
    caller = ChangedFile("train.py", "modified", head="build_features(df)\nrebuild_labels_v2 = 1\n")
    assert _parked(caller) == ["build_labels"]


def test_each_review_is_judged_on_its_own_changed_files() -> None:
    assert _parked(ChangedFile("train.py", "modified", head="build_features(df)\n")) == ["build_labels"]
    both = ChangedFile("train.py", "modified", head="build_features(df)\nbuild_labels(df)\n")
    assert _parked(both) == []
    assert _parked(ChangedFile("notes.md", "modified", head="nothing here")) == [], (
        "nothing wired, nothing assumed"
    )
