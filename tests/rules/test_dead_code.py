"""dead-code: what parses as code, what is prose or an example, and identity across versions."""

from __future__ import annotations

import pytest

from rules.checks.dead_code_files import disabled_blocks
from rules.checks.dead_code_parse import code_runs, debug_only, parses_as_code, parses_as_fragment
from rules.examples import findings_of
from rules.finding import Finding
from rules.rule import Case, all_rules
from rules.source import FileKind

RULE = all_rules()["dead-code"]


def run(head: str, base: dict[str, str] | None = None, path: str = "train.py") -> list[Finding]:
    return findings_of(RULE, Case(head, base=base or {}, path=path))


@pytest.mark.parametrize(
    "text",
    [
        "return early",
        "import data",
        "not used",
        "global settings",
        "Note: foo",
        "pass",
        "pylint: disable=invalid-name",
        "x",
        "y = w * x + b",
    ],
)
def test_sentences_and_bare_words_are_not_code(text: str) -> None:
    assert not parses_as_code(text)


@pytest.mark.parametrize(
    "text",
    [
        "model.fit(X, y)",
        "lr = 0.01",
        "import numpy as np",
        "from x import y",
        "for b in loader:\n    step(b)",
        "df['a'] = df.b / 2",
    ],
)
def test_statements_are_code(text: str) -> None:
    assert parses_as_code(text)


def test_code_runs_skip_prose_between_code() -> None:
    lines = ["old training loop:", "for b in loader:", "    step(b)", "", "kept for reference", "print(x)"]
    assert code_runs(lines) == [(1, 3), (5, 6)]


def test_moved_commented_block_is_existing_debt() -> None:
    base = {"train.py": "import torch\n\n# model.half()\nrun()\n\n\ndef f():\n    pass\n"}
    head = "import torch\n\nrun()\n\n\ndef f():\n    # model.half()\n    pass\n"
    found = run(head, base)
    assert found and not any(finding.new for finding in found)


def test_new_commented_line_next_to_old_is_new() -> None:
    base = {"train.py": "import torch\n\nrun()\n"}
    [finding] = run("import torch\n\n# model.half()\nrun()\n", base)
    assert finding.new and finding.line == 3


def test_whole_block_is_one_finding_spanning_its_lines() -> None:
    [finding] = run("import torch\n\n# a = load()\n# b = a.mean()\n# print(b)\nrun()\n")
    assert (finding.line, finding.end_line) == (3, 5)
    assert finding.message.startswith("3 lines of commented-out code")


def test_uncomment_hint_is_an_explained_option() -> None:
    assert not run("import torch\n\n# Uncomment to profile:\n# torch.cuda.synchronize()\nrun()\n")


def test_licence_header_and_prose_are_silent() -> None:
    prose = "".join(
        f"# Line {index} of the licence: you may not use this file except in compliance.\n"
        for index in range(180)
    )
    assert not run(prose + "import torch\n")


def test_prose_string_statement_is_not_code() -> None:
    assert not run('import torch\n\nx = 1\n"""\nThis section builds the features. It is slow.\n"""\n')


def test_disabled_if_with_else_reports_the_if_line() -> None:
    [finding] = run("import torch\n\nif False:\n    a()\nelse:\n    b()\n")
    assert (finding.line, finding.end_line) == (3, 4)


def test_suppression_with_reason_silences() -> None:
    assert not run(
        "import torch\n\n# mldebt: ignore[dead-code] kept for the upcoming A/B test, ML-77\n# model.half()\n"
        "run()\n"
    )


def test_single_commented_yaml_option_is_a_documented_setting() -> None:
    assert not findings_of(
        RULE, Case("train:\n  lr: 0.1\n  # warmup_steps: 500\n  # scheduler: cosine\n", path="params.yaml")
    )


def test_commented_yaml_section_is_found_and_a_prose_lead_in_documents_it() -> None:
    section = "# augment:\n#   flip: true\n#   crop: 224\n"
    [finding] = findings_of(RULE, Case("data:\n  root: data/\n" + section, path="params.yaml"))
    assert (finding.line, finding.end_line) == (3, 5)
    assert not findings_of(
        RULE, Case("data:\n  root: data/\n# or, for the augmented run:\n" + section, path="params.yaml")
    )


