"""An accepted delivery costs the receiver one Redis round trip and leaves exactly what RQ itself would.

The receiver writes RQ's job records from its own script, so these tests hold
that script to RQ: the same job hash as RQ's `unique=True` enqueue, a job a
stock worker's dequeue hands out, an id RQ then refuses as taken. The
pipeline tests run such jobs in real `rq` worker processes.
"""

from __future__ import annotations

import asyncio
import copy
import json
import uuid
import zlib
from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from redis import Redis
from redis.asyncio import Redis as AsyncRedis
from rq import Queue
from rq.exceptions import DuplicateJobError
from rq.job import Job
from rq.utils import utcformat, utcparse

from bot.enqueue import Acceptor, Taken, zlib_stored
from bot.router import Delivery, route
from core import keys
from core.jobs import ReviewJob, enqueue_pull_request_job
from core.settings import Settings
from tests.bot.test_review_comment_routing import REPLY
from tests.payloads import load, on_pull_request
from tests.receiver.conftest import RETRY_INTERVALS
from tests.receiver.test_receiver import opened, post, queued

# What the accepting script may run inside Redis; the receiver itself sends only EVALSHA.
SCRIPT_COMMANDS = {"set", "hset", "exists", "sadd", "rpush"}
# Fields that hold the moment of enqueueing, which differs between any two enqueues.
MOMENTS = {b"created_at", b"enqueued_at"}


def _send(url: str, number: int, guid: str | None = None) -> httpx.Response:
    payload = json.loads(opened())
    payload["number"] = payload["pull_request"]["number"] = number
    return post(url, "pull_request", json.dumps(payload).encode(), guid=guid)


def _spec(number: int) -> ReviewJob:
    payload = load("pull_request", "opened.payload.json")
    sha = payload["pull_request"]["head"]["sha"]
    return ReviewJob(1, payload["repository"]["full_name"], number, sha)


def _top_level_commands(redis: Redis) -> dict[str, int]:
    stats = redis.info("commandstats")
    return {name.removeprefix("cmdstat_"): figures["calls"] for name, figures in stats.items()}


def test_an_accepted_delivery_is_one_script_call(receiver: str, redis: Redis) -> None:
    assert _send(receiver, 1).status_code == 202  # loads the script and opens the connection
    redis.config_resetstat()
    assert _send(receiver, 2).json()["outcome"] == "enqueued"
    commands = _top_level_commands(redis)
    commands.pop("config|resetstat")
    assert commands.pop("evalsha") == 1
    assert set(commands) <= SCRIPT_COMMANDS, "every other command ran inside the script"
    assert queued(redis) == 2


def _pull_request(number: int) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads(opened())
    payload["number"] = payload["pull_request"]["number"] = number
    return payload


def _comment(number: int) -> dict[str, Any]:
    payload = on_pull_request(load("issue_comment", "created.with-installation.payload.json"), number)
    payload["comment"]["body"] = "/mldebt rescore"
    payload["comment"]["id"] = number
    return payload


def _reply(number: int) -> dict[str, Any]:
    payload = copy.deepcopy(REPLY)
    payload["pull_request"]["number"] = payload["comment"]["id"] = number
    return payload


def test_deliveries_that_arrive_together_share_a_round_trip_and_each_is_taken_once(
    redis_url: str, redis: Redis, settings: Settings
) -> None:
    """Deliveries that arrive while Redis is answering go together, one pipeline of scripts: far fewer reads
    for Redis than deliveries, and each delivery is still its own script, its GUID taken once."""
    deliveries = [(str(uuid.uuid4()), number) for number in range(100, 130)]
    deliveries += deliveries[:10]  # redelivered while the first attempt is still in the same batch

    async def take_all() -> list[Taken]:
        client = AsyncRedis.from_url(redis_url)
        acceptor = Acceptor(client, Queue(settings.queue_name, connection=redis), settings, timeout=5)
        try:
            await acceptor.take(
                route(Delivery("pull_request", "warm-up", json.dumps(_pull_request(1)).encode(), 1)),
                "warm-up",
            )
            before = redis.info("stats")["total_reads_processed"]
            taken = await asyncio.gather(
                *(
                    acceptor.take(
                        route(Delivery("pull_request", guid, json.dumps(_pull_request(number)).encode(), 1)),
                        guid,
                    )
                    for guid, number in deliveries
                )
            )
            assert redis.info("stats")["total_reads_processed"] - before < 10
            return taken
        finally:
            await client.aclose()

    taken = asyncio.run(take_all())
    assert Counter(taken) == {Taken.ENQUEUED: 30, Taken.DUPLICATE_DELIVERY: 10}
    assert queued(redis) == 31


