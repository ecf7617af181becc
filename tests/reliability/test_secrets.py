"""Security: secrets stay secret, reviewed code is never run, a PR cannot switch off its own checks,
and the App asks GitHub for exactly the permissions it uses.

All through the real receiver, Redis, an RQ worker and the simulator, which knows every token it issued.
"""

from __future__ import annotations

import copy
import json
import logging
import pickle
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis
from rq.job import Job
from ruamel.yaml import YAML

from core.logs import JsonFormatter
from core.settings import Secret
from ghsim import payloads
from ghsim.routes import ENDPOINT_SETS
from harness.seed import REPO, seed_pull_request
from harness.system import WEBHOOK_SECRET, LocalSystem

ROOT = Path(__file__).resolve().parents[2]
JWT = re.compile(r"eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{8,}")
LOGGERS = ("", "bot", "workers", "mldebt", "rules", "httpx", "httpcore", "githubkit", "rq", "uvicorn")


@pytest.fixture
def system(redis_url: str, redis: Redis) -> Iterator[LocalSystem]:
    with LocalSystem(redis_url, write_spacing_seconds=0.0) as running:
        yield running


def secrets_of(system: LocalSystem) -> list[str]:
    """The webhook secret, every line of the private key's body and every installation token issued."""
    key_body = [
        line for line in system.sim.private_key_pem.splitlines() if line and not line.startswith("-----")
    ]
    return [WEBHOOK_SECRET, *key_body, *system.sim.authority.tokens]


def leaks(texts: list[str], secrets: list[str]) -> list[str]:
    found = [f"{secret[:6]}… in {text[:120]!r}" for text in texts for secret in secrets if secret in text]
    return found + [f"a JWT in {text[:120]!r}" for text in texts if JWT.search(text)]


def posted(system: LocalSystem, number: int) -> list[str]:
    """Everything mldebt wrote on GitHub: check runs (with annotations), reviews, review and issue
    comments."""
    texts = [json.dumps(run) for run in system.sim.check_runs(REPO)]
    texts += [json.dumps(item) for item in system.sim.reviews(REPO, number)]
    texts += [json.dumps(item) for item in system.sim.review_comments(REPO, number)]
    return texts + [json.dumps(item) for item in system.sim.issue_comments(REPO, number)]


def job_failures(system: LocalSystem) -> list[str]:
    """Every exception RQ stored for a job, as `rq info` or a dashboard would show it."""
    texts = []
    for key in system.redis.scan_iter("rq:job:*"):
        job_id = key.decode().removeprefix("rq:job:")
        if ":" in job_id:
            continue
        job = Job.fetch(job_id, connection=system.redis)
        texts += [result.exc_string or "" for result in job.results()]
        texts.append(repr(job.kwargs))
    return texts


def test_no_secret_or_token_reaches_logs_github_or_stored_exceptions(
    system: LocalSystem, caplog: pytest.LogCaptureFixture
) -> None:
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    _, pr = seed_pull_request(system.sim)
    system.sim.deliver("pull_request", payloads.pull_request(system.sim, REPO, pr.number))
    system.run_jobs()
    system.sim.expire_tokens()
    system.sim.deliver(
        "issue_comment", payloads.issue_comment(system.sim, REPO, pr.number, "/mldebt rescore")
    )
    system.sim.deliver(
        "issue_comment", payloads.issue_comment(system.sim, REPO, pr.number, "/mldebt rescroe")
    )
    system.run_jobs()
    system.sim.faults.add(r"/check-runs/\d+$", method="PATCH", status=403, times=None)
    system.sim.deliver(
        "check_run", payloads.check_run(system.sim, REPO, system.sim.check_runs(REPO)[0]["id"], "rerequested")
    )
    system.run_jobs()

    secrets = secrets_of(system)
    assert len(system.sim.authority.tokens) >= 2, (
        "the loop must have used more than one token for this test to mean much"
    )
    formatter = JsonFormatter()
    logged = [formatter.format(record) + repr(record.__dict__) for record in caplog.records]
    assert any("Traceback" in line and "rq.worker" in line for line in logged), (
        "the failed job's exception must have been logged"
    )
    texts = (
        logged
        + posted(system, pr.number)
        + job_failures(system)
        + [repr(system.settings), str(system.settings)]
    )
    assert leaks(texts, secrets) == []


