"""Hostile and broken input: each gets a clear answer, nothing crashes, nothing else is lost.

Webhooks go over real HTTP to the receiver; pull requests go through Redis, an
RQ worker and the simulator, and every body mldebt posts is parsed as GitHub
would render it.
"""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from githubkit.webhooks import sign
from prometheus_client.parser import text_string_to_metric_families
from redis import Redis

from ghsim import payloads
from harness.seed import HEAD_TRAIN, REPO, seed_pull_request
from harness.system import WEBHOOK_SECRET, LocalSystem
from tests.rendered import injected, table_rows

Json = dict[str, Any]


@pytest.fixture
def system(redis_url: str, redis: Redis) -> Iterator[LocalSystem]:
    with LocalSystem(redis_url, write_spacing_seconds=0.0) as running:
        yield running


def post(
    system: LocalSystem,
    event: str,
    body: bytes,
    *,
    headers: dict[str, str] | None = None,
    secret: str = WEBHOOK_SECRET,
) -> httpx.Response:
    sent = {
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": str(uuid.uuid4()),
        "X-Hub-Signature-256": sign(secret, body, "sha256"),
        "Content-Type": "application/json",
        **(headers or {}),
    }
    return httpx.post(
        f"{system.receiver.url}/webhook",
        content=body,
        headers={k: v for k, v in sent.items() if v},
        timeout=30,
    )


def encoded(payload: Json) -> bytes:
    return json.dumps(payload).encode()


def without(payload: Json, dotted: str) -> Json:
    changed = copy.deepcopy(payload)
    *parents, last = dotted.split(".")
    target = changed
    for part in parents:
        target = target[part]
    del target[last]
    return changed


def replaced(payload: Json, dotted: str, value: object) -> Json:
    changed = copy.deepcopy(payload)
    *parents, last = dotted.split(".")
    target = changed
    for part in parents:
        target = target[part]
    target[last] = value
    return changed


def bot_replies(system: LocalSystem, number: int) -> list[str]:
    return [c["body"] for c in system.sim.issue_comments(REPO, number) if c["user"]["type"] == "Bot"]


def posted_bodies(system: LocalSystem, number: int) -> list[str]:
    """Everything mldebt wrote where people read it: check runs, reviews, review and issue comments."""
    bodies = []
    for run in system.sim.check_runs(REPO):
        bodies += [run["output"]["title"] or "", run["output"]["summary"] or "", run["output"]["text"] or ""]
    bodies += [review["body"] for review in system.sim.reviews(REPO, number)]
    bodies += [comment["body"] for comment in system.sim.review_comments(REPO, number)]
    return bodies + bot_replies(system, number)


def test_every_broken_webhook_gets_a_clear_answer_and_the_next_good_one_is_reviewed(
    system: LocalSystem,
) -> None:
    _, pr = seed_pull_request(system.sim)
    good = payloads.pull_request(system.sim, REPO, pr.number)
    comment = payloads.issue_comment(system.sim, REPO, pr.number, "/mldebt rescore")
    check_run = good | {
        "action": "rerequested",
        "check_run": {"id": 1, "head_sha": pr.head_sha, "app": {"id": system.settings.app_id}},
    }
    cases: list[tuple[str, str, bytes, dict[str, str], int, str]] = [
        (
            "no signature",
            "pull_request",
            encoded(good),
            {"X-Hub-Signature-256": ""},
            401,
            "X-Hub-Signature-256",
        ),
        (
            "wrong secret",
            "pull_request",
            encoded(good),
            {"X-Hub-Signature-256": sign("guess", encoded(good), "sha256")},
            401,
            "X-Hub-Signature-256",
        ),
        (
            "no delivery id",
            "pull_request",
            encoded(good),
            {"X-GitHub-Delivery": ""},
            400,
            "X-GitHub-Delivery",
        ),
        ("malformed JSON", "pull_request", b'{"action": "opened",', {}, 400, "not valid JSON"),
        ("not UTF-8", "pull_request", b'{"action": "\xff\xfe"}', {}, 400, "not valid JSON"),
        ("JSON array", "pull_request", b"[1, 2]", {}, 400, "not a JSON object"),
        ("nested 100,000 deep", "pull_request", b"[" * 100_000 + b"]" * 100_000, {}, 400, "not valid JSON"),
        (
            "a 5,000-digit number",
            "pull_request",
            b'{"number": ' + b"9" * 5000 + b"}",
            {},
            400,
            "not valid JSON",
        ),
        (
            "form-encoded",
            "pull_request",
            b"payload=%7B%7D",
            {"Content-Type": "application/x-www-form-urlencoded"},
            415,
            "application/json",
        ),
        ("over 25 MB", "pull_request", b'{"x": "' + b"a" * (25 * 1024 * 1024) + b'"}', {}, 413, "bytes"),
        ("unknown event", "deployment_status", encoded(good), {}, 202, "not handled"),
        ("unknown action", "pull_request", encoded(good | {"action": "labeled"}), {}, 202, "needs no review"),
        (
            "unknown button",
            "check_run",
            encoded(check_run | {"action": "requested_action", "requested_action": {"identifier": "rm -rf"}}),
            {},
            202,
            "unknown check run action",
        ),
        (
            "PR without head",
            "pull_request",
            encoded(without(good, "pull_request.head")),
            {},
            400,
            "pull_request.head",
        ),
        (
            "PR number as text",
            "pull_request",
            encoded(replaced(good, "pull_request.number", "twelve")),
            {},
            400,
            "pull_request.number",
        ),
        (
            "SHA that is a path",
            "pull_request",
            encoded(replaced(good, "pull_request.head.sha", "../../etc/passwd")),
            {},
            400,
            "pull_request.head.sha",
        ),
        (
            "repo name with a newline",
            "pull_request",
            encoded(replaced(good, "repository.full_name", "octo-org/x\nmldebt")),
            {},
            400,
            "repository.full_name",
        ),
        (
            "installation id as text",
            "pull_request",
            encoded(replaced(good, "installation.id", "one")),
            {},
            400,
            "installation.id",
        ),
        (
            "comment without author",
            "issue_comment",
            encoded(without(comment, "comment.user")),
            {},
            400,
            "comment.user",
        ),
        (
            "author login that is a path",
            "issue_comment",
            encoded(replaced(comment, "comment.user.login", "../../orgs/x")),
            {},
            400,
            "comment.user.login",
        ),
        (
            "check run without SHA",
            "check_run",
            encoded(without(check_run, "check_run.head_sha")),
            {},
            400,
            "check_run.head_sha",
        ),
    ]
    system.sim.clear_calls()
    for name, event, body, headers, status, detail in cases:
        response = post(system, event, body, headers=headers)
        assert (response.status_code, detail in response.json()["detail"]) == (status, True), (
            f"{name}: {response.text[:300]}"
        )
    assert system.queue.count == 0
    system.run_jobs()
    assert system.sim.calls == [] and system.sim.check_runs(REPO) == []

    assert system.sim.deliver("pull_request", good).status_code == 202
    system.run_jobs()
    assert [run["conclusion"] for run in system.sim.check_runs(REPO)] == ["failure"]
    assert not system.sim.internal_errors


