"""GraphQL as GitHub runs it: scored and charged, paginated within bounds.

Cursors are opaque, and the schema has GitHub's own types.
"""

from __future__ import annotations

from typing import Any

import pytest
from githubkit.exception import GraphQLFailed

from ghsim import Repo, SimulatedGitHub
from tests.ghsim.conftest import open_pr

FILES = "f{n}: pullRequest(number: 1) {{ files(first: 100) {{ nodes {{ path }} }} }}"


def _repository(fields: str) -> str:
    return (
        f'query {{ repository(owner: "octo-org", name: "ml-repo") {{ {fields} }}'
        " rateLimit { cost nodeCount } }"
    )


def _two_file_pr(repo: Repo) -> Any:
    return open_pr(
        repo, {"a.py": "a = 1\n"}, {"a.py": "a = 2\n", "b.py": "b = 1\n"}, title="t", body="b", user="alice"
    )


def test_a_query_costs_one_point_per_hundred_connection_requests_and_that_comes_off_the_budget(
    sim: SimulatedGitHub, repo: Repo, gh: Any
) -> None:
    _two_file_pr(repo)
    before = sim.rate_limit(1, "graphql").used
    answer = gh.graphql.request(_repository(" ".join(FILES.format(n=n) for n in range(150))))
    assert answer["rateLimit"] == {"cost": 2, "nodeCount": 150 * 100}
    assert sim.rate_limit(1, "graphql").used - before == 2
    cheap = gh.graphql.request(_repository(FILES.format(n=0)))
    assert cheap["rateLimit"]["cost"] == 1


@pytest.mark.parametrize(
    ("arguments", "kind", "message"),
    [
        (
            "",
            "MISSING_PAGINATION_BOUNDARIES",
            "You must provide a `first` or `last` value to properly paginate the `files` connection.",
        ),
        (
            "(first: 101)",
            "EXCESSIVE_PAGINATION",
            "Requesting 101 records on the `files` connection exceeds the `first` limit of 100 records.",
        ),
    ],
)
def test_a_connection_without_a_page_size_github_allows_is_refused_before_anything_runs(
    sim: SimulatedGitHub, repo: Repo, gh: Any, arguments: str, kind: str, message: str
) -> None:
    _two_file_pr(repo)
    before = sim.rate_limit(1, "graphql").used
    with pytest.raises(GraphQLFailed) as refused:
        gh.graphql.request(
            _repository(f"pullRequest(number: 1) {{ files{arguments} {{ nodes {{ path }} }} }}")
        )
    [error] = refused.value.response.errors or []
    assert (error.type, error.message) == (kind, message)
    assert sim.rate_limit(1, "graphql").used - before == 1


def test_cursors_are_opaque_and_a_made_up_one_is_refused(repo: Repo, gh: Any) -> None:
    _two_file_pr(repo)
    page = (
        "pullRequest(number: 1) {{ files(first: 1{after})"
        " {{ pageInfo {{ endCursor hasNextPage }} nodes {{ path }} }} }}"
    )
    first = gh.graphql.request(_repository(page.format(after="")))["repository"]["pullRequest"]["files"]
    cursor = first["pageInfo"]["endCursor"]
    assert cursor.startswith("Y3Vyc29yOnYy") and first["nodes"] == [{"path": "a.py"}]
    second = gh.graphql.request(_repository(page.format(after=f', after: "{cursor}"')))
    files = second["repository"]["pullRequest"]["files"]
    assert files["nodes"] == [{"path": "b.py"}] and files["pageInfo"]["hasNextPage"] is False
    with pytest.raises(GraphQLFailed) as refused:
        gh.graphql.request(_repository(page.format(after=', after: "1"')))
    assert [e.message for e in refused.value.response.errors or []] == [
        "`after` does not appear to be a valid cursor."
    ]


def test_owner_state_and_change_types_have_githubs_types(repo: Repo, gh: Any) -> None:
    _two_file_pr(repo)
    answer = gh.graphql.request(
        _repository(
            "owner { __typename login ... on Organization { login } } "
            "pullRequest(number: 1) { state files(first: 10) { nodes { path changeType } } }"
        )
    )["repository"]
    assert answer["owner"] == {"__typename": "Organization", "login": "octo-org"}
    assert answer["pullRequest"]["state"] == "OPEN"
    assert [n["changeType"] for n in answer["pullRequest"]["files"]["nodes"]] == ["MODIFIED", "ADDED"]
