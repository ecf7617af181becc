"""Who may change what mldebt says on a pull request: people with write access to the repository.

`author_association` is a free first filter; the collaborator-permission API
has the last word. A dismissal is read back from its comment on every
review, so the answer for that comment is kept in Redis: losing it costs one
permission call again, never the dismissal.
"""

from __future__ import annotations

from redis import Redis

from core import keys
from workers.port import GitHubPort

MAY_WRITE = frozenset({"OWNER", "MEMBER", "COLLABORATOR"})
WRITE_PERMISSIONS = frozenset({"admin", "write", "maintain"})


def may_write(gh: GitHubPort, repo: str, user: str, association: str) -> bool:
    return association.upper() in MAY_WRITE and gh.permission_of(repo, user) in WRITE_PERMISSIONS


def remember(redis: Redis, repo: str, kind: str, comment_id: int, allowed: bool) -> None:
    """What the command's handler found, so the reviews after it need not ask again."""
    key = keys.writer_verdict_key(repo, kind, comment_id)
    redis.set(key, "1" if allowed else "0", ex=keys.WRITER_VERDICT_TTL_SECONDS)


class Writers:
    """Whether the author of a comment of `kind` ("review" or "issue") could write, asked once per comment."""

    def __init__(self, redis: Redis, gh: GitHubPort, repo: str) -> None:
        self.redis = redis
        self.gh = gh
        self.repo = repo

    def wrote(self, kind: str, comment_id: int, user: str, association: str, by_bot: bool) -> bool:
        if by_bot:
            return False
        cached = self.redis.get(keys.writer_verdict_key(self.repo, kind, comment_id))
        if cached is not None:
            return cached in (b"1", "1")
        allowed = may_write(self.gh, self.repo, user, association)
        remember(self.redis, self.repo, kind, comment_id, allowed)
        return allowed