def deliveries(system: LocalSystem, outcome: str) -> float:
    families = text_string_to_metric_families(httpx.get(f"{system.receiver.url}/metrics").text)
    samples = [s for family in families if family.name == "mldebt_deliveries" for s in family.samples]
    return sum(
        s.value
        for s in samples
        if s.name.endswith("_total") and s.labels == {"event": "pull_request", "outcome": outcome}
    )


def test_deliveries_with_broken_fields_are_counted_as_rejected(system: LocalSystem) -> None:
    _, pr = seed_pull_request(system.sim)
    broken = without(payloads.pull_request(system.sim, REPO, pr.number), "pull_request.base")
    before = deliveries(system, "rejected")
    assert post(system, "pull_request", encoded(broken)).status_code == 400
    assert deliveries(system, "rejected") == before + 1


MARKUP = (
    "import pandas as pd\n"
    "# @octocat <img src=x onerror=alert(1)> **PWNED** [PWNED](https://evil.example) #1\n"
    'df = pd.read_csv("/home/@octocat/<b>PWNED</b>/[x](https://evil.example)|data.csv")\n'
)
BROKEN_FILES: dict[str, str | bytes] = {
    "tools/compiled.py": b"\x00\x01\x02 PYC" * 64,
    "gen/lookup_table.py": "ROW = 1\n" * 150_000,
    "broken.py": "def train(:\n    pass\n",
    "notebooks/explore.ipynb": '{"cells": [{"cell_type": "code", "source": ["x = 1"',
    "conf/laughs.yaml": "learning_rate: 0.1\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)),
    "conf/deep.yaml": "learning_rate: 0.1\na: " + "[" * 20_000 + "]" * 20_000 + "\n",
    "conf/deep.json": "[" * 50_000 + "]" * 50_000,
}
READABLE_FILES: dict[str, str | bytes] = {
    "models/train.py": HEAD_TRAIN,
    "legacy/latin1.py": ('# Modèle écrit à Zürich\nPATH = "/home/bob/données.csv"\n').encode("latin-1"),
    "notes/markup.py": MARKUP,
    "odd dir/we|ird `name` é.py": HEAD_TRAIN,
}
EXPECTED_NOTES = {
    "tools/compiled.py": "binary file",
    "gen/lookup_table.py": "larger than 1 MB",
    "broken.py": "Python syntax error",
    "notebooks/explore.ipynb": "notebook is not valid JSON",
    "conf/laughs.yaml": "YAML anchors and aliases are not read",
    "conf/deep.yaml": "nested deeper than 64 levels",
    "conf/deep.json": "does not parse as JSON",
}


