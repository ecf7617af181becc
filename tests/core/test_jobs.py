"""Job specs against the worker functions they name and the RQ records they leave in a real Redis."""

from __future__ import annotations

import importlib
import inspect
from datetime import UTC, datetime

import pytest
from redis import Redis
from rq import Queue
from rq.exceptions import DuplicateJobError
from rq.job import Job

from core import keys
from core.jobs import (
    CommandJob,
    JobSpec,
    ReconcileJob,
    ReviewJob,
    SweepJob,
    ThreadCommandJob,
    enqueue,
    enqueue_pull_request_job,
)
from core.settings import Secret, Settings

REPO = "octo-org/models"
SHA = "9f3c2a1b" * 5
SPECS: list[JobSpec] = [
    ReviewJob(31, REPO, 7, SHA),
    ReviewJob(31, REPO, 7, SHA, run="rescore-99"),
    CommandJob(31, REPO, 7, 99, "ada", "MEMBER", "rescore"),
    ThreadCommandJob(31, REPO, 7, 100, "ada", "MEMBER", "ignore", "wont-fix legacy", in_reply_to=98),
    SweepJob(300, 42),
    ReconcileJob(600, 42),
    ReconcileJob(600, 42, at_worker_start=True),
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.job_id)
def test_each_spec_names_a_worker_function_that_takes_its_arguments(spec: JobSpec) -> None:
    module, _, name = spec.func.rpartition(".")
    inspect.signature(getattr(importlib.import_module(module), name)).bind(**spec.kwargs())
    assert all(ch.isalnum() or ch in "_-" for ch in spec.job_id), "RQ ≥ 2.8 takes only [A-Za-z0-9_-]"


def test_job_ids_are_the_ones_queued_jobs_already_carry() -> None:
    assert ReviewJob(31, REPO, 7, SHA).job_id == keys.review_job_id(REPO, 7, SHA)
    assert ReviewJob(31, REPO, 7, SHA, "rescore-99").job_id == keys.review_job_id(REPO, 7, SHA, "rescore-99")
    assert ReviewJob(31, REPO, 7, SHA, reused_job_id="review-abandoned").job_id == "review-abandoned"
    assert CommandJob(31, REPO, 7, 99, "ada", "MEMBER", "rescore").job_id == keys.command_job_id(REPO, 99)
    assert SweepJob(300, 42).job_id == "sweeper-300-42"
    assert ReconcileJob(600, 42).job_id == "reconcile-600-42"
    assert ReconcileJob(600, 42, at_worker_start=True).job_id == "reconcile-start-42"


def test_a_pull_request_job_is_queued_once_with_retries_and_lifetimes(redis: Redis, redis_url: str) -> None:
    secret = Secret("unused-here")
    settings = Settings(1, secret, secret, redis_url=redis_url, job_retry_intervals=(5, 30))
    spec = ReviewJob(31, REPO, 7, SHA)
    assert enqueue_pull_request_job(redis, settings, spec) == spec.job_id
    with pytest.raises(DuplicateJobError):
        enqueue_pull_request_job(redis, settings, spec)
    job = Job.fetch(spec.job_id, connection=redis)
    assert (job.func_name, job.kwargs) == ("workers.review.review_pull_request", spec.kwargs())
    assert (job.retries_left, job.retry_intervals, job.timeout) == (2, [5, 30], settings.job_timeout_seconds)
    assert (job.result_ttl, job.failure_ttl) == (keys.JOB_RESULT_TTL_SECONDS, keys.JOB_FAILURE_TTL_SECONDS)
    assert job.description == f"review_pull_request {REPO}#7 {SHA[:7]}"
    assert Queue(settings.queue_name, connection=redis).job_ids == [spec.job_id]


def test_a_tick_is_scheduled_for_its_slot_once_and_never_retried(redis: Redis) -> None:
    queue = Queue("mldebt", connection=redis)
    at = datetime.fromtimestamp(43 * 300, UTC)
    enqueue(queue, SweepJob(300, 43, due_at=at.timestamp()), at=at)
    with pytest.raises(DuplicateJobError):
        enqueue(queue, SweepJob(300, 43, due_at=at.timestamp()), at=at)
    job = Job.fetch("sweeper-300-43", connection=redis)
    assert (job.func_name, job.kwargs, job.retries_left) == (
        "workers.sweeper.sweep",
        {"due_at": 43 * 300},
        None,
    )
    assert (job.result_ttl, job.failure_ttl) == (300, keys.TICK_FAILURE_TTL_SECONDS)
    assert job.description == "redeliver failed webhooks"
    assert queue.scheduled_job_registry.get_job_ids() == ["sweeper-300-43"]
