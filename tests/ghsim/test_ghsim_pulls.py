"""Pull request files/patches, commits, pagination and repository contents."""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from githubkit.exception import RequestFailed

from ghsim import Repo, SimulatedGitHub
from ghsim.diff import compute_patch

from .conftest import REPO, open_pr

TRAIN_BASE = """import torch


def load(path):
    return torch.load(path)


def train(model, data):
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for batch in data:
        loss = model(batch)
        loss.backward()
        opt.step()
    return model
"""
TRAIN_HEAD = (
    TRAIN_BASE.replace("import torch", "import numpy as np\nimport torch").replace("lr=0.1", "lr=0.01")
    + '\nprint("done")'
)
# A blank context line is one space: listed line by line, no editor strips it and lint lets it be.
EXPECTED_PATCH = "\n".join(
    [
        "@@ -1,3 +1,4 @@",
        "+import numpy as np",
        " import torch",
        " ",
        " ",
        "@@ -6,9 +7,11 @@ def load(path):",
        " ",
        " ",
        " def train(model, data):",
        "-    opt = torch.optim.SGD(model.parameters(), lr=0.1)",
        "+    opt = torch.optim.SGD(model.parameters(), lr=0.01)",
        "     for batch in data:",
        "         loss = model(batch)",
        "         loss.backward()",
        "         opt.step()",
        "     return model",
        "+",
        '+print("done")',
        "\\ No newline at end of file",
    ]
)


def test_patch_matches_githubs_format(sim: SimulatedGitHub, repo: Repo, gh: Any) -> None:
    open_pr(repo, {"train.py": TRAIN_BASE}, {"train.py": TRAIN_HEAD})
    [entry] = gh.rest.pulls.list_files("octo-org", "ml-repo", 1).parsed_data
    assert entry.patch == EXPECTED_PATCH
    assert (entry.status, entry.additions, entry.deletions, entry.changes) == ("modified", 4, 1, 5)
    assert entry.contents_url.startswith(f"{sim.url}/repos/{REPO}/contents/train.py?ref=")


def test_added_removed_renamed_and_binary_files(sim: SimulatedGitHub, repo: Repo, gh: Any) -> None:
    model = bytes(range(256)) * 4
    open_pr(
        repo,
        {"old_name.py": "a = 1\nb = 2\nc = 3\n", "gone.py": "x = 1\n", "model.bin": model},
        {
            "old_name.py": None,
            "new_name.py": "a = 1\nb = 2\nc = 3\n",
            "gone.py": None,
            "model.bin": model + b"\0",
            "added.py": "y = 2\n",
        },
    )
    files = {f.filename: f for f in gh.rest.pulls.list_files("octo-org", "ml-repo", 1).parsed_data}
    assert set(files) == {"added.py", "gone.py", "model.bin", "new_name.py"}
    assert files["added.py"].status == "added" and files["added.py"].patch == "@@ -0,0 +1 @@\n+y = 2"
    assert files["gone.py"].status == "removed" and files["gone.py"].patch == "@@ -1 +0,0 @@\n-x = 1"
    assert files["new_name.py"].status == "renamed"
    assert files["new_name.py"].previous_filename == "old_name.py"
    raw = httpx.get(
        f"{sim.url}/repos/{REPO}/pulls/1/files", headers={"Authorization": f"token {_token(sim)}"}
    ).json()
    binary = next(f for f in raw if f["filename"] == "model.bin")
    assert "patch" not in binary and binary["changes"] == 0


def _token(sim: SimulatedGitHub) -> str:
    app = sim.client(None)
    token: str = app.rest.apps.create_installation_access_token(1).parsed_data.token
    return token


def test_250_files_paginate_in_three_requests(sim: SimulatedGitHub, repo: Repo, gh: Any) -> None:
    open_pr(repo, {"README.md": "hi\n"}, {f"src/mod_{i:03}.py": f"VALUE = {i}\n" for i in range(250)})
    sim.clear_calls()
    files = list(
        gh.rest.paginate(
            gh.rest.pulls.list_files, owner="octo-org", repo="ml-repo", pull_number=1, per_page=100
        )
    )
    assert len(files) == 250 and len({f.filename for f in files}) == 250
    assert sim.count_calls("GET", r"/pulls/1/files$") == 3
    first = httpx.get(
        f"{sim.url}/repos/{REPO}/pulls/1/files?per_page=100",
        headers={"Authorization": f"token {_token(sim)}"},
    )
    link = first.headers["link"]
    assert f'<{sim.url}/repos/{REPO}/pulls/1/files?per_page=100&page=2>; rel="next"' in link
    assert re.search(r'page=3>; rel="last"', link)


def test_files_list_stops_at_3000(sim: SimulatedGitHub, repo: Repo, gh: Any) -> None:
    open_pr(repo, {"README.md": "hi\n"}, {f"f{i}.txt": "x\n" for i in range(3010)})
    files = list(
        gh.rest.paginate(
            gh.rest.pulls.list_files, owner="octo-org", repo="ml-repo", pull_number=1, per_page=100
        )
    )
    assert len(files) == 3000
    assert gh.rest.pulls.get("octo-org", "ml-repo", 1).parsed_data.changed_files == 3010


