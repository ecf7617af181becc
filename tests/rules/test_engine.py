"""The engine's contract, with probe rules so real rules can change without breaking it.

New vs existing vs fixed, suppressions, config overrides, and files that cannot
be read: those are notes, never a failed review.
"""

from __future__ import annotations

from collections.abc import Iterable

import libcst
import pytest

from rules.checks.suppression_unknown_rule import SuppressionUnknownRule
from rules.checks.suppression_without_reason import SuppressionWithoutReason
from rules.checks.unused_suppression import UnusedSuppression
from rules.config import load_config
from rules.engine import ChangedFile, ReviewInput, ScanResult, scan
from rules.finding import Finding, Severity
from rules.repo import DictRepo
from rules.rule import ChangeContext, ChangeRule, FileContext, FileRule, PythonRule, Rule, all_rules
from rules.source import MAX_FILE_BYTES, FileKind


class PrintProbe(PythonRule):
    """Flags `print(...)`; the key is the engine's default (the flagged line's text)."""

    id = "probe-print"
    severity = Severity.HIGH
    title = "probe"

    def visit_Call(self, node: libcst.Call) -> None:
        if isinstance(node.func, libcst.Name) and node.func.value == "print":
            self.flag(node, "print call")


class TodoProbe(FileRule):
    """Flags `TODO` lines in YAML; keyed by the words after it, so re-indenting is not new."""

    id = "probe-todo"
    severity = Severity.LOW
    title = "probe"
    kinds = frozenset({FileKind.YAML})

    def check(self, ctx: FileContext) -> Iterable[Finding]:
        for number, text in enumerate(ctx.file.lines, start=1):
            if "TODO" in text:
                words = " ".join(text.split("TODO", 1)[1].split())
                yield self.make(ctx.file.path, number, "todo", key=f"todo:{words}")


class BoomProbe(PythonRule):
    id = "probe-boom"
    severity = Severity.LOW
    title = "probe"

    def visit_Name(self, node: libcst.Name) -> None:
        if node.value == "boom":
            raise RuntimeError("rule bug")


class AddedProbe(ChangeRule):
    id = "probe-added"
    severity = Severity.MEDIUM
    title = "probe"
    kinds = frozenset(FileKind)

    def check_change(self, ctx: ChangeContext) -> Iterable[Finding]:
        return [
            self.make(path, 1, "added") for path, status in sorted(ctx.changed.items()) if status == "added"
        ]


class InTestsProbe(PythonRule):
    id = "probe-in-tests"
    severity = Severity.LOW
    title = "probe"
    applies_to_tests = True

    def visit_Pass(self, node: libcst.Pass) -> None:
        self.flag(node, "pass")


class HygieneProbe(PythonRule):
    """A production-hygiene rule: flags `pass`, but not in docs or library examples."""

    id = "probe-hygiene"
    severity = Severity.LOW
    title = "probe"
    applies_to_examples = False

    def visit_Pass(self, node: libcst.Pass) -> None:
        self.flag(node, "pass")


PROBES: tuple[type[Rule], ...] = (
    PrintProbe,
    TodoProbe,
    BoomProbe,
    AddedProbe,
    InTestsProbe,
    HygieneProbe,
    SuppressionWithoutReason,
    SuppressionUnknownRule,
    UnusedSuppression,
)


@pytest.fixture(autouse=True)
def only_probes(monkeypatch: pytest.MonkeyPatch) -> None:
    all_rules()
    monkeypatch.setattr("rules.rule._RULES", {rule.id: rule for rule in PROBES})


def review(*changed: ChangedFile, config: str = "", base: dict[str, str] | None = None) -> ScanResult:
    head = {item.path: item.head for item in changed if item.head is not None}
    parsed, errors = load_config(config)
    assert not errors
    return scan(
        ReviewInput(changed=list(changed), repo=DictRepo(base or {}, {**(base or {}), **head}), config=parsed)
    )


def ids(findings: list[Finding]) -> list[tuple[str, int, bool]]:
    return sorted((finding.rule, finding.line, finding.new) for finding in findings)