def test_a_pr_full_of_broken_and_hostile_files_still_gets_the_findings_of_the_rest(
    system: LocalSystem,
) -> None:
    _, pr = seed_pull_request(system.sim)
    system.sim.repo(REPO).push("feature/scaling", {**BROKEN_FILES, **READABLE_FILES})
    system.sim.deliver("pull_request", payloads.pull_request(system.sim, REPO, pr.number, "synchronize"))
    system.run_jobs()

    [run] = system.sim.check_runs(REPO, pr.head_sha)
    assert (run["status"], run["conclusion"]) == ("completed", "failure")
    summary = run["output"]["summary"]
    notes = summary.split("### Files not analysed", 1)[1]
    for path, reason in EXPECTED_NOTES.items():
        assert f"- `{path}`: {reason}" in notes, path
    flagged = {annotation["path"] for annotation in run["output"]["annotations"]}
    assert set(READABLE_FILES) | {"train.py"} <= flagged
    assert not flagged & set(BROKEN_FILES)
    assert {c["path"] for c in system.sim.review_comments(REPO, pr.number)} >= {
        "models/train.py",
        "odd dir/we|ird `name` é.py",
    }
    for body in posted_bodies(system, pr.number):
        assert injected(body, ["PWNED"]) == [], body
    assert [row[0] for row in table_rows(summary)[:6]] == [
        "Severity",
        "critical",
        "high",
        "medium",
        "low",
        "**total**",
    ]
    assert not system.sim.internal_errors


def test_a_pr_with_3000_files_is_read_to_the_end_and_says_what_it_skipped(system: LocalSystem) -> None:
    _, pr = seed_pull_request(system.sim)
    docs = {f"docs/page_{index:04}.md": f"# Page {index}\n" for index in range(2996)}
    system.sim.repo(REPO).push(
        "feature/scaling",
        {**docs, "models/last.py": HEAD_TRAIN, "zz/blob.py": b"\x00" * 64, "zz/big.py": "X = 1\n" * 200_000},
    )
    system.sim.clear_calls()
    system.sim.deliver("pull_request", payloads.pull_request(system.sim, REPO, pr.number, "synchronize"))
    system.run_jobs()

    assert system.sim.count_calls("GET", rf"/pulls/{pr.number}/files$", status=200) == 30
    [run] = system.sim.check_runs(REPO, pr.head_sha)
    assert (run["status"], run["conclusion"]) == ("completed", "failure")
    assert "- `zz/blob.py`: binary file" in run["output"]["summary"]
    assert "- `zz/big.py`: larger than 1 MB" in run["output"]["summary"]
    assert "- `files past the first 3,000`: GitHub's API lists no more" in run["output"]["summary"]
    assert {"train.py", "models/last.py"} <= {
        annotation["path"] for annotation in run["output"]["annotations"]
    }
    assert not system.sim.internal_errors


def test_rescore_from_someone_without_write_access_is_refused_and_reviews_nothing(
    system: LocalSystem,
) -> None:
    _, pr = seed_pull_request(system.sim)
    event = payloads.issue_comment(system.sim, REPO, pr.number, "/mldebt rescore", user="drive-by")
    system.sim.deliver("issue_comment", event)
    system.run_jobs()
    assert system.sim.check_runs(REPO) == []
    assert {r["content"] for r in system.sim.reactions(event["comment"]["id"])} == {"eyes", "confused"}
    assert any("write access" in reply for reply in bot_replies(system, pr.number))


def test_commands_from_bots_are_not_taken_and_cost_no_github_call(system: LocalSystem) -> None:
    _, pr = seed_pull_request(system.sim)
    system.sim.user("helper[bot]", "Bot")
    system.sim.set_permission(REPO, "helper[bot]", "admin")
    event = payloads.issue_comment(system.sim, REPO, pr.number, "/mldebt rescore", user="helper[bot]")
    system.sim.clear_calls()
    response = system.sim.deliver("issue_comment", event)
    system.run_jobs()
    assert (response.status_code, response.json()["outcome"]) == (202, "ignored")
    assert system.sim.calls == [] and system.sim.reactions(event["comment"]["id"]) == []


@pytest.mark.parametrize(
    "body", ["/mldebt", "/mldebt rescroe", "/MLDEBT halp", "/mldebt @octocat<img src=x>#1 **PWNED**"]
)
def test_mistyped_or_hostile_commands_are_answered_with_help_that_pings_no_one(
    system: LocalSystem, body: str
) -> None:
    _, pr = seed_pull_request(system.sim)
    event = payloads.issue_comment(system.sim, REPO, pr.number, body, user="alice")
    system.sim.deliver("issue_comment", event)
    system.run_jobs()
    [reply] = bot_replies(system, pr.number)
    assert "`/mldebt rescore`" in reply and injected(reply, ["PWNED"]) == []
    assert system.sim.check_runs(REPO) == []
    assert "confused" in {r["content"] for r in system.sim.reactions(event["comment"]["id"])}
