"""The GraphQL subset bots use to batch-read file contents."""

from __future__ import annotations

from typing import Any

from ghsim import Repo, SimulatedGitHub

QUERY = """
query($owner: String!, $name: String!) {
  repository(owner: $owner, name: $name) {
    f0: object(expression: "%(sha)s:train.py") { ... on Blob { text byteSize isBinary isTruncated oid } }
    f1: object(expression: "%(sha)s:data/x.bin") { ... on Blob { text byteSize isBinary } }
    f2: object(expression: "%(sha)s:missing.py") { ... on Blob { text } }
    d: object(expression: "%(sha)s:data") {
      ... on Tree { entries { name path type object { ... on Blob { byteSize } } } }
    }
  }
  rateLimit { cost remaining }
}
"""


def test_batch_fetch_in_one_call(sim: SimulatedGitHub, repo: Repo, gh: Any) -> None:
    sha = repo.commit("main", {"train.py": "lr = 0.1\n", "data/x.bin": b"\x00\x01", "data/y.csv": "a\n"})
    sim.clear_calls()
    result = gh.graphql(QUERY % {"sha": sha}, variables={"owner": "octo-org", "name": "ml-repo"})
    assert sim.count_calls("POST", "/graphql") == 1
    blobs = result["repository"]
    assert blobs["f0"]["text"] == "lr = 0.1\n" and blobs["f0"]["byteSize"] == 9
    assert blobs["f0"]["isBinary"] is False and blobs["f0"]["isTruncated"] is False
    assert blobs["f0"]["oid"] == repo.objects.commits[sha].files["train.py"]
    assert blobs["f1"] == {"text": None, "byteSize": 2, "isBinary": True}
    assert blobs["f2"] is None
    assert [e["path"] for e in blobs["d"]["entries"]] == ["data/x.bin", "data/y.csv"]
    assert result["rateLimit"]["cost"] == 1 and result["rateLimit"]["remaining"] == 4999


def test_large_blob_is_truncated_and_branch_expressions_work(repo: Repo, gh: Any) -> None:
    repo.commit("main", {"big.txt": "x" * (600 * 1024)})
    result = gh.graphql(
        '{ repository(owner:"octo-org", name:"ml-repo") { '
        'object(expression:"main:big.txt") { ... on Blob { text isTruncated byteSize } } } }'
    )
    assert result["repository"]["object"] == {"text": None, "isTruncated": True, "byteSize": 600 * 1024}


