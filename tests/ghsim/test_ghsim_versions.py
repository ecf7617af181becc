"""REST API versions, and the shapes GitHub gives where the simulator once gave others."""

from __future__ import annotations

from typing import Any

import httpx

from ghsim import Repo, SimulatedGitHub
from ghsim.exchanges import Exchange
from tests.ghsim.conftest import open_pr

OLD = {"X-GitHub-Api-Version": "2022-11-28"}
ODD_PATH = "docs/read me (v2).md"


def _token(sim: SimulatedGitHub) -> str:
    app = sim.client(None)
    return str(app.rest.apps.create_installation_access_token(1).parsed_data.token)


def test_without_a_version_header_github_answers_2022_11_28(sim: SimulatedGitHub, repo: Repo) -> None:
    pr = open_pr(repo, {"a.py": "a = 1\n"}, {"a.py": "a = 2\n"}, title="t", body="b", user="alice")
    answer = httpx.get(
        f"{sim.url}/repos/octo-org/ml-repo/pulls/{pr.number}",
        headers={"Authorization": f"token {_token(sim)}"},
    )
    assert answer.headers["x-github-api-version-selected"] == "2022-11-28"
    assert {"merge_commit_sha", "assignee"} <= set(answer.json())


def test_2026_03_10_drops_the_fields_it_removed(sim: SimulatedGitHub, repo: Repo, gh: Any) -> None:
    pr = open_pr(repo, {"a.py": "a = 1\n"}, {"a.py": "a = 2\n"}, title="t", body="b", user="alice")
    new = gh.rest.pulls.get("octo-org", "ml-repo", pr.number)
    old = gh.rest.pulls.get("octo-org", "ml-repo", pr.number, headers=OLD)
    assert new.headers["x-github-api-version-selected"] == "2026-03-10"
    assert not {"merge_commit_sha", "assignee"} & set(new.json()) and {"merge_commit_sha", "assignee"} <= set(
        old.json()
    )
    assert "has_downloads" not in gh.rest.repos.get("octo-org", "ml-repo").json()
    assert "has_downloads" in gh.rest.repos.get("octo-org", "ml-repo", headers=OLD).json()
    assert (
        "rate" not in gh.rest.rate_limit.get().json() and "rate" in gh.rest.rate_limit.get(headers=OLD).json()
    )


def test_an_unsupported_version_is_refused_with_400(sim: SimulatedGitHub, repo: Repo) -> None:
    answer = httpx.get(
        f"{sim.url}/repos/octo-org/ml-repo",
        headers={"Authorization": f"token {_token(sim)}", "X-GitHub-Api-Version": "v3"},
    )
    assert answer.status_code == 400
    assert answer.json()["message"].startswith(
        'The version you specified in the "X-GitHub-Api-Version" request '
        'header, "v3", is not a supported version.'
    )


def test_githubkit_asks_for_2026_03_10_then_sends_no_version_on_the_pages_it_follows(
    sim: SimulatedGitHub, repo: Repo, gh: Any
) -> None:
    pr = open_pr(
        repo, {"a.py": "a = 1\n"}, {"a.py": "a = 2\n", "b.py": "b = 1\n"}, title="t", body="b", user="alice"
    )
    seen: list[Exchange] = []
    sim.observers.append(seen.append)
    files = [
        f.filename
        for f in gh.rest.paginate(
            gh.rest.pulls.list_files, owner="octo-org", repo="ml-repo", pull_number=pr.number, per_page=1
        )
    ]
    assert files == ["a.py", "b.py"]
    pages = [e for e in seen if e.path.endswith("/files")]
    assert [e.api_version for e in pages] == ["2026-03-10", None]
    assert [e.response_headers["x-github-api-version-selected"] for e in pages] == [
        "2026-03-10",
        "2022-11-28",
    ]


def test_a_pr_carries_its_repository_as_github_does_and_the_list_gives_simple_prs(
    repo: Repo, gh: Any
) -> None:
    pr = open_pr(repo, {"a.py": "a = 1\n"}, {"a.py": "a = 2\n"}, title="t", body="b", user="alice")
    full = gh.rest.pulls.get("octo-org", "ml-repo", pr.number).json()
    listed = gh.rest.pulls.list("octo-org", "ml-repo").json()
    whole_repo = gh.rest.repos.get("octo-org", "ml-repo").json()
    assert {"network_count", "subscribers_count"} <= set(whole_repo)
    assert not {"network_count", "subscribers_count"} & (
        set(full["base"]["repo"]) | set(full["head"]["repo"])
    )
    assert {"mergeable", "additions", "commits"} <= set(full)
    assert [p["number"] for p in listed] == [pr.number]
    assert not {"mergeable", "merged", "additions", "deletions", "changed_files", "commits"} & set(listed[0])


def test_a_check_runs_buttons_are_kept_but_not_shown_in_the_api(
    sim: SimulatedGitHub, repo: Repo, gh: Any
) -> None:
    sha = repo.commit("main", {"a.py": "a = 1\n"})
    run = gh.rest.checks.create(
        "octo-org",
        "ml-repo",
        name="mldebt",
        head_sha=sha,
        status="completed",
        conclusion="neutral",
        actions=[{"label": "Rescore", "description": "Again", "identifier": "rescore"}],
    ).json()
    assert (
        "actions" not in run and "actions" not in gh.rest.checks.get("octo-org", "ml-repo", run["id"]).json()
    )
    assert sim.check_runs(repo)[0]["actions"] == [
        {"label": "Rescore", "description": "Again", "identifier": "rescore"}
    ]


def test_file_urls_are_percent_escaped_like_githubs(repo: Repo, gh: Any) -> None:
    pr = open_pr(repo, {ODD_PATH: "# a\n"}, {ODD_PATH: "# b\n"}, title="t", body="b", user="alice")
    [entry] = gh.rest.pulls.list_files("octo-org", "ml-repo", pr.number).json()
    escaped = "docs%2Fread%20me%20%28v2%29.md"
    assert entry["filename"] == ODD_PATH
    assert entry["blob_url"] == f"https://github.com/octo-org/ml-repo/blob/{pr.head_sha}/{escaped}"
    assert entry["raw_url"] == f"https://github.com/octo-org/ml-repo/raw/{pr.head_sha}/{escaped}"
    assert entry["contents_url"].endswith(f"/repos/octo-org/ml-repo/contents/{escaped}?ref={pr.head_sha}")
    content = gh.rest.repos.get_content("octo-org", "ml-repo", ODD_PATH, ref="feature").json()
    assert (
        content["path"] == ODD_PATH
        and " " not in content["url"] + content["html_url"] + content["download_url"]
    )
