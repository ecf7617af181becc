"""`MLDEBT_DOCS_URL` on the App moves every rule link users see: comments, check run, `/mldebt explain`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from redis import Redis

from ghsim import payloads
from harness.seed import REPO, seed_pull_request
from harness.system import LocalSystem
from rules.docs import DEFAULT_DOCS_URL

MIRROR = "https://ml-handbook.example.com/mldebt/{rule}.html"
UPSTREAM = DEFAULT_DOCS_URL.split("{rule}")[0]


@pytest.fixture
def mirrored(redis_url: str, redis: Redis) -> Iterator[LocalSystem]:
    with LocalSystem(redis_url, docs_url=MIRROR) as running:
        yield running


def test_review_links_point_at_the_configured_docs(mirrored: LocalSystem) -> None:
    _, pr = seed_pull_request(mirrored.sim)
    mirrored.sim.deliver("pull_request", payloads.pull_request(mirrored.sim, REPO, pr.number, "opened"))
    mirrored.run_jobs()
    comments = [c["body"] for c in mirrored.sim.review_comments(REPO, pr.number)]
    hardcoded = next(body for body in comments if "`hardcoded-path`" in body)
    assert "(https://ml-handbook.example.com/mldebt/hardcoded-path.html)" in hardcoded
    output = mirrored.sim.check_runs(REPO)[-1]["output"]
    assert (
        "[`hardcoded-path`](https://ml-handbook.example.com/mldebt/hardcoded-path.html)" in output["summary"]
    )
    everything = "\n".join([*comments, output["summary"], output["text"]])
    assert UPSTREAM not in everything


def test_explain_links_the_configured_page(mirrored: LocalSystem) -> None:
    _, pr = seed_pull_request(mirrored.sim)
    event = payloads.issue_comment(
        mirrored.sim, REPO, pr.number, "/mldebt explain magic-number", user="reader"
    )
    mirrored.sim.deliver("issue_comment", event)
    mirrored.run_jobs()
    replies = [c["body"] for c in mirrored.sim.issue_comments(REPO, pr.number) if c["user"]["type"] == "Bot"]
    assert len(replies) == 1
    assert "(https://ml-handbook.example.com/mldebt/magic-number.html)" in replies[0]
    assert UPSTREAM not in replies[0]