def test_unknown_repository_is_a_graphql_error(sim: SimulatedGitHub, repo: Repo) -> None:
    import httpx

    app = sim.client(None)
    token = app.rest.apps.create_installation_access_token(1).parsed_data.token
    response = httpx.post(
        f"{sim.url}/graphql",
        headers={"Authorization": f"bearer {token}"},
        json={"query": '{ repository(owner:"x", name:"y") { name } }'},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["data"] == {"repository": None}
    assert body["errors"][0]["type"] == "NOT_FOUND"
    assert response.headers["x-ratelimit-resource"] == "graphql"


def test_pull_request_files_and_commit_file(repo: Repo, gh: Any) -> None:
    base = repo.commit("main", {"a.py": "a = 1\n"})
    head = repo.commit("feature", {"a.py": "a = 2\n", "b.py": "b = 1\n"}, parent=base)
    repo.open_pull_request(head="feature", title="Two files")
    result = gh.graphql(
        """
      query($n: Int!) { repository(owner: "octo-org", name: "ml-repo") {
        pullRequest(number: $n) { headRefOid baseRefOid changedFiles
          files(first: 1) {
            totalCount pageInfo { hasNextPage endCursor } nodes { path changeType additions }
          } }
        object(expression: "feature") {
          ... on Commit { oid file(path: "b.py") { object { ... on Blob { text } } } }
        }
      } }""",
        variables={"n": 1},
    )
    pr = result["repository"]["pullRequest"]
    assert (pr["headRefOid"], pr["baseRefOid"], pr["changedFiles"]) == (head, base, 2)
    assert pr["files"]["totalCount"] == 2 and pr["files"]["pageInfo"]["hasNextPage"] is True
    assert pr["files"]["nodes"] == [{"path": "a.py", "changeType": "MODIFIED", "additions": 1}]
    commit = result["repository"]["object"]
    assert commit["oid"] == head and commit["file"]["object"]["text"] == "b = 1\n"


def test_pull_request_meta_agrees_with_rest(repo: Repo, gh: Any) -> None:
    base = repo.commit("main", {"a.py": "a = 1\n", ".github/mldebt.yml": "fail_on: [critical]\n"})
    first = repo.commit("feature", {"a.py": "a = 2\n"}, parent=base)
    repo.commit("feature", {"a.py": "a = 3\n"}, parent=first)
    repo.open_pull_request(head="feature", title="Two commits", body="Tuned a.")
    result = gh.graphql("""
      { repository(owner: "octo-org", name: "ml-repo") {
        pullRequest(number: 1) { state isDraft body headRefOid baseRefOid
          baseRef { target { oid
            ... on Commit { file(path: ".github/mldebt.yml") { object { ... on Blob { text } } } } } }
          commits(first: 1) { totalCount nodes { commit { oid committedDate authoredDate } } } }
      } }""")
    pr = result["repository"]["pullRequest"]
    rest = gh.rest.pulls.get("octo-org", "ml-repo", 1).parsed_data
    oldest = gh.rest.pulls.list_commits("octo-org", "ml-repo", 1, per_page=1).parsed_data[0]
    assert (pr["state"], pr["isDraft"], pr["body"]) == ("OPEN", rest.draft, rest.body)
    assert (pr["headRefOid"], pr["baseRefOid"]) == (rest.head.sha, rest.base.sha)
    assert pr["baseRef"]["target"]["oid"] == rest.base.sha
    assert pr["baseRef"]["target"]["file"]["object"]["text"] == "fail_on: [critical]\n"
    assert pr["commits"]["totalCount"] == 2
    [node] = pr["commits"]["nodes"]
    assert node["commit"]["oid"] == oldest.sha == first
    assert node["commit"]["committedDate"].replace("Z", "+00:00") == oldest.commit.committer.date.isoformat()


CONVERSATION = """
query($after: String) { repository(owner: "octo-org", name: "ml-repo") {
  pullRequest(number: 1) { comments(first: 2, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { fullDatabaseId body authorAssociation author { __typename login } } } } }
  rateLimit { cost } }"""


def test_the_pr_conversation_agrees_with_rest_oldest_first_and_paged(
    sim: SimulatedGitHub, repo: Repo, gh: Any
) -> None:
    repo.commit("main", {"a.py": "a = 1\n"})
    repo.commit("feature", {"a.py": "a = 2\n"}, parent=repo.branches["main"])
    repo.open_pull_request(head="feature", title="Talk")
    sim.set_permission(repo.full_name, "alice", "write")
    sim.add_issue_comment(repo.full_name, 1, "/mldebt ignore magic-number tuned by hand", user="alice")
    sim.add_issue_comment(repo.full_name, 1, "+1", user="mallory")
    sim.state.add_issue_comment(repo, 1, "Done.", sim.state.bot)
    first = gh.graphql(CONVERSATION)
    page = first["repository"]["pullRequest"]["comments"]
    assert first["rateLimit"]["cost"] == 1
    assert page["totalCount"] == 3 and page["pageInfo"]["hasNextPage"] is True
    second = gh.graphql(CONVERSATION, variables={"after": page["pageInfo"]["endCursor"]})
    rest = second["repository"]["pullRequest"]["comments"]
    assert rest["pageInfo"]["hasNextPage"] is False
    nodes = page["nodes"] + rest["nodes"]
    listed = gh.rest.issues.list_comments("octo-org", "ml-repo", 1).parsed_data
    assert [(n["fullDatabaseId"], n["body"], n["authorAssociation"]) for n in nodes] == [
        (str(c.id), c.body, c.author_association) for c in listed
    ]
    assert [n["author"] for n in nodes] == [
        {"__typename": "User", "login": "alice"},
        {"__typename": "User", "login": "mallory"},
        # GraphQL names a bot by its App's slug; REST says `<slug>[bot]`.
        {"__typename": "Bot", "login": listed[2].user.login.removesuffix("[bot]")},
    ]


def test_a_missing_repository_beside_another_is_null_with_its_error_and_the_other_answers(
    sim: SimulatedGitHub, repo: Repo
) -> None:
    import httpx

    repo.commit("main", {"a.py": "a = 1\n"})
    app = sim.client(None)
    token = app.rest.apps.create_installation_access_token(1).parsed_data.token
    response = httpx.post(
        f"{sim.url}/graphql",
        headers={"Authorization": f"bearer {token}"},
        json={
            "query": '{ repository(owner: "octo-org", name: "ml-repo") { name }'
            ' org: repository(owner: "octo-org", name: ".github") {'
            ' object(expression: "HEAD:.github/mldebt.yml") { ... on Blob { text } } } }'
        },
    )
    body = response.json()
    assert body["data"] == {"repository": {"name": "ml-repo"}, "org": None}
    [error] = body["errors"]
    assert (error["type"], error["path"]) == ("NOT_FOUND", ["org"])
