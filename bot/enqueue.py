"""Takes an accepted delivery in one Redis round trip: de-duplication, head bookkeeping and the RQ jobs.

One Lua script does it all, so a delivery is either taken whole or not at
all, and the receiver waits on Redis once per delivery instead of once per
key. The jobs are RQ's own (built by `core.jobs`, written as RQ 3's
`save_unique_job` writes them: the job hash, the queue's id list, the set of
queues), so a stock `rq` worker runs them and RQ's `unique=True` enqueue sees
their ids as taken. A failed job is retried after each of
`MLDEBT_JOB_RETRY_INTERVALS`; one that still fails stays in RQ's failed-job
registry for a week, where `rq requeue` can replay it.
"""

from __future__ import annotations

import enum

from redis.asyncio import Redis
from rq import Queue
from rq.job import Job

from bot.router import Decision
from core import keys
from core.jobs import queued_pull_request_job
from core.settings import Settings

# KEYS: the delivery's key, RQ's set of queues, the queue's list, then per job its hash and its
# job-delivery key, then the PR's latest-head key when the delivery names one.
# ARGV: GUID, delivery TTL, head SHA ("" for none), head TTL, job count, then per job its id, its field
# count and its fields. Answers -1 for a GUID already taken, else how many jobs it queued (a job whose id
# RQ still holds, queued, running or finished, is not queued twice, exactly as RQ's `unique=True`).
_ACCEPT = """
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[2]) then
  return -1
end
local jobs = tonumber(ARGV[5])
if ARGV[3] ~= '' then
  redis.call('SET', KEYS[4 + 2 * jobs], ARGV[3], 'EX', ARGV[4])
end
local queued = 0
local at = 6
for i = 1, jobs do
  local job_key, delivery_key = KEYS[2 + 2 * i], KEYS[3 + 2 * i]
  local id, fields = ARGV[at], tonumber(ARGV[at + 1])
  if redis.call('EXISTS', job_key) == 0 then
    redis.call('HSET', job_key, unpack(ARGV, at + 2, at + 1 + fields))
    redis.call('SET', delivery_key, ARGV[1], 'EX', ARGV[2])
    redis.call('SADD', KEYS[2], KEYS[3])
    redis.call('RPUSH', KEYS[3], id)
    queued = queued + 1
  end
  at = at + 2 + fields
end
return queued
"""


class Taken(enum.Enum):
    DUPLICATE_DELIVERY = "duplicate delivery"
    DUPLICATE_JOBS = "duplicate jobs"
    ENQUEUED = "enqueued"


def _hash_fields(job: Job) -> list[str | bytes | int]:
    """The job hash as RQ's `Job.save` writes it: `to_dict`, None values left out."""
    fields: list[str | bytes | int] = []
    for name, value in job.to_dict().items():
        if value is not None:
            fields += [name, value if isinstance(value, bytes | str) else str(value)]
    return fields


class Acceptor:
    """Holds the registered script and an RQ queue used only to build jobs (it never talks to Redis)."""

    def __init__(self, redis: Redis, queue: Queue, settings: Settings) -> None:
        self._script = redis.register_script(_ACCEPT)
        self._queue = queue
        self._settings = settings

    def arguments(self, decision: Decision, guid: str) -> tuple[list[str], list[str | bytes | int]]:
        job_keys: list[str] = []
        args: list[str | bytes | int] = [guid, keys.DELIVERY_TTL_SECONDS]
        job_args: list[str | bytes | int] = []
        for spec in decision.jobs:
            job = queued_pull_request_job(self._queue, self._settings, spec)
            fields = _hash_fields(job)
            job_keys += [job.key, keys.job_delivery_key(job.id)]
            job_args += [job.id, len(fields), *fields]
        head_keys: list[str] = []
        if decision.latest_head is not None:
            repo, pr, sha = decision.latest_head
            head_keys.append(keys.latest_head_key(repo, pr))
            args += [sha, keys.HEAD_HINT_TTL_SECONDS]
        else:
            args += ["", 0]
        args += [len(decision.jobs), *job_args]
        script_keys = [keys.delivery_key(guid), self._queue.redis_queues_keys, self._queue.key]
        return script_keys + job_keys + head_keys, args

    async def take(self, decision: Decision, guid: str) -> Taken:
        """Raises RedisError when Redis cannot be reached, having written nothing."""
        script_keys, args = self.arguments(decision, guid)
        answer = int(await self._script(keys=script_keys, args=args))
        if answer < 0:
            return Taken.DUPLICATE_DELIVERY
        return Taken.ENQUEUED if answer else Taken.DUPLICATE_JOBS
