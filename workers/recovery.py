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
`/mldebt` command that got no final answer (🚀 or 😕 on the PR, 👍 or 😕
as a reply in one of our review threads) is run again. Every
one of those outputs is idempotent against GitHub, so running work twice
costs calls, never a duplicate.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from redis import Redis
from redis.exceptions import RedisError
from rq.exceptions import DuplicateJobError

from core import keys
from core.jobs import COMMAND, CommandJob, ThreadCommandJob, command_parts, enqueue_pull_request_job
from core.settings import Settings
from workers import report
from workers.checkruns import RETRY_TITLE
from workers.port import CheckRunState, GitHubPort, IssueComment, ThreadComment
from workers.publish import OUR_COMMENTS
from workers.review_threads import ours

log = logging.getLogger("mldebt.recovery")
FINAL_REACTIONS = frozenset({"rocket", "confused"})
# A reply in one of our threads ends with 👍 (done) or 😕 (refused, or the help).
THREAD_FINAL_REACTIONS = frozenset({"+1", "confused"})


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


def stale(run: CheckRunState) -> bool:
    """A run of an older commit still in progress or promising a retry: after a wipe, nothing will
    finish it."""
    return run.status != "completed" or run.title == RETRY_TITLE


def close_older(
    gh: GitHubPort, spend: Callable[[], None], repo: str, runs: list[CheckRunState], head_sha: str
) -> int:
    """Closes the stale runs of an older commit, paying `spend` before each call."""
    closed = 0
    for run in runs:
        if stale(run):
            spend()
            gh.complete_check_run(
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


def unanswered_commands(comments: list[IssueComment]) -> list[IssueComment]:
    """`/mldebt` commands from people that mldebt never answered with 🚀 or 😕."""
    found = []
    for comment in comments:
        if comment.author is None or comment.author_is_bot or COMMAND.search(comment.body) is None:
            continue
        if comment.reactions & FINAL_REACTIONS:
            continue
        found.append(comment)
    return found


def replay_command(
    redis: Redis, settings: Settings, installation_id: int, repo: str, pr: int, comment: IssueComment
) -> bool:
    command, argument = _command_of(comment.body)
    job = CommandJob(
        installation_id=installation_id,
        repo=repo,
        pr_number=pr,
        comment_id=comment.id,
        user=comment.author or "",
        association=comment.association,
        command=command,
        argument=argument,
    )
    return _replay(redis, settings, job, f"on {repo}#{pr}")


def unanswered_thread_commands(comments: list[ThreadComment]) -> list[ThreadComment]:
    """`/mldebt` replies from people in the threads of our review comments that never got 👍 or 😕."""
    threads = {comment.id for comment in ours(comments, OUR_COMMENTS)}
    return [
        comment
        for comment in comments
        if comment.in_reply_to in threads
        and not comment.author_is_bot
        and COMMAND.search(comment.body) is not None
        and not comment.reactions & THREAD_FINAL_REACTIONS
    ]


def replay_thread_command(
    redis: Redis, settings: Settings, installation_id: int, repo: str, pr: int, reply: ThreadComment
) -> bool:
    assert reply.in_reply_to is not None
    command, argument = _command_of(reply.body)
    job = ThreadCommandJob(
        installation_id=installation_id,
        repo=repo,
        pr_number=pr,
        comment_id=reply.id,
        in_reply_to=reply.in_reply_to,
        user=reply.author,
        association=reply.association,
        command=command,
        argument=argument,
    )
    return _replay(redis, settings, job, f"in a review thread on {repo}#{pr}")


def _command_of(body: str) -> tuple[str, str]:
    """The command word and its argument, as the router reads them from a comment it takes."""
    match = COMMAND.search(body)
    assert match is not None
    return command_parts(match)


def _replay(redis: Redis, settings: Settings, job: CommandJob, where: str) -> bool:
    """Enqueues `job` unless RQ still holds its id (it ran, or runs, already)."""
    try:
        enqueue_pull_request_job(redis, settings, job)
    except DuplicateJobError:
        return False
    log.info("replaying /mldebt %s %s", job.command, where)
    return True
