"""The review loop end to end: signed webhook → receiver → Redis/RQ → worker → simulator over HTTP."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest
from githubkit.webhooks import sign

from ghsim import payloads
from harness.seed import REPO, seed_pull_request
from harness.system import LocalSystem
from tests.payloads import load

CLEAN_FIX = '''"""Trains the churn model."""

import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

# Chosen by threshold calibration on churn-2026-01 validation data (run 118).
DECISION_THRESHOLD = 0.73


def main() -> None:
    df = pd.read_csv("data/churn.csv")
    assert df["churned"].notna().all()
    X, y = df.drop(columns=["churned"]), df["churned"]
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=7)
    scaler = StandardScaler().fit(X_train)
    model = LogisticRegression(max_iter=200)
    model.fit(scaler.transform(X_train), y_train)
    print(model.score(scaler.transform(X_test), y_test))


if __name__ == "__main__":
    main()
'''


def opened(system: LocalSystem, number: int, action: str = "opened") -> dict[str, Any]:
    return payloads.pull_request(system.sim, REPO, number, action)


def test_opened_pr_gets_a_completed_check_run_and_one_review_on_diff_lines(system: LocalSystem) -> None:
    _, pr = seed_pull_request(system.sim)
    assert system.sim.deliver("pull_request", opened(system, pr.number)).status_code == 202
    system.run_jobs()

    runs = system.sim.check_runs(REPO, pr.head_sha)
    assert [run["name"] for run in runs] == ["mldebt"]
    run = runs[0]
    assert run["status"] == "completed" and run["conclusion"] == "failure"
    assert run["output"]["summary"].startswith("**Fails:")
    assert run["output"]["annotations"], "findings must show as annotations"
    reviews = system.sim.reviews(REPO, pr.number)
    assert len(reviews) == 1 and reviews[0]["state"] == "COMMENTED"
    comments = system.sim.review_comments(REPO, pr.number)
    assert comments and all("<!-- mldebt:finding" in c["body"] for c in comments)
    assert {c["path"] for c in comments} == {"train.py"}
    assert not system.sim.internal_errors


def test_two_quick_pushes_post_only_the_newest_review(system: LocalSystem) -> None:
    repo, pr = seed_pull_request(system.sim)
    system.sim.deliver("pull_request", opened(system, pr.number))
    first_head = pr.head_sha
    repo.push("feature/scaling", {"notes.txt": "wip\n"})
    system.sim.deliver("pull_request", payloads.pull_request(system.sim, REPO, pr.number, "synchronize"))
    system.run_jobs()

    newest = pr.head_sha
    assert newest != first_head
    assert [r["commit_id"] for r in system.sim.reviews(REPO, pr.number)] == [newest]
    assert all(run["status"] == "completed" for run in system.sim.check_runs(REPO))
    assert system.sim.check_runs(REPO, newest)[0]["conclusion"] == "failure"
    assert len({c["body"] for c in system.sim.review_comments(REPO, pr.number)}) == len(
        system.sim.review_comments(REPO, pr.number)
    )


def test_same_delivery_twice_posts_nothing_twice(system: LocalSystem) -> None:
    _, pr = seed_pull_request(system.sim)
    guid = str(uuid.uuid4())
    body = opened(system, pr.number)
    system.sim.deliver("pull_request", body, delivery_id=guid)
    system.run_jobs()
    system.sim.deliver("pull_request", body, delivery_id=guid)
    system.run_jobs()
    assert len(system.sim.check_runs(REPO)) == 1
    assert len(system.sim.reviews(REPO, pr.number)) == 1


def test_rescore_from_a_writer_makes_a_fresh_run_without_repeating_comments(system: LocalSystem) -> None:
    _, pr = seed_pull_request(system.sim)
    system.sim.deliver("pull_request", opened(system, pr.number))
    system.run_jobs()
    comments_before = system.sim.review_comments(REPO, pr.number)

    event = payloads.issue_comment(system.sim, REPO, pr.number, "/mldebt rescore", user="alice")
    assert system.sim.deliver("issue_comment", event).status_code == 202
    system.run_jobs()

    runs = system.sim.check_runs(REPO, pr.head_sha)
    assert len(runs) == 2 and all(run["status"] == "completed" for run in runs)
    assert len(system.sim.review_comments(REPO, pr.number)) == len(comments_before)
    reactions = {r["content"] for r in system.sim.reactions(event["comment"]["id"])}
    assert {"eyes", "rocket"} <= reactions


def test_rescore_from_a_read_only_user_is_refused(system: LocalSystem) -> None:
    _, pr = seed_pull_request(system.sim)
    system.sim.set_permission(REPO, "mallory", "read")
    event = payloads.issue_comment(system.sim, REPO, pr.number, "/mldebt rescore", user="mallory")
    event["comment"]["author_association"] = "COLLABORATOR"
    system.sim.deliver("issue_comment", event)
    system.run_jobs()

    assert system.sim.check_runs(REPO) == []
    assert "confused" in {r["content"] for r in system.sim.reactions(event["comment"]["id"])}
    replies = [c["body"] for c in system.sim.issue_comments(REPO, pr.number) if c["user"]["type"] == "Bot"]
    assert any("write access" in reply for reply in replies)


def test_mistyped_command_is_answered_with_help(system: LocalSystem) -> None:
    _, pr = seed_pull_request(system.sim)
    system.sim.deliver(
        "issue_comment", payloads.issue_comment(system.sim, REPO, pr.number, "/mldebt rescroe")
    )
    system.run_jobs()
    replies = [c["body"] for c in system.sim.issue_comments(REPO, pr.number) if c["user"]["type"] == "Bot"]
    assert replies and "/mldebt rescore" in replies[0]
    assert system.sim.check_runs(REPO) == []


@pytest.mark.parametrize(
    ("body", "expected", "reaction"),
    [
        ("/mldebt help", "`/mldebt explain <rule-id>`", "rocket"),
        ("/mldebt explain hardcoded-path", "docs/rules/hardcoded-path.md", "rocket"),
        ("/mldebt explain hardcoded-paths", "Did you mean `hardcoded-path`?", "confused"),
    ],
)
def test_help_and_explain_are_answered_to_anyone_without_a_review(
    system: LocalSystem, body: str, expected: str, reaction: str
) -> None:
    _, pr = seed_pull_request(system.sim)
    event = payloads.issue_comment(system.sim, REPO, pr.number, body, user="reader")
    system.sim.deliver("issue_comment", event)
    system.run_jobs()
    replies = [c["body"] for c in system.sim.issue_comments(REPO, pr.number) if c["user"]["type"] == "Bot"]
    assert len(replies) == 1 and expected in replies[0]
    assert system.sim.check_runs(REPO) == []
    assert reaction in {r["content"] for r in system.sim.reactions(event["comment"]["id"])}


def test_bad_signature_enqueues_nothing_and_calls_no_one(system: LocalSystem) -> None:
    _, pr = seed_pull_request(system.sim)
    body = json.dumps(opened(system, pr.number)).encode()
    system.sim.clear_calls()
    forged = httpx.post(
        f"{system.receiver.url}/webhook",
        content=body,
        headers={
            "X-GitHub-Event": "pull_request",
            "X-GitHub-Delivery": str(uuid.uuid4()),
            "X-Hub-Signature-256": sign("not-the-secret", body, "sha256"),
            "Content-Type": "application/json",
        },
    )
    assert forged.status_code == 401
    system.run_jobs()
    assert system.queue.count == 0
    assert system.sim.check_runs(REPO) == [] and system.sim.calls == []


def test_a_push_that_fixes_debt_marks_our_comment_fixed(system: LocalSystem) -> None:
    repo, pr = seed_pull_request(system.sim)
    system.sim.deliver("pull_request", opened(system, pr.number))
    system.run_jobs()
    threshold = [c for c in system.sim.review_comments(REPO, pr.number) if "DECISION_THRESHOLD" in c["body"]]
    assert threshold

    repo.push("feature/scaling", {"train.py": CLEAN_FIX})
    system.sim.deliver("pull_request", payloads.pull_request(system.sim, REPO, pr.number, "synchronize"))
    system.run_jobs()

    after = {c["id"]: c["body"] for c in system.sim.review_comments(REPO, pr.number)}
    assert after[threshold[0]["id"]].startswith(f"✅ **Fixed in {pr.head_sha[:7]}.**")
    assert system.sim.check_runs(REPO, pr.head_sha)[0]["conclusion"] == "success"


def test_check_run_rerequest_on_our_run_reviews_again(system: LocalSystem) -> None:
    _, pr = seed_pull_request(system.sim)
    system.sim.deliver("pull_request", opened(system, pr.number))
    system.run_jobs()
    run_id = system.sim.check_runs(REPO)[0]["id"]
    system.sim.deliver(
        "check_run", payloads.check_run(system.sim, REPO, run_id, "requested_action", identifier="rescore")
    )
    system.run_jobs()
    assert len(system.sim.check_runs(REPO, pr.head_sha)) == 2
    assert len(system.sim.reviews(REPO, pr.number)) == 1


def test_real_example_payload_for_an_unknown_repo_is_ignored_without_github_calls(
    system: LocalSystem,
) -> None:
    system.sim.clear_calls()
    response = system.sim.deliver("installation", load("installation", "created.payload.json"))
    assert response.status_code == 202
    system.run_jobs()
    assert system.sim.calls == []


def test_a_tuning_context_section_written_after_the_review_clears_the_finding(system: LocalSystem) -> None:
    repo, pr = seed_pull_request(system.sim)
    system.sim.deliver("pull_request", opened(system, pr.number))
    system.run_jobs()
    [threshold] = [
        c for c in system.sim.review_comments(REPO, pr.number) if "DECISION_THRESHOLD" in c["body"]
    ]

    before = "Adds scaling."
    repo.update_pull_request(
        pr.number,
        body=before
        + "\n\n## Tuning context\n"
        + "DECISION_THRESHOLD: calibrated on churn-2026-01 validation data, run 118.\n",
    )
    edited = payloads.pull_request(system.sim, REPO, pr.number, "edited")
    edited["changes"] = {"body": {"from": before}}
    assert system.sim.deliver("pull_request", edited).status_code == 202
    system.run_jobs()

    first, second = sorted(system.sim.check_runs(REPO, pr.head_sha), key=lambda run: run["id"])
    assert (
        "DECISION_THRESHOLD" in first["output"]["text"]
        and "DECISION_THRESHOLD" not in second["output"]["text"]
    )
    after = {c["id"]: c["body"] for c in system.sim.review_comments(REPO, pr.number)}
    assert after[threshold["id"]].startswith("✅ **Fixed in")
    assert len(system.sim.reviews(REPO, pr.number)) == 1


UNTUNED_CONFIG = """train:
  lr: 0.0003
  epochs: 12
  dropout: 0.1
  batch_size: 64
  warmup_steps: 500

