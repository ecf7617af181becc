"""GitHub's own webhook examples (octokit, MIT; see ../shared/github-payloads/SOURCE.md), read in place."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

PAYLOADS = Path(__file__).resolve().parents[1].parent / "shared" / "github-payloads"


def load(event: str, name: str) -> dict[str, Any]:
    path = PAYLOADS / event / name
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: CI needs ../shared beside the checkout")
    payload: dict[str, Any] = json.loads(path.read_text())
    return payload


def on_pull_request(payload: dict[str, Any], number: int = 12) -> dict[str, Any]:
    """An issue_comment example made into a PR comment, as SOURCE.md says the tests must."""
    adapted = copy.deepcopy(payload)
    base = f"https://api.github.com/repos/{adapted['repository']['full_name']}/pulls/{number}"
    adapted["issue"]["number"] = number
    adapted["issue"]["pull_request"] = {
        "url": base,
        "html_url": base.replace("api.github.com/repos", "github.com"),
        "diff_url": base + ".diff",
        "patch_url": base + ".patch",
        "merged_at": None,
    }
    return adapted
