"""Operations: JSON logs that say which delivery, repo, PR and SHA every line of a review belongs to,
and Prometheus metrics for deliveries, the queue, job time, GitHub calls and the rate limit.

The worker is a real `python -m workers` process (RQ forks a work horse per job); the receiver's
`/metrics` is scraped over HTTP.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from redis import Redis

from core.logs import JsonFormatter
from ghsim import payloads
from harness.seed import REPO, seed_pull_request
from harness.system import WEBHOOK_SECRET, LocalSystem


@pytest.fixture
def system(redis_url: str, redis: Redis) -> Iterator[LocalSystem]:
    with LocalSystem(redis_url, write_spacing_seconds=0.0, log_level="INFO") as running:
        yield running


class JsonLines(logging.Handler):
    """What the receiver writes, formatted as it is emitted (the log context lives only that long)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def samples(system: LocalSystem) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    text = httpx.get(f"{system.receiver.url}/metrics", timeout=10).text
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(found: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


def test_a_review_in_a_worker_process_logs_json_lines_that_name_its_delivery_repo_pr_and_sha(
    system: LocalSystem,
) -> None:
    receiver_log = JsonLines()
    logging.getLogger("mldebt.receiver").addHandler(receiver_log)
    _, pr = seed_pull_request(system.sim)
    guid = str(uuid.uuid4())
    try:
        assert (
            system.sim.deliver(
                "pull_request", payloads.pull_request(system.sim, REPO, pr.number), delivery_id=guid
            ).status_code
            == 202
        )
    finally:
        logging.getLogger("mldebt.receiver").removeHandler(receiver_log)
    worker = system.start_worker()
    system.wait_for_workers(1)
    system.wait_until_idle()
    assert system.sim.check_runs(REPO, pr.head_sha)[0]["status"] == "completed"
    worker.kill()

    [taken] = [json.loads(line) for line in receiver_log.lines]
    assert (taken["delivery"], taken["repo"], taken["pr"], taken["sha"]) == (
        guid,
        REPO,
        pr.number,
        pr.head_sha,
    )
    lines = [line for line in worker.output().splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    review = [entry for entry in entries if entry.get("job", "").startswith("review-")]
    assert {entry["logger"] for entry in review} >= {"mldebt.review", "workers.tokens"}
    for entry in review:
        assert (entry["delivery"], entry["repo"], entry["pr"]) == (guid, REPO, pr.number), entry
        assert len(entry["sha"]) >= 7 and pr.head_sha.startswith(entry["sha"]), entry
    secrets = [WEBHOOK_SECRET, *system.sim.authority.tokens, *system.sim.private_key_pem.splitlines()[1:-1]]
    assert system.sim.authority.tokens and not [
        s for s in secrets for line in lines + receiver_log.lines if s in line
    ]


def test_metrics_show_deliveries_the_queue_and_what_workers_did(system: LocalSystem) -> None:
    _, pr = seed_pull_request(system.sim)
    before = samples(system)
    system.sim.deliver("pull_request", payloads.pull_request(system.sim, REPO, pr.number))
    queued = samples(system)
    assert (
        value(queued, "mldebt_deliveries_total", event="pull_request", outcome="enqueued")
        == value(before, "mldebt_deliveries_total", event="pull_request", outcome="enqueued") + 1
    )
    assert value(queued, "mldebt_queue_depth") == 1 and value(queued, "mldebt_redis_up") == 1

    system.start_worker()
    system.wait_for_workers(1)
    system.wait_until_idle()
    done = samples(system)
    assert value(done, "mldebt_queue_depth") == 0 and value(done, "mldebt_jobs_failed") == 0
    assert value(done, "mldebt_workers") == 1
    [worker] = {dict(labels)["worker"] for name, labels in done if name == "mldebt_worker_jobs_total"}
    assert value(done, "mldebt_worker_jobs_total", worker=worker, outcome="succeeded") == 1
    assert value(done, "mldebt_worker_busy_seconds_total", worker=worker) > 0


def test_a_job_run_in_this_process_shows_its_github_calls_rate_limit_and_duration(
    system: LocalSystem,
) -> None:
    _, pr = seed_pull_request(system.sim)
    before = samples(system)
    system.sim.set_rate_limit(1, 4321)
    system.sim.deliver("pull_request", payloads.pull_request(system.sim, REPO, pr.number))
    system.run_jobs()
    after = samples(system)

    def calls(found: dict[tuple[str, tuple[tuple[str, str], ...]], float], method: str) -> float:
        return sum(
            v
            for (name, labels), v in found.items()
            if name == "mldebt_github_calls_total" and dict(labels)["method"] == method
        )

    assert calls(after, "GET") > calls(before, "GET") and calls(after, "POST") > calls(before, "POST")
    assert 0 < value(after, "mldebt_github_rate_limit_remaining", installation="1") <= 4321
    assert (
        value(after, "mldebt_job_seconds_count", job="review")
        == value(before, "mldebt_job_seconds_count", job="review") + 1
    )


def test_metrics_say_when_redis_is_gone(redis_url: str) -> None:
    with LocalSystem("redis://127.0.0.1:1/0") as broken:
        assert value(samples(broken), "mldebt_redis_up") == 0
