"""`--fix` on files: fixes that would break a file together are written as far as the file still parses."""

from __future__ import annotations

import ast
from pathlib import Path

from rules.cli_fix import fixed_lines, write_fixes
from rules.examples import run_case
from rules.rule import Case

BODY_OF_TWO = (
    "import torch\n\n\ndef setup(model):\n    if False:\n        model = torch.compile(model)\n"
    "    if False:\n        model.half()\n"
)


def test_the_fix_that_would_empty_a_body_is_left_and_the_rest_written(tmp_path: Path) -> None:
    (tmp_path / "train.py").write_text(BODY_OF_TWO, encoding="utf-8")
    findings = run_case(Case(BODY_OF_TWO)).findings
    written = write_fixes(tmp_path, findings)
    assert fixed_lines(written) == ["train.py:5: fixed dead-code", "1 fix applied"]
    text = (tmp_path / "train.py").read_text(encoding="utf-8")
    assert text == "import torch\n\n\ndef setup(model):\n    if False:\n        model.half()\n"
    ast.parse(text)


def test_a_symlink_is_never_written_through(tmp_path: Path) -> None:
    outside = tmp_path / "outside.py"
    outside.write_text(BODY_OF_TWO, encoding="utf-8")
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "train.py").symlink_to(outside)
    assert write_fixes(tmp_path / "repo", run_case(Case(BODY_OF_TWO)).findings) == []
    assert outside.read_text(encoding="utf-8") == BODY_OF_TWO