data:
  path: data/churn.csv
  target: churned
  id_column: customer_id
  format: csv

serve:
  score_cutoff: 0.42
"""


def test_neighbouring_findings_of_one_rule_are_one_comment_and_a_distant_one_its_own(
    system: LocalSystem,
) -> None:
    # The PR rewrites the existing params file: a brand-new file's initial values would not be re-tunings.
    repo, pr = seed_pull_request(system.sim)
    repo.push("feature/scaling", {"params.yaml": UNTUNED_CONFIG})
    system.sim.deliver("pull_request", payloads.pull_request(system.sim, REPO, pr.number, "synchronize"))
    system.run_jobs()

    config_comments = sorted(
        (c for c in system.sim.review_comments(REPO, pr.number) if c["path"] == "params.yaml"),
        key=lambda c: c["line"],
    )
    assert [(c["start_line"], c["line"]) for c in config_comments] == [(2, 6), (None, 15)]
    assert all(f"Line {line}:" in config_comments[0]["body"] for line in range(2, 7))
    assert "score_cutoff" in config_comments[1]["body"] and "Line " not in config_comments[1]["body"]
    [run] = system.sim.check_runs(REPO, system.sim.repo(REPO).pull(pr.number).head_sha)
    annotated = [a for a in run["output"]["annotations"] if a["path"] == "params.yaml"]
    assert len(annotated) == 6, "the check run still marks every value"

    repo.push(
        "feature/scaling",
        {"params.yaml": "# Optuna study churn-v4 (2026-01-12) on data v7.\n" + UNTUNED_CONFIG},
    )
    system.sim.deliver("pull_request", payloads.pull_request(system.sim, REPO, pr.number, "synchronize"))
    system.run_jobs()
    after = {c["id"]: c["body"] for c in system.sim.review_comments(REPO, pr.number)}
    assert all(after[c["id"]].startswith("✅ **Fixed in") for c in config_comments)
