"""Whether a newer push has made a review moot, decided by the PR's head on GitHub.

Deliveries arrive in any order (GitHub promises none, and the redelivery
sweeper brings old ones back late), so the head SHA the last delivery named is
only a hint. A review that the hint calls stale asks GitHub for the PR before
giving up: an older push's review may be skipped, the newest push's never is.
When GitHub disagrees with the hint, the hint is corrected so that the older
jobs still queued are skipped again without asking.
"""

from __future__ import annotations

import logging

from redis import Redis
from redis.exceptions import RedisError

from core import keys
from workers.port import GitHubPort

log = logging.getLogger("mldebt.supersession")


def hinted_head(redis: Redis, repo: str, pr: int) -> str | None:
    """The head the latest delivery named; None when Redis has none or cannot say (it is only a cache)."""
    try:
        latest = redis.get(keys.latest_head_key(repo, pr))
    except RedisError:
        return None
    if latest is None:
        return None
    return latest.decode() if isinstance(latest, bytes) else str(latest)


def remember_head(redis: Redis, repo: str, pr: int, sha: str) -> None:
    try:
        redis.set(keys.latest_head_key(repo, pr), sha, ex=keys.HEAD_HINT_TTL_SECONDS)
    except RedisError:
        return


def newer_head(redis: Redis, gh: GitHubPort, repo: str, pr: int, sha: str) -> str | None:
    """The PR's head on GitHub when it is not `sha`; GitHub is asked only when the hint says so."""
    hint = hinted_head(redis, repo, pr)
    if hint is None or hint == sha:
        return None
    head = gh.get_pull_request(repo, pr).head_sha
    if head == sha:
        log.info("a late delivery named %s; GitHub's head is still this review's", hint[:7])
        remember_head(redis, repo, pr, sha)
        return None
    if head != hint:
        remember_head(redis, repo, pr, head)
    return head
