"""Takes an accepted delivery in one Redis round trip: de-duplication, head bookkeeping and the RQ jobs.

One Lua script does it all, so a delivery is either taken whole or not at
all, and the receiver waits on Redis once per delivery instead of once per
key. Deliveries that arrive while Redis is answering earlier ones go
together, their scripts in one pipeline: under a burst the receiver pays for
a round trip per batch, not per delivery, and each delivery is still a script
of its own. The jobs are RQ's own (written as RQ 3's `save_unique_job` writes
them: the job hash, the queue's id list, the set of queues), so a stock `rq`
worker runs them and RQ's `unique=True` enqueue sees their ids as taken. A
failed job is retried after each of `MLDEBT_JOB_RETRY_INTERVALS`; one that
still fails stays in RQ's failed-job registry for a week, where `rq requeue`
can replay it."""

from __future__ import annotations

import asyncio
import enum
import hashlib
import struct
import zlib
from collections.abc import Iterable
from datetime import UTC, datetime

from redis.asyncio import Redis
from redis.exceptions import NoScriptError
from rq import Queue

from bot.router import Decision
from core import keys
from core.jobs import PullRequestJob, queued_pull_request_job
from core.settings import Settings

# KEYS: the delivery's key, RQ's set of queues, the queue's list, then per job its hash and its
# job-delivery key, then the PR's latest-head key when the delivery names one.
# ARGV: GUID, delivery TTL, head SHA ("" for none), head TTL, job count, then per job its id and its hash
# fields packed into one argument (`_packed`). Answers -1 for a GUID already taken, else how many jobs it
# queued (a job whose id RQ still holds, queued, running or finished, is not queued twice, exactly as RQ's
# `unique=True`).
_ACCEPT = """
local function unpacked(packed)
  local fields, field, at = {}, nil, 1
  while at <= #packed do
    field, at = struct.unpack('>I4c0', packed, at)
    fields[#fields + 1] = field
  end
  return fields
end
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[2]) then
  return -1
end
local jobs = tonumber(ARGV[5])
if ARGV[3] ~= '' then
  redis.call('SET', KEYS[4 + 2 * jobs], ARGV[3], 'EX', ARGV[4])
end
local queued = 0
for i = 1, jobs do
  local job_key, delivery_key = KEYS[2 + 2 * i], KEYS[3 + 2 * i]
  if redis.call('EXISTS', job_key) == 0 then
    redis.call('HSET', job_key, unpack(unpacked(ARGV[5 + 2 * i])))
    redis.call('SET', delivery_key, ARGV[1], 'EX', ARGV[2])
    redis.call('SADD', KEYS[2], KEYS[3])
    redis.call('RPUSH', KEYS[3], ARGV[4 + 2 * i])
    queued = queued + 1
  end
end
return queued
"""

_ACCEPT_SHA = hashlib.sha1(_ACCEPT.encode()).hexdigest()

# A zlib header (deflate, 32 KB window, no preset dictionary, check bits set) and the most one stored
# block holds.
_ZLIB_HEADER = b"\x78\x01"
_STORED_BLOCK = 0xFFFF
# The job hash fields that differ between two jobs of one kind; RQ's own job gives every other field.
_OWN_FIELDS = frozenset({"created_at", "enqueued_at", "data", "description"})


def _packed(fields: Iterable[str | bytes | int]) -> bytes:
    """Each field prefixed by its length, as the script's `unpacked` reads them: redis-py packs one argument
    per job instead of one per field, which cost the receiver more than building the job."""
    encoded = (_bytes(field) for field in fields)
    return b"".join(struct.pack(">I", len(field)) + field for field in encoded)


def _bytes(value: str | bytes | int) -> bytes:
    """As redis-py encodes an argument: a `str` subclass (RQ's `JobStatus`) by its value, not its name."""
    if isinstance(value, bytes):
        return value
    return (value if isinstance(value, str) else str(value)).encode()


def zlib_stored(data: bytes) -> bytes:
    """`data` as a zlib stream of stored (uncompressed) blocks, which RQ reads back with `zlib.decompress`
    as it reads the data it compresses itself.

    Deflating a job's few hundred bytes saved little space and cost the receiver more than all its other
    work on the job hash; framing them costs a checksum.
    """
    blocks = [data[start : start + _STORED_BLOCK] for start in range(0, len(data), _STORED_BLOCK)] or [b""]
    framed = b"".join(
        struct.pack("<BHH", index == len(blocks) - 1, len(block), len(block) ^ 0xFFFF) + block
        for index, block in enumerate(blocks)
    )
    return _ZLIB_HEADER + framed + struct.pack(">I", zlib.adler32(data))


def _rq_moment() -> str:
    """Now, as RQ's `utcformat(now())` writes it (`%Y-%m-%dT%H:%M:%S.%fZ`), without `strftime`'s cost."""
    return datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