BASE = "import pandas as pd\n\nprint('loading')\ndf = pd.read_parquet('f.parquet')\nprint(df.shape)\n"


def test_moved_debt_is_existing_new_debt_on_touched_line_is_new_and_removed_debt_is_fixed() -> None:
    head = (
        "import pandas as pd\n\n\ndef load():\n    pass\n\nprint('loading')\n"
        "df = pd.read_parquet('f.parquet')\nprint(df.columns)\n"
    )
    result = review(ChangedFile("etl.py", "modified", head=head, base=BASE))
    prints = [finding for finding in result.findings if finding.rule == "probe-print"]
    assert ids(prints) == [("probe-print", 7, False), ("probe-print", 9, True)]
    assert [(finding.rule, finding.line) for finding in result.fixed] == [("probe-print", 5)]
    assert [finding.line for finding in result.new if finding.rule == "probe-print"] == [9]


@pytest.mark.parametrize(
    "head", ["print('a')\nprint('a')\nx = 1\n", "x = 0\nprint('a')\nx = 1\nprint('a')\n"]
)
def test_a_pasted_duplicate_of_existing_debt_is_new_wherever_the_diff_aligns_it(head: str) -> None:
    base = "print('a')\nx = 1\n"
    result = review(ChangedFile("etl.py", "modified", head=head, base=base))
    prints = [finding for finding in result.findings if finding.rule == "probe-print"]
    assert sorted(finding.new for finding in prints) == [False, True]


def test_key_decides_sameness_not_line_or_indentation() -> None:
    base = "model:\n  depth: 6  # TODO tune depth\n"
    head = "seed: 7\nmodel:\n    depth: 8    # TODO   tune depth\n  # TODO pick a loss\n"
    result = review(ChangedFile("params.yaml", "modified", head=head, base=base))
    assert ids(result.findings) == [("probe-todo", 3, False), ("probe-todo", 4, True)]
    assert result.fixed == []


def test_renamed_file_compares_with_its_previous_content() -> None:
    result = review(ChangedFile("pipeline/etl.py", "renamed", head=BASE, base=BASE, previous_path="etl.py"))
    assert result.findings and not result.new and not result.fixed
    assert {finding.path for finding in result.findings} == {"pipeline/etl.py"}


def test_added_file_findings_are_all_new_and_removed_files_are_not_scanned() -> None:
    result = review(ChangedFile("new.py", "added", head=BASE), ChangedFile("old.py", "removed", base=BASE))
    assert all(finding.new for finding in result.findings)
    assert {finding.path for finding in result.findings} == {"new.py"}
    assert result.files_scanned == 1


def test_a_stale_suppression_is_reported_where_the_pr_leaves_it_and_is_existing_debt_elsewhere() -> None:
    stale = "x = 1  # mldebt: ignore[probe-print] the CLI prints\n"
    base = {"cli.py": stale + "y = 2\n"}
    touched = review(
        ChangedFile("cli.py", "modified", head="print('a')\n" + stale, base=base["cli.py"]), base=base
    )
    assert ids(touched.findings) == [("probe-print", 1, True), ("unused-suppression", 2, False)]
    edited = review(
        ChangedFile("cli.py", "modified", head=stale.replace("x = 1", "x = 3"), base=base["cli.py"]),
        base=base,
    )
    assert ids(edited.findings) == [("unused-suppression", 1, True)]


def test_suppression_with_reason_silences_and_one_without_is_reported() -> None:
    head = (
        "print('a')  # mldebt: ignore[probe-print] CLI entry point, output is the interface\n"
        "# mldebt: "
        "ignore[probe-print]\n"  # split so this file does not carry the debt it tests
        "print('b')\n"
        "print('c')  # mldebt: ignore[other-rule] wrong rule named\n"
    )
    result = review(ChangedFile("cli.py", "added", head=head))
    assert ids(result.findings) == [
        ("probe-added", 1, True),
        ("probe-print", 4, True),
        ("suppression-unknown-rule", 4, True),
        ("suppression-without-reason", 2, True),
    ]


