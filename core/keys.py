"""Every Redis key mldebt writes, its lifetime, and the RQ job ids: one place to see what lives in Redis.

All our keys start with `PREFIX`; RQ's own (`rq:job:<job id>` and its
registries) are named by the job ids built here. The names are stored data:
a renamed key loses what a running fleet wrote under the old name.

RQ (≥ 2.8) accepts only letters, digits, `_` and `-` in a job id, so
`org/repo#12@sha` is encoded; the encoding is reversible only in spirit
(hex of the repo name), which is all a job id needs.
"""

from __future__ import annotations

import hashlib
import re

PREFIX = "mldebt"
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")

# GitHub keeps a delivery, and redelivers it on request, for three days: a GUID is remembered as long.
DELIVERY_TTL_SECONDS = 3 * 24 * 3600
REDELIVERED_TTL_SECONDS = DELIVERY_TTL_SECONDS
# The head SHA a delivery named: a hint for skipping superseded reviews, useless once a PR is quiet.
HEAD_HINT_TTL_SECONDS = 30 * 24 * 3600
# A PR's count of rule-wide dismissal commands only needs to outlive the reviews running when one came.
CONVERSATION_SAID_TTL_SECONDS = 24 * 3600
# A job's check run id: a cache of GitHub's record, needed only while the job and its retries run.
CHECK_RUN_TTL_SECONDS = 24 * 3600
# The per-PR comment lock outlives a killed holder by at most this.
COMMENT_LOCK_TTL_SECONDS = 120
# A file `_extends` names in another repository is read at most this often per installation.
SHARED_CONFIG_TTL_SECONDS = 300
# RQ's records of a review or command job: a result for an hour, a failure a week (for `rq requeue`).
JOB_RESULT_TTL_SECONDS = 3600
JOB_FAILURE_TTL_SECONDS = 7 * 24 * 3600
# A failed periodic tick (sweep, reconcile) stays in RQ's failed-job registry this long, for `rq info`
# and a replay.
TICK_FAILURE_TTL_SECONDS = 24 * 3600
# A worker's registration outlives its maintenance interval by this much: RQ dequeues with a timeout of the
# worker's TTL minus 15 s, so a registration older than interval + margin belongs to a worker that stopped.
WORKER_TTL_MARGIN_SECONDS = 15

# Whether a comment's author could write when they asked to dismiss a finding: a cache of GitHub's answer
# (the comment is the record), kept as long as a PR usually stays open.
WRITER_VERDICT_TTL_SECONDS = 30 * 24 * 3600
# The PRs of a repository in which a rule's findings were dismissed: only a hint for a config change.
DISMISSED_RULE_TTL_SECONDS = 180 * 24 * 3600

# Fleet-wide tallies the workers keep and the receiver's `/metrics` reads.
FLEET_CALLS_KEY = f"{PREFIX}:metrics:github-calls"
FLEET_REMAINING_KEY = f"{PREFIX}:metrics:rate-remaining"
RECONCILE_TALLY_KEY = f"{PREFIX}:metrics:reconcile"
# Locks of the periodic jobs, held for as long as their worker's heartbeat lasts (`workers.locks`).
SWEEP_LOCK_KEY = f"{PREFIX}:sweep-lock"
RECONCILE_LOCK_KEY = f"{PREFIX}:reconcile-lock"
# When the last finished tick of each kind started: a tick asked for before that has nothing left to do.
SWEEP_LAST_START_KEY = f"{PREFIX}:sweep-last-start"
RECONCILE_LAST_START_KEY = f"{PREFIX}:reconcile-last-start"
LAST_START_TTL_SECONDS = 24 * 3600
# Present for as long as Redis keeps its data: its absence tells the reconciler Redis may have been wiped.
DATA_KEPT_KEY = f"{PREFIX}:data-kept-since"
# PRs a deep reconcile has settled since the wipe, so a deep pass cut short goes on where it stopped.
DEEP_SETTLED_KEY = f"{PREFIX}:deep-settled"


def _safe(text: str) -> str:
    cleaned = _UNSAFE.sub("_", text)
    digest = hashlib.sha1(text.encode()).hexdigest()[:8]
    return f"{cleaned[:60]}_{digest}"


def review_job_id(repo: str, pr: int, sha: str, run: str = "auto") -> str:
    """One job per (repo, PR, head SHA) for pushes; a rescore gets its own run tag."""
    return f"review-{_safe(repo)}-{pr}-{sha[:40]}-{_safe(run) if run != 'auto' else 'auto'}"


def command_job_id(repo: str, comment_id: int) -> str:
    return f"command-{_safe(repo)}-{comment_id}"


def thread_command_job_id(repo: str, comment_id: int) -> str:
    """A `/mldebt` reply in a review thread: review comments are numbered apart from conversation ones."""
    return f"thread-command-{_safe(repo)}-{comment_id}"


def writer_verdict_key(repo: str, kind: str, comment_id: int) -> str:
    """`kind` is "review" or "issue": the two kinds of comment are numbered apart."""
    return f"{PREFIX}:writer:{repo}:{kind}:{comment_id}"


def conversation_said_key(repo: str, pr: int) -> str:
    """Bumped for each rule-wide `/mldebt ignore` or `unignore` vouched for on the PR's conversation."""
    return f"{PREFIX}:conversation-said:{repo}#{pr}"


def dismissed_rule_key(repo: str, rule: str) -> str:
    return f"{PREFIX}:dismissed-rule:{repo}:{rule}"


def sweep_job_id(interval: int, slot: int) -> str:
    return f"sweeper-{interval}-{slot}"


def reconcile_job_id(interval: int, slot: int) -> str:
    return f"reconcile-{interval}-{slot}"


def reconcile_start_job_id(slot: int) -> str:
    return f"reconcile-start-{slot}"


def delivery_key(guid: str) -> str:
    return f"{PREFIX}:delivery:{guid}"


def redelivered_key(guid: str) -> str:
    """A GUID the sweep asked GitHub to redeliver: it is never asked for twice."""
    return f"{PREFIX}:redelivered:{guid}"


def job_delivery_key(job_id: str) -> str:
    """The webhook delivery that enqueued a job, so the job's log lines can name it."""
    return f"{PREFIX}:job-delivery:{job_id}"


def latest_head_key(repo: str, pr: int) -> str:
    """The head SHA the latest delivery named: only a hint, since deliveries come in any order; a job
    that it calls stale asks GitHub for the PR's head before counting itself superseded."""
    return f"{PREFIX}:head:{repo}#{pr}"


def check_run_key(job_id: str) -> str:
    return f"{PREFIX}:checkrun:{job_id}"


def comment_lock_key(repo: str, pr: int) -> str:
    return f"{PREFIX}:comment-lock:{repo}#{pr}"


def shared_config_key(installation_id: int, repo: str, path: str) -> str:
    """Per installation: a cached file must never reach an installation that cannot read it."""
    return f"{PREFIX}:shared-config:{installation_id}:{_safe(repo)}:{_safe(path)}"


def token_key(installation_id: int) -> str:
    return f"{PREFIX}:token:{installation_id}"


def write_slot_key(installation_id: int) -> str:
    return f"{PREFIX}:write-slot:{installation_id}"


def rate_pause_key(installation_id: int) -> str:
    """When an installation's rate-limit pause ends: every worker holds its requests until then."""
    return f"{PREFIX}:rate-pause:{installation_id}"