def test_a_redis_that_lost_the_script_gets_it_again(receiver: str, redis: Redis) -> None:
    assert _send(receiver, 7).status_code == 202
    redis.script_flush()
    answer = _send(receiver, 8)
    assert (answer.status_code, answer.json()["outcome"]) == (202, "enqueued")
    assert queued(redis) == 2


@pytest.mark.parametrize(
    ("event", "payload"),
    [("pull_request", _pull_request), ("issue_comment", _comment), ("pull_request_review_comment", _reply)],
)
def test_the_job_hash_is_the_one_rqs_unique_enqueue_writes(
    receiver: str,
    redis: Redis,
    settings: Settings,
    event: str,
    payload: Callable[[int], dict[str, Any]],
) -> None:
    """Each kind of job, and a second job of that kind (the receiver fills in only what changes between
    two jobs of one kind), field for field as RQ writes it."""
    for number in (3, 4):
        sent = json.dumps(payload(number)).encode()
        [spec] = route(Delivery(event, "guid", sent, settings.app_id)).jobs
        answer = post(receiver, event, sent)
        assert (answer.status_code, answer.json()["outcome"]) == (202, "enqueued")
    ours = redis.hgetall(f"rq:job:{spec.job_id}")
    redis.flushdb()
    enqueue_pull_request_job(redis, settings, spec)
    rqs = redis.hgetall(f"rq:job:{spec.job_id}")
    assert set(ours) == set(rqs)
    # The data is framed as zlib's stored blocks, not deflated (`bot/enqueue.py`): the same bytes once RQ
    # decompresses them, which is all RQ ever does with them.
    our_data, rq_data = ours.pop(b"data"), rqs.pop(b"data")
    assert isinstance(our_data, bytes) and isinstance(rq_data, bytes)
    assert zlib.decompress(our_data) == zlib.decompress(rq_data)
    # The moments differ, but RQ reads ours as it reads its own.
    for moment in MOMENTS:
        written = ours[moment]
        assert isinstance(written, bytes) and utcformat(utcparse(written.decode())) == written.decode()
    assert {name: value for name, value in ours.items() if name not in MOMENTS} == {
        name: value for name, value in rqs.items() if name not in MOMENTS
    }
    assert redis.smembers(Queue.redis_queues_keys) == {b"rq:queue:mldebt"}


def test_a_stock_worker_dequeues_the_job_with_its_retries(
    receiver: str, redis: Redis, settings: Settings
) -> None:
    assert _send(receiver, 4).status_code == 202
    queue = Queue(settings.queue_name, connection=redis)
    dequeued = Queue.dequeue_any([queue], None, connection=redis)
    assert dequeued is not None
    job, _ = dequeued
    spec = _spec(4)
    assert (job.id, job.func_name, job.kwargs) == (spec.job_id, spec.func, spec.kwargs())
    assert (job.retries_left, job.retry_intervals, job.timeout) == (
        len(RETRY_INTERVALS),
        list(RETRY_INTERVALS),
        settings.job_timeout_seconds,
    )
    assert (job.result_ttl, job.failure_ttl) == (keys.JOB_RESULT_TTL_SECONDS, keys.JOB_FAILURE_TTL_SECONDS)


def test_rqs_own_unique_enqueue_sees_the_receivers_job_as_taken(
    receiver: str, redis: Redis, settings: Settings
) -> None:
    guid = str(uuid.uuid4())
    assert _send(receiver, 5, guid).status_code == 202
    with pytest.raises(DuplicateJobError):
        enqueue_pull_request_job(redis, settings, _spec(5))
    assert Job.fetch(_spec(5).job_id, connection=redis).get_status() == "queued"
    assert redis.get(keys.job_delivery_key(_spec(5).job_id)) == guid.encode()


def test_a_job_rq_queued_first_is_not_queued_again_and_keeps_its_delivery(
    receiver: str, redis: Redis, settings: Settings
) -> None:
    enqueue_pull_request_job(redis, settings, _spec(6))
    answer = _send(receiver, 6)
    assert (answer.status_code, answer.json()["outcome"]) == (202, "duplicate")
    assert queued(redis) == 1
    assert redis.get(keys.job_delivery_key(_spec(6).job_id)) is None
    head = load("pull_request", "opened.payload.json")["pull_request"]["head"]["sha"]
    repo = load("pull_request", "opened.payload.json")["repository"]["full_name"]
    assert redis.get(keys.latest_head_key(repo, 6)) == head.encode(), "the head hint is kept all the same"


@pytest.mark.parametrize("size", [0, 1, 300, 0xFFFF, 0x10000, 3 * 0xFFFF + 7])
def test_job_data_of_any_size_reads_back_as_rq_reads_it(size: int) -> None:
    data = bytes(index % 251 for index in range(size))
    assert zlib.decompress(zlib_stored(data)) == data