def test_unreadable_files_are_notes_and_the_rest_is_still_reviewed() -> None:
    result = review(
        ChangedFile("model.py", "added", head=b"\x00\x01\x02binary"),
        ChangedFile("latin.py", "added", head="print('caf\u00e9')\n".encode("latin-1")),
        ChangedFile("huge.py", "added", head=b"x = 1\n" * (MAX_FILE_BYTES // 6 + 1)),
        ChangedFile("huge_text.py", "added", head="x = 1\n" * (MAX_FILE_BYTES // 6 + 1)),
        ChangedFile("broken.py", "added", head="def f(:\n    print('x')\n"),
        ChangedFile("api.py", "added", skip_reason="GitHub returned no content"),
        ChangedFile("ok.py", "added", head="print('fine')\n"),
        ChangedFile("weights.pt", "added", head=b"\x80\x02binary"),
    )
    notes = {note.path: note.reason for note in result.notes}
    assert notes["model.py"] == "binary file"
    assert notes["latin.py"] == "not UTF-8 text"
    assert notes["huge.py"].startswith("larger than") and notes["huge_text.py"].startswith("larger than")
    assert notes["broken.py"].startswith("Python syntax error at line")
    assert notes["api.py"] == "GitHub returned no content"
    assert "weights.pt" not in notes
    assert [(f.path, f.rule) for f in result.findings if f.rule == "probe-print"] == [
        ("ok.py", "probe-print")
    ]


def test_a_rule_that_crashes_costs_one_file_never_the_review() -> None:
    result = review(
        ChangedFile("a.py", "added", head="boom = 1\nprint(boom)\n"),
        ChangedFile("b.py", "added", head="print(1)\n"),
    )
    assert [note.path for note in result.notes] == ["a.py"] and "internal error" in result.notes[0].reason
    assert [(f.path, f.rule) for f in result.findings if f.rule == "probe-print"] == [("b.py", "probe-print")]


def test_config_disables_overrides_severity_and_excludes_paths_for_every_rule_shape() -> None:
    config = (
        "rules:\n  probe-todo: false\n  probe-print: {severity: low}\nexclude: ['vendor/*']\n"
        "fail_on: [medium]\n"
    )
    result = review(
        ChangedFile("params.yaml", "added", head="lr: 0.1  # TODO\n"),
        ChangedFile("train.py", "added", head="print(1)\n"),
        ChangedFile("vendor/lib.py", "added", head="print(1)\n"),
        config=config,
    )
    assert ids(result.findings) == [
        ("probe-added", 1, True),
        ("probe-added", 1, True),
        ("probe-print", 1, True),
    ]
    assert {f.path for f in result.findings} == {"params.yaml", "train.py"}
    assert [f.severity for f in result.findings if f.rule == "probe-print"] == [Severity.LOW]
    assert [f.rule for f in result.blocking] == ["probe-added", "probe-added"]


def test_tests_are_skipped_unless_the_rule_applies_to_them() -> None:
    result = review(ChangedFile("tests/test_etl.py", "added", head="def test_x():\n    print(1)\n    pass\n"))
    assert {f.rule for f in result.findings} == {"probe-in-tests", "probe-added"}


@pytest.mark.parametrize(
    ("path", "skipped"),
    [
        ("examples/python-guide/simple_example.py", True),
        ("demo/guide-python/cat_in_the_dat.py", True),
        ("lib/docs/source/conf_example.py", True),
        ("Tutorials/intro.py", True),
        ("src/examples_loader/load.py", False),
        ("src/demo_app.py", False),
        ("examples.py", False),
    ],
)
def test_rules_that_skip_examples_skip_whole_example_folders_at_any_depth_and_nothing_else(
    path: str, skipped: bool
) -> None:
    result = review(ChangedFile(path, "added", head="print(1)\npass\n"))
    rules = {f.rule for f in result.findings}
    assert "probe-print" in rules and ("probe-hygiene" not in rules) is skipped


def test_score_and_delta_weigh_severity() -> None:
    result = review(ChangedFile("etl.py", "modified", head="x = 1\nprint(x)\n", base=BASE))
    assert result.score == 5 and result.delta == 5 - 2 * 5
    assert [f.severity for f in result.blocking] == [Severity.HIGH]