class _JobHash:
    """The job hash as RQ's `Job.save` writes it (`to_dict`, None values left out) for one kind of job.

    RQ builds it once, from the job `queued_pull_request_job` makes; a delivery then fills in only the
    fields its own job changes, the way RQ's `Job.create` and `to_dict` would: building an RQ `Job` for
    every delivery cost more than the rest of the receiver's own work.
    """

    def __init__(self, queue: Queue, settings: Settings, spec: PullRequestJob) -> None:
        self._serializer = queue.serializer
        fields = queued_pull_request_job(queue, settings, spec).to_dict()
        self._shared = _packed(
            part
            for name, value in fields.items()
            if value is not None and name not in _OWN_FIELDS
            for part in (name, value)
        )

    def packed(self, spec: PullRequestJob) -> bytes:
        moment = _rq_moment()
        data = zlib_stored(self._serializer.dumps((spec.func, None, (), spec.kwargs())))
        own = ("created_at", moment, "enqueued_at", moment, "data", data, "description", spec.description)
        return _packed(own) + self._shared


class Taken(enum.Enum):
    DUPLICATE_DELIVERY = "duplicate delivery"
    DUPLICATE_JOBS = "duplicate jobs"
    ENQUEUED = "enqueued"


# A delivery's script: its keys, its arguments, and where its answer goes.
_Call = tuple[list[str], list[str | bytes | int], "asyncio.Future[int]"]


class Acceptor:
    """Holds an RQ queue used only to build jobs (it never talks to Redis), the job hash of each kind of job
    it has taken, and the deliveries waiting for the batch in flight to be answered."""

    def __init__(self, redis: Redis, queue: Queue, settings: Settings, timeout: float) -> None:
        self._redis = redis
        self._queue = queue
        self._settings = settings
        self._timeout = timeout
        self._hashes: dict[type[PullRequestJob], _JobHash] = {}
        self._waiting: list[_Call] = []
        self._sending: asyncio.Task[None] | None = None

    def job_hash(self, spec: PullRequestJob) -> bytes:
        """`spec`'s job hash, packed for the script."""
        template = self._hashes.get(type(spec))
        if template is None:
            template = self._hashes[type(spec)] = _JobHash(self._queue, self._settings, spec)
        return template.packed(spec)

    def arguments(self, decision: Decision, guid: str) -> tuple[list[str], list[str | bytes | int]]:
        job_keys: list[str] = []
        args: list[str | bytes | int] = [guid, keys.DELIVERY_TTL_SECONDS]
        job_args: list[str | bytes | int] = []
        for spec in decision.jobs:
            job_id = spec.job_id
            job_keys += [self._queue.job_class.key_for(job_id), keys.job_delivery_key(job_id)]
            job_args += [job_id, self.job_hash(spec)]
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
        """Raises RedisError when Redis cannot be reached, TimeoutError when the batch before this
        delivery's and its own took longer than the timeout each; either way its script ran whole or not at
        all."""
        script_keys, args = self.arguments(decision, guid)
        answer: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._waiting.append((script_keys, args, answer))
        if self._sending is None:
            self._sending = asyncio.create_task(self._send_waiting())
        taken = await answer
        if taken < 0:
            return Taken.DUPLICATE_DELIVERY
        return Taken.ENQUEUED if taken else Taken.DUPLICATE_JOBS

    async def _send_waiting(self) -> None:
        """One batch in flight at a time: what arrives meanwhile is the next batch. Its own task, so a
        delivery whose request is cancelled never cancels the others' batch."""
        try:
            while self._waiting:
                batch, self._waiting = self._waiting, []
                try:
                    async with asyncio.timeout(self._timeout):
                        answers = await self._run([(script_keys, args) for script_keys, args, _ in batch])
                except Exception as exc:  # each waiting delivery answers for itself (503, or 500 for a bug)
                    answers = [exc] * len(batch)
                for (*_, answer), outcome in zip(batch, answers, strict=True):
                    if answer.done():  # its request gave up waiting
                        continue
                    if isinstance(outcome, Exception):
                        answer.set_exception(outcome)
                    else:
                        answer.set_result(int(outcome))
        finally:
            self._sending = None

    async def _run(self, calls: list[tuple[list[str], list[str | bytes | int]]]) -> list[int | Exception]:
        """Runs each call's script, all in one round trip; a Redis that lost its scripts (a restart) gets
        ours again, and the calls it refused, having run none of them, go once more."""
        answers = await self._pipeline(calls)
        refused = [index for index, answer in enumerate(answers) if isinstance(answer, NoScriptError)]
        if refused:
            await self._redis.script_load(_ACCEPT)
            again = await self._pipeline([calls[index] for index in refused])
            for index, answer in zip(refused, again, strict=True):
                answers[index] = answer
        return answers

    async def _pipeline(
        self, calls: list[tuple[list[str], list[str | bytes | int]]]
    ) -> list[int | Exception]:
        pipeline = self._redis.pipeline(transaction=False)
        for script_keys, args in calls:
            pipeline.evalsha(_ACCEPT_SHA, len(script_keys), *script_keys, *args)
        answers: list[int | Exception] = await pipeline.execute(raise_on_error=False)
        return answers
