"""A review job's own check run, with GitHub as the record and Redis as a cache of it.

The run carries the job id as its `external_id`. A job that finds no id
cached in Redis (its first attempt, or any attempt after Redis lost its data)
looks the run up on GitHub before creating one, so a job run twice, or a
delivery taken twice after a wipe, still has one run. Redis failing to cache
the id costs one more lookup later, never a second run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from redis import Redis
from redis.exceptions import RedisError

from core import keys
from workers.port import GitHubPort

log = logging.getLogger("mldebt.checkruns")
# What a run closed by an attempt that RQ will retry says; the reconciler treats such a run as not done.
RETRY_TITLE = "mldebt will try again"
RETRY_SUMMARY = (
    "mldebt could not finish this review because GitHub or the worker failed."
    " It will try again on its own shortly."
)


@dataclass(frozen=True)
class OwnRun:
    id: int
    # Annotations already on the run: 0 for a run just created, None when a found run must be asked.
    annotations_present: int | None


def cached(redis: Redis, job_id: str) -> int | None:
    try:
        stored = redis.get(keys.check_run_key(job_id))
    except RedisError:
        return None
    return int(stored) if stored else None


def _cache(redis: Redis, job_id: str, run_id: int) -> None:
    try:
        redis.set(keys.check_run_key(job_id), run_id, ex=keys.CHECK_RUN_TTL_SECONDS)
    except RedisError:
        log.warning("could not cache check run %s in Redis; a retry will look it up on GitHub", run_id)


def existing(redis: Redis, gh: GitHubPort, repo: str, sha: str, job_id: str) -> int | None:
    """The job's run if any attempt made one: Redis' copy, else GitHub's by `external_id`."""
    found = cached(redis, job_id)
    if found is None:
        found = gh.find_check_run(repo, sha, job_id)
        if found is not None:
            _cache(redis, job_id, found)
    return found


def own_run(
    redis: Redis, gh: GitHubPort, repo: str, sha: str, job_id: str, title: str, summary: str
) -> OwnRun:
    """The job's run, found again by any later attempt, created in progress only when GitHub has none."""
    stored = cached(redis, job_id)
    if stored is not None:
        return OwnRun(stored, None)
    found = gh.find_check_run(repo, sha, job_id)
    if found is not None:
        _cache(redis, job_id, found)
        return OwnRun(found, None)
    created = gh.create_check_run(repo, sha, title, summary, job_id)
    _cache(redis, job_id, created)
    return OwnRun(created, 0)