@pytest.mark.parametrize(
    "line",
    [
        "python train.py --lr 3e-4",
        "CUDA_VISIBLE_DEVICES=1 torchrun --nproc_per_node 2 train.py",
        "rm -rf outputs/",
        "dvc repro -s train",
    ],
)
def test_commented_shell_commands_are_found(line: str) -> None:
    [block] = disabled_blocks(FileKind.SHELL, ["set -e", f"# {line}", "python serve.py"])
    assert block.start == block.end == 2


@pytest.mark.parametrize(
    "line",
    [
        "make sure the bucket exists",
        "cd into the data folder and run the export from there",
        "python is needed, see below.",
        "Example: python x.py --a 1",
    ],
)
def test_shell_prose_is_not_a_command(line: str) -> None:
    assert not disabled_blocks(FileKind.SHELL, [f"# {line}", "python serve.py"])


@pytest.mark.parametrize(
    "text",
    [
        '"income",',
        "StandardScaler(),",
        '"lr": 0.1,',
        '"a": 1,\n"b": [1, 2],',
        "verbose=False,",
        "eval_set=[(X, y)],\nearly_stopping_rounds=50,",
    ],
)
def test_cut_out_entries_and_arguments_are_fragments(text: str) -> None:
    assert parses_as_fragment(text)


@pytest.mark.parametrize(
    "text", ["however,", "tls=True", "x, y,", '"quoted words" in prose,', "note, see below,", "a: 1,"]
)
def test_prose_and_positional_lists_are_not_fragments(text: str) -> None:
    assert not parses_as_fragment(text)


def test_code_commented_twice_is_found() -> None:
    [finding] = run("import torch\n\n# # model = model.half()\nrun()\n")
    assert finding.line == 3


def test_one_line_labels_are_not_code() -> None:
    assert not run("import torch\n\n# tls=True\n\n# run_setup ()\nrun()\n")


def test_indented_commented_code_is_found() -> None:
    [finding] = run("import torch\n\n\ndef f(m):\n    #     m.half()\n    #     m.cuda()\n    return m\n")
    assert (finding.line, finding.end_line) == (5, 6)


@pytest.mark.parametrize(
    "text",
    [
        "print(df)",
        "display(df.head())",
        "df.head()",
        "df.info()",
        "logger.debug('x %s', x)",
        "breakpoint()",
        "import pdb; pdb.set_trace()",
        "print(a)\nprint(b)",
        "df.shape",
    ],
)
def test_inspection_and_breakpoints_are_debug_lines(text: str) -> None:
    assert debug_only(text)


@pytest.mark.parametrize(
    "text",
    [
        "df = df.dropna()\nprint(df)",
        "model.fit(X, y)",
        "import torch",
        "for b in loader:\n    print(b)",
        "print(",
        "",
    ],
)
def test_logic_is_not_a_debug_line(text: str) -> None:
    assert not debug_only(text)


@pytest.mark.parametrize(
    "note",
    [
        "# If you have a GPU:",
        "# for multi-GPU training",
        "# On Windows",
        "# for CPU only",
        "# also add",
        "# if running on colab",
    ],
)
def test_opt_in_lead_ins_explain_the_code_below(note: str) -> None:
    assert not run(f"import torch\n\n{note}\n# model = model.cuda()\nrun()\n")


def test_platform_words_that_do_not_lead_in_explain_nothing() -> None:
    [finding] = run("import torch\n\n# forward on gpu\n# model = model.cuda()\nrun()\n")
    assert finding.line == 4


def test_old_yaml_value_beside_its_live_key_is_found() -> None:
    [block] = disabled_blocks(
        FileKind.YAML, ["model:", "  # dropout: 0.3", "  dropout: 0.1", "  # layers: 4"]
    )
    assert (block.start, block.end) == (2, 2)
    assert not disabled_blocks(
        FileKind.YAML, ["model:", "  dropout: 0.1", "  # dropout: 0.3  # for the small data"]
    )