def test_secret_never_shows_its_value() -> None:
    secret = Secret("hunter2-webhook-secret")
    shown = [
        repr(secret),
        str(secret),
        f"{secret}",
        "%s %r" % (secret, secret),  # noqa: UP031  printf-style formatting is one of the ways under test
        repr([secret]),
        repr(ValueError(secret)),
    ]
    assert all("hunter2" not in text for text in shown)
    assert secret.reveal() == "hunter2-webhook-secret"
    with pytest.raises(TypeError, match="Secret") as raised:
        json.dumps({"secret": secret})
    assert "hunter2" not in str(raised.value)


def test_code_in_the_reviewed_pr_is_never_run_or_imported(system: LocalSystem, tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    run_me = (
        f"import pathlib\npathlib.Path({str(marker)!r}).write_text('ran')\nDATA = '/home/alice/data.csv'\n"
    )

    class Payload:
        def __reduce__(self) -> tuple[object, tuple[object, ...]]:
            return (Path.write_text, (marker, "unpickled"))

    hostile: dict[str, str | bytes] = {
        "conftest.py": run_me,
        "setup.py": run_me,
        "sitecustomize.py": run_me,
        "src/__init__.py": run_me,
        "src/evil.pth": f"import pathlib; pathlib.Path({str(marker)!r}).write_text('pth')\n",
        "notebooks/run.ipynb": json.dumps(
            {
                "cells": [
                    {"cell_type": "code", "source": run_me.splitlines(True), "metadata": {}, "outputs": []}
                ],
                "metadata": {},
                "nbformat": 4,
                "nbformat_minor": 5,
            }
        ),
        "conf/params.yaml": (
            "learning_rate: !!python/object/apply:pathlib.Path.write_text"
            f" [!!python/object/apply:pathlib.Path [{str(marker)!r}], yaml]\n"
        ),
        "models/model.pkl": pickle.dumps(Payload()),
    }
    _, pr = seed_pull_request(system.sim)
    system.sim.repo(REPO).push("feature/scaling", hostile)
    system.sim.deliver("pull_request", payloads.pull_request(system.sim, REPO, pr.number, "synchronize"))
    system.run_jobs()

    [run] = system.sim.check_runs(REPO, pr.head_sha)
    assert run["status"] == "completed"
    assert "7 files analysed" in run["output"]["summary"], "every readable file must have been read"
    assert not marker.exists()


def test_a_fork_pr_is_reviewed_like_any_other(system: LocalSystem) -> None:
    """GitHub serves a fork PR's head commits from the base repository; only the payload names the fork."""
    _, pr = seed_pull_request(system.sim)
    event = payloads.pull_request(system.sim, REPO, pr.number)
    fork = copy.deepcopy(event["repository"]) | {
        "full_name": "mallory/churn-model",
        "name": "churn-model",
        "fork": True,
    }
    fork["owner"] = dict(fork["owner"], login="mallory", type="User")
    event["pull_request"]["head"].update(repo=fork, label="mallory:feature/scaling", user=fork["owner"])
    event["sender"] = fork["owner"]
    assert system.sim.deliver("pull_request", event).status_code == 202
    system.run_jobs()

    [run] = system.sim.check_runs(REPO, pr.head_sha)
    assert run["conclusion"] == "failure" and run["output"]["annotations"]
    assert len(system.sim.reviews(REPO, pr.number)) == 1
    assert not [call.path for call in system.sim.calls if "mallory" in call.path]


SWITCH_EVERYTHING_OFF = (
    "rules:\n"
    + "".join(
        f"  {rule}: false\n"
        for rule in ("split-leakage", "config-without-context", "hardcoded-path", "magic-number")
    )
    + "exclude: ['*']\n"
)


def test_a_pr_cannot_switch_off_its_own_checks_but_the_base_branch_can(system: LocalSystem) -> None:
    repo, pr = seed_pull_request(system.sim)
    repo.push("feature/scaling", {".github/mldebt.yml": SWITCH_EVERYTHING_OFF})
    system.sim.deliver("pull_request", payloads.pull_request(system.sim, REPO, pr.number, "synchronize"))
    system.run_jobs()
    assert system.sim.check_runs(REPO, pr.head_sha)[0]["conclusion"] == "failure"

    repo.push("main", {".github/mldebt.yml": SWITCH_EVERYTHING_OFF})
    repo.push("feature/scaling", {"notes.txt": "rebased\n"})
    system.sim.deliver("pull_request", payloads.pull_request(system.sim, REPO, pr.number, "synchronize"))
    system.run_jobs()
    assert system.sim.check_runs(REPO, pr.head_sha)[0]["conclusion"] == "success"


# Webhook events need read access to what they are about (GitHub's App docs; the REST
# endpoints' needs are the simulator's own table, which follows GitHub's reference).
EVENT_PERMISSIONS = {
    "pull_request": ("pull_requests", "read"),
    "issue_comment": ("issues", "read"),
    "pull_request_review_comment": ("pull_requests", "read"),
    "check_run": ("checks", "read"),
    "check_suite": ("checks", "read"),
}
GRAPHQL_PERMISSION = ("contents", "read")  # blob text through `repository.object`
LEVELS = {"read": 1, "write": 2}


def _permission_of(method: str, path: str) -> tuple[str, str] | None:
    for endpoint_set in ENDPOINT_SETS:
        for endpoint in endpoint_set.endpoints:
            pattern = re.sub(r"\{(\w+):int\}", r"\\d+", endpoint.path)
            pattern = re.sub(r"\{(\w+):path\}", r".+", pattern)
            pattern = re.sub(r"\{\w+\}", r"[^/]+", pattern)
            if endpoint.method == method and re.fullmatch(pattern, path):
                return GRAPHQL_PERMISSION if path == "/graphql" else endpoint.permission
    raise AssertionError(f"no simulated endpoint for {method} {path}")


def _exercise(system: LocalSystem) -> None:
    """Every kind of work mldebt does: review, rescore, refusal, help, a dismissal in a review thread,
    fixing, a button press."""
    repo, pr = seed_pull_request(system.sim)
    system.sim.set_permission(REPO, "mallory", "read")
    system.sim.deliver("pull_request", payloads.pull_request(system.sim, REPO, pr.number))
    system.run_jobs()
    for body, user in (
        ("/mldebt rescore", "alice"),
        ("/mldebt rescore", "mallory"),
        ("/mldebt help", "alice"),
    ):
        system.sim.deliver(
            "issue_comment", payloads.issue_comment(system.sim, REPO, pr.number, body, user=user)
        )
    system.run_jobs()
    ours = next(c for c in system.sim.review_comments(REPO, pr.number) if c["user"]["type"] == "Bot")
    system.sim.deliver(
        "pull_request_review_comment",
        payloads.pull_request_review_comment(
            system.sim, REPO, pr.number, ours["id"], "/mldebt ignore wont-fix legacy code", user="alice"
        ),
    )
    system.run_jobs()
    system.sim.deliver(
        "check_run",
        payloads.check_run(
            system.sim, REPO, system.sim.check_runs(REPO)[0]["id"], "requested_action", identifier="rescore"
        ),
    )
    repo.push("feature/scaling", {"train.py": "print('fixed')\n"})
    system.sim.deliver("pull_request", payloads.pull_request(system.sim, REPO, pr.number, "synchronize"))
    system.run_jobs()


def test_the_app_asks_for_exactly_the_permissions_it_uses(system: LocalSystem) -> None:
    manifest = YAML(typ="safe").load((ROOT / "app.yml").read_text())
    asked = dict(manifest["default_permissions"])
    system.sim.add_installation(1, account="octo-org", permissions=asked)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            system.sim, "add_installation", lambda *args, **kwargs: system.sim.state.installations[1]
        )
        _exercise(system)

    calls = [call for call in system.sim.calls if call.installation_id is not None]
    assert not [(c.method, c.path) for c in calls if c.status == 403], (
        "a call was refused with app.yml's permissions"
    )
    needed: dict[str, str] = {"metadata": "read"}
    wanted = [_permission_of(c.method, c.path) for c in calls] + [
        EVENT_PERMISSIONS[event] for event in manifest["default_events"]
    ]
    # An endpoint GitHub serves under either of two permissions (`issues|pull_requests`) needs no
    # second permission when the App already holds the other one.
    for names, level in sorted(filter(None, wanted), key=lambda permission: "|" in permission[0]):
        options = names.split("|")
        if not any(LEVELS.get(needed.get(option, ""), 0) >= LEVELS[level] for option in options):
            needed[options[0]] = level
    assert asked == needed
