"""We are a debt linter: our own history must pass our own rules."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_mldebt_history_passes_mldebt_scan() -> None:
    roots = subprocess.run(
        ["git", "rev-list", "--max-parents=0", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    if roots.returncode != 0 or not roots.stdout.strip():
        pytest.skip("not a git checkout with history")
    first = roots.stdout.split()[-1]
    scan = subprocess.run(
        [
            sys.executable,
            "-m",
            "rules.cli",
            "scan",
            "--repo",
            str(ROOT),
            "--base",
            first,
            "--head",
            "HEAD",
            "--format",
            "json",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    findings = json.loads(scan.stdout)
    new = [f"{f['path']}:{f['line']} {f['rule']}" for f in findings if f["new"]]
    assert scan.returncode == 0 and new == [], "\n".join(new)
