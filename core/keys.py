"""Redis key names and RQ job ids, shared by the receiver and the workers.

RQ (≥ 2.8) accepts only letters, digits, `_` and `-` in a job id, so
`org/repo#12@sha` is encoded; the encoding is reversible only in spirit
(hex of the repo name), which is all a job id needs.
"""

from __future__ import annotations

import hashlib
import re

PREFIX = "mldebt"
DELIVERY_TTL_SECONDS = 3 * 24 * 3600
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def _safe(text: str) -> str:
    cleaned = _UNSAFE.sub("_", text)
    digest = hashlib.sha1(text.encode()).hexdigest()[:8]
    return f"{cleaned[:60]}_{digest}"


def review_job_id(repo: str, pr: int, sha: str, run: str = "auto") -> str:
    """One job per (repo, PR, head SHA) for pushes; a rescore gets its own run tag."""
    return f"review-{_safe(repo)}-{pr}-{sha[:40]}-{_safe(run) if run != 'auto' else 'auto'}"


def command_job_id(repo: str, comment_id: int) -> str:
    return f"command-{_safe(repo)}-{comment_id}"


def delivery_key(guid: str) -> str:
    return f"{PREFIX}:delivery:{guid}"


def job_delivery_key(job_id: str) -> str:
    """The webhook delivery that enqueued a job, so the job's log lines can name it."""
    return f"{PREFIX}:job-delivery:{job_id}"


def latest_head_key(repo: str, pr: int) -> str:
    """The head SHA the latest delivery named: only a hint, since deliveries come in any order; a job
    that it calls stale asks GitHub for the PR's head before counting itself superseded."""
    return f"{PREFIX}:head:{repo}#{pr}"


def check_run_key(job_id: str) -> str:
    return f"{PREFIX}:checkrun:{job_id}"


def token_key(installation_id: int) -> str:
    return f"{PREFIX}:token:{installation_id}"


def write_slot_key(installation_id: int) -> str:
    return f"{PREFIX}:write-slot:{installation_id}"