def test_push_moves_pr_head_and_commits_are_listed(sim: SimulatedGitHub, repo: Repo, gh: Any) -> None:
    when = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    pr = open_pr(repo, {"a.py": "a = 1\n"}, {"a.py": "a = 2\n"})
    old_head = pr.head_sha
    new_head = repo.push("feature", {"b.py": "b = 1\n"}, message="second", date=when)
    assert pr.head_sha == new_head and pr.before_sha == old_head
    api_pr = gh.rest.pulls.get("octo-org", "ml-repo", 1).parsed_data
    assert api_pr.head.sha == new_head and api_pr.base.sha == pr.base_sha and api_pr.commits == 2
    commits = gh.rest.pulls.list_commits("octo-org", "ml-repo", 1).parsed_data
    assert [c.commit.message for c in commits] == ["change", "second"]
    assert commits[-1].commit.author.date == when and commits[-1].commit.committer.date == when
    assert commits[-1].parents[0].sha == old_head


def test_pr_diff_is_three_dot_against_merge_base(sim: SimulatedGitHub, repo: Repo, gh: Any) -> None:
    open_pr(repo, {"a.py": "a = 1\n"}, {"b.py": "b = 1\n"})
    repo.push("main", {"main_only.py": "m = 1\n"})
    names = [f.filename for f in gh.rest.pulls.list_files("octo-org", "ml-repo", 1).parsed_data]
    assert names == ["b.py"]


def test_contents_blobs_and_trees(sim: SimulatedGitHub, repo: Repo, gh: Any) -> None:
    big = b"x" * (1024 * 1024 + 1)
    sha = repo.commit("main", {"src/train.py": "print(1)\n", "weights.bin": big, "data/x.csv": b"a\0b"})
    content = gh.rest.repos.get_content("octo-org", "ml-repo", "src/train.py", ref=sha).parsed_data
    assert content.encoding == "base64" and base64.b64decode(content.content) == b"print(1)\n"
    large = gh.rest.repos.get_content("octo-org", "ml-repo", "weights.bin").parsed_data
    assert (large.content, large.encoding, large.size) == ("", "none", len(big))
    with pytest.raises(RequestFailed) as missing:
        gh.rest.repos.get_content("octo-org", "ml-repo", "nope.py", ref=sha)
    assert missing.value.response.status_code == 404
    listing = gh.rest.repos.get_content("octo-org", "ml-repo", "src").parsed_data
    assert [item.name for item in listing] == ["train.py"]
    raw = gh.request(
        "GET", f"/repos/{REPO}/contents/weights.bin", headers={"Accept": "application/vnd.github.raw"}
    )
    assert raw.content == big
    tree = gh.rest.git.get_tree("octo-org", "ml-repo", sha, recursive="1").parsed_data
    paths = {item.path: item for item in tree.tree}
    assert set(paths) == {"data", "data/x.csv", "src", "src/train.py", "weights.bin"}
    blob = gh.rest.git.get_blob("octo-org", "ml-repo", paths["data/x.csv"].sha).parsed_data
    assert base64.b64decode(blob.content) == b"a\0b" and blob.size == 3


def test_compare_and_single_commit(sim: SimulatedGitHub, repo: Repo, gh: Any) -> None:
    pr = open_pr(repo, {"a.py": "a = 1\n"}, {"a.py": "a = 2\n"})
    comparison = gh.rest.repos.compare_commits("octo-org", "ml-repo", f"main...{pr.head_sha}").parsed_data
    assert comparison.status == "ahead" and comparison.ahead_by == 1
    assert [f.filename for f in comparison.files] == ["a.py"]
    commit = gh.rest.repos.get_commit("octo-org", "ml-repo", pr.head_sha).parsed_data
    assert commit.sha == pr.head_sha and commit.files[0].patch == "@@ -1 +1 @@\n-a = 1\n+a = 2"


def test_unknown_route_is_githubs_404(sim: SimulatedGitHub, repo: Repo) -> None:
    response = httpx.get(
        f"{sim.url}/repos/{REPO}/no/such/thing", headers={"Authorization": f"token {_token(sim)}"}
    )
    assert response.status_code == 404
    assert response.json()["message"] == "Not Found"
    assert response.headers["content-type"] == "application/json; charset=utf-8"


def test_pr_diff_media_type(sim: SimulatedGitHub, repo: Repo, gh: Any) -> None:
    open_pr(repo, {"train.py": TRAIN_BASE}, {"train.py": TRAIN_HEAD})
    response = gh.request("GET", f"/repos/{REPO}/pulls/1", headers={"Accept": "application/vnd.github.diff"})
    assert response.text.startswith("diff --git a/train.py b/train.py\n")
    assert EXPECTED_PATCH in response.text


@pytest.mark.skipif(shutil.which("git") is None, reason="needs the git binary")
def test_patches_agree_with_git_on_tricky_inputs(tmp_path: Path) -> None:
    cases = [
        (
            "def a():\n    pass\n\ndef c():\n    pass\n",
            "def a():\n    pass\n\ndef b():\n    pass\n\ndef c():\n    pass\n",
        ),
        ("x\n" * 20, "x\n" * 10 + "y\n" + "x\n" * 10),
        ("a\nb\nc", "a\nb\nc\n"),
        ("}\n}\n}\n", "}\n{\n}\n}\n}\n"),
        (
            "\n".join(f"line {i}" for i in range(40)) + "\n",
            "\n".join(f"line {i}" if i % 9 else f"changed {i}" for i in range(40)) + "\n",
        ),
    ]
    for old, new in cases:
        (tmp_path / "a").write_text(old)
        (tmp_path / "b").write_text(new)
        out = subprocess.run(
            ["git", "diff", "--no-index", "--no-color", "a", "b"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
        ).stdout
        expected = out[out.index("@@") :].removesuffix("\n")
        assert compute_patch(old.encode(), new.encode()).text == expected
