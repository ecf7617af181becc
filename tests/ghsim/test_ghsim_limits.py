"""GitHub's limits that arise on their own.

Patches of large diffs, tree listings by size, secondary rate limits.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from githubkit.exception import RequestFailed

from ghsim import Repo, SimulatedGitHub
from tests.ghsim.conftest import open_pr

LONG = "".join(f"value_{n} = {n}\n" for n in range(21_000))


def _files(gh: Any, number: int) -> dict[str, dict[str, Any]]:
    return {f["filename"]: f for f in gh.rest.pulls.list_files("octo-org", "ml-repo", number).json()}


def test_a_text_diff_past_20000_lines_or_500_kb_has_no_patch_but_keeps_its_counts(
    repo: Repo, gh: Any
) -> None:
    wide = "x = '" + "w" * 600_000 + "'\n"
    pr = open_pr(
        repo,
        {"long.py": "start = 0\n", "wide.py": "x = 1\n", "small.py": "a = 1\n"},
        {"long.py": "start = 0\n" + LONG, "wide.py": wide, "small.py": "a = 2\n"},
        title="t",
        body="b",
        user="alice",
    )
    files = _files(gh, pr.number)
    assert "patch" not in files["long.py"] and files["long.py"]["additions"] == 21_000
    assert "patch" not in files["wide.py"] and (
        files["wide.py"]["additions"],
        files["wide.py"]["deletions"],
    ) == (1, 1)
    assert files["small.py"]["patch"].startswith("@@ -1 +1 @@")


def test_a_recursive_tree_is_cut_by_its_size_in_json_as_well_as_by_its_entries(
    sim: SimulatedGitHub, repo: Repo, gh: Any
) -> None:
    sha = repo.commit("main", {f"pkg/module_{n:03}.py": f"V = {n}\n" for n in range(60)})
    sim.tree_size_limit = 3_000
    cut = gh.rest.git.get_tree("octo-org", "ml-repo", sha, recursive="1").json()
    assert cut["truncated"] is True and 0 < len(cut["tree"]) < 61
    assert len(json.dumps(cut["tree"], separators=(",", ":"))) <= sim.tree_size_limit
    assert [e["path"] for e in cut["tree"]][:2] == ["pkg", "pkg/module_000.py"]
    one_level = gh.rest.git.get_tree("octo-org", "ml-repo", sha).json()
    assert one_level["truncated"] is False and [e["path"] for e in one_level["tree"]] == ["pkg"]
    sim.tree_size_limit = 7 * 1024 * 1024
    assert gh.rest.git.get_tree("octo-org", "ml-repo", sha, recursive="1").json()["truncated"] is False


def test_a_sustained_burst_of_comments_meets_a_secondary_limit_that_waiting_clears(
    sim: SimulatedGitHub, repo: Repo, gh: Any
) -> None:
    pr = open_pr(repo, {"a.py": "a = 1\n"}, {"a.py": "a = 2\n"}, title="t", body="b", user="alice")
    sim.secondary.per_minute = 3
    sim.secondary.window_scale = 1 / 20  # a three-second "minute"
    for n in range(3):
        gh.rest.issues.create_comment("octo-org", "ml-repo", pr.number, body=f"note {n}")
    with pytest.raises(RequestFailed) as refused:
        gh.rest.issues.create_comment("octo-org", "ml-repo", pr.number, body="one too many")
    answer = refused.value.response
    assert answer.status_code == 403 and "secondary rate limit" in answer.json()["message"]
    assert 1 <= int(answer.headers["retry-after"]) <= 3
    assert [c["body"] for c in sim.issue_comments(repo, pr.number)] == ["note 0", "note 1", "note 2"]
    gh.rest.issues.list_comments("octo-org", "ml-repo", pr.number)
    time.sleep(int(answer.headers["retry-after"]))
    gh.rest.issues.create_comment("octo-org", "ml-repo", pr.number, body="after the wait")
    assert sim.secondary.fired == 1 and len(sim.issue_comments(repo, pr.number)) == 4
