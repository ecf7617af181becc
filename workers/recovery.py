"""What the reconciler does once more after Redis lost its data: find the work only Redis knew of.

A wipe (Redis restarted without its append-only file) takes with it queued
jobs, scheduled retries and commands acknowledged with 👀. Without a wipe
they are still in RQ and run; after one, only GitHub can tell what was left
undone. Redis holds a marker key for as long as it keeps its data, so its
absence means "possibly wiped" (or a first start). The next reconciler tick
is then a deep one, for each recent PR: the runs of its older commits that
were left in progress or promising a retry are closed as superseded (their
retry is gone, and the head is what gets reviewed), a head run in progress
whose job Redis no longer knows is taken for abandoned at once, and a
`/mldebt` command that got no final answer (🚀 or 😕) is run again. Every
one of those outputs is idempotent against GitHub, so running work twice
costs calls, never a duplicate.
"""

from __future__ import annotations

import logging
from typing import Any

from redis import Redis
from redis.exceptions import RedisError
from rq.exceptions import DuplicateJobError

from core import keys
from core.jobs import COMMAND, CommandJob, enqueue_pull_request_job
from core.settings import Settings
from workers import report
from workers.checkruns import RETRY_TITLE

log = logging.getLogger("mldebt.recovery")
FINAL_REACTIONS = ("rocket", "confused")


def possibly_wiped(redis: Redis) -> bool:
    try:
        return not redis.exists(keys.DATA_KEPT_KEY)
    except RedisError:
        return False


def mark_kept(redis: Redis, when: str) -> None:
    """Set once a deep tick has looked everywhere; it stays until Redis loses its data."""
    redis.set(keys.DATA_KEPT_KEY, when, nx=True)
    redis.delete(keys.DEEP_SETTLED_KEY)


def settled(redis: Redis, repo: str, pr: int) -> bool:
    return bool(redis.sismember(keys.DEEP_SETTLED_KEY, f"{repo}#{pr}"))


def mark_settled(redis: Redis, repo: str, pr: int) -> None:
    redis.sadd(keys.DEEP_SETTLED_KEY, f"{repo}#{pr}")


def stale(run: Any) -> bool:
    """A run of an older commit still in progress or promising a retry: after a wipe, nothing will finish it."""
    return run.status != "completed" or (run.output.title or "") == RETRY_TITLE


def close_older(gh: Any, repo: str, runs: list[Any], head_sha: str) -> int:
    closed = 0
    for run in runs:
        if stale(run):
            gh.budget.spend()
            gh.finish_check_run(
                repo,
                run.id,
                conclusion="neutral",
                title="Superseded by a newer push",
                summary=f"A newer commit ({head_sha[:7]}) is being reviewed instead.",
                text="",
                annotations=(),
                actions=[report.RESCORE_ACTION],
            )
            closed += 1
    return closed


def unanswered_commands(comments: list[Any]) -> list[Any]:
    """`/mldebt` commands from people that mldebt never answered with 🚀 or 😕."""
    found = []
    for comment in comments:
        user = comment.user
        if user is None or user.type == "Bot" or COMMAND.search(comment.body or "") is None:
            continue
        rollup = comment.reactions
        if rollup is not None and any(getattr(rollup, kind, 0) for kind in FINAL_REACTIONS):
            continue
        found.append(comment)
    return found


def replay_command(redis: Redis, settings: Settings, installation_id: int, repo: str, pr: int, comment: Any) -> bool:
    match = COMMAND.search(comment.body or "")
    assert match is not None
    job = CommandJob(
        installation_id=installation_id,
        repo=repo,
        pr_number=pr,
        comment_id=comment.id,
        user=comment.user.login,
        association=str(comment.author_association),
        command=match["word"].lower(),
    )
    try:
        enqueue_pull_request_job(redis, settings, job)
    except DuplicateJobError:
        return False
    log.info("replaying /mldebt %s on %s#%d", match["word"], repo, pr)
    return True
