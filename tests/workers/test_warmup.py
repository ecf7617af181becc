"""The worker loads, before it forks, the githubkit models of every endpoint the gateways call, so that no
job's first GitHub call waits on importing them."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from workers.warmup import ENDPOINTS

ROOT = Path(__file__).resolve().parents[2]


def test_every_endpoint_the_workers_call_is_warmed() -> None:
    called = {
        (namespace, name)
        for path in (ROOT / "workers").glob("*.py")
        for namespace, name in re.findall(r"\brest\.(\w+)\.(\w+)\b", path.read_text(encoding="utf-8"))
    }
    assert called, "no githubkit REST call found in workers/: the pattern above no longer matches them"
    assert called <= set(ENDPOINTS), f"not warmed: {sorted(called - set(ENDPOINTS))}"


def test_after_the_warm_up_a_review_s_first_calls_import_no_model() -> None:
    """In a fresh interpreter: warm up, then parse the answers of a review's first calls and count the
    model modules that still had to be imported."""
    script = """
import importlib, sys
from workers.warmup import load_models
from githubkit import GitHub
assert load_models()
client = GitHub("unused")
models = importlib.import_module(type(client.rest.checks).__module__.rsplit(".", 2)[0] + ".models")
before = set(sys.modules)
for name in ("CheckRun", "DiffEntry", "InstallationToken", "PullRequestReviewComment"):
    getattr(models, name)
print(len([name for name in set(sys.modules) - before if ".models" in name]))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "0", done.stderr
