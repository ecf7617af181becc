"""Row 1: how fast the receiver acknowledges a webhook, against a bare FastAPI endpoint.

Receiver (`python -m bot`, with Redis) and baseline (`bench/bare.py`) each run
in their own process under the same uvicorn settings; this process only
generates load. Every delivery is a signed `pull_request.opened` with its own
GUID and PR number, so each one really lands a job in the queue.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from redis import Redis
from rq import Queue

from bench import load, world
from bench.procs import free_port, python, running, wait_for_port
from bench.stats import percentile
from bench.table import Row, ratio
from ghsim import SimulatedGitHub, payloads

RATE = 200
SECONDS = 10
WARMUP = 200
SATURATION_CONNECTIONS = 32
SATURATION_REQUESTS = 3000
SECRET = "bench-webhook-secret"
APP_ID = 4242
_NUMBER = 987654321
_SHA = "f" * 40


@dataclass(frozen=True)
class Ack:
    warmup: load.LoadResult
    steady: load.LoadResult
    saturated: load.LoadResult

    @property
    def unanswered(self) -> int:
        """Deliveries not answered 2xx in any phase (0 is the load generator's "no answer")."""
        return self.warmup.errors + self.steady.errors + self.saturated.errors


def deliveries(count: int, first: int = 0) -> list[load.Request]:
    """Signed deliveries, each for a PR of its own, built before the clock starts."""
    with SimulatedGitHub(app_id=APP_ID, webhook_secret=SECRET) as sim:
        repo = world.seed_repo(sim, "octo-org/ack-bench", 4)
        pr = world.open_pr(repo, 1, 0)
        event = payloads.pull_request(sim, repo, pr.number, "opened")
    event["number"] = event["pull_request"]["number"] = _NUMBER
    event["pull_request"]["head"]["sha"] = _SHA
    template = json.dumps(event, separators=(",", ":")).encode()
    out = []
    for index in range(first, first + count):
        body = template.replace(str(_NUMBER).encode(), str(100_000 + index).encode()).replace(
            _SHA.encode(), hashlib.sha1(str(index).encode()).hexdigest().encode()
        )
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "GitHub-Hookshot/bench",
            "X-GitHub-Event": "pull_request",
            "X-GitHub-Delivery": str(uuid.uuid4()),
            "X-Hub-Signature-256": "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest(),
        }
        out.append((body, headers))
    return out


@contextmanager
def _served(command: list[str], port: int, env: dict[str, str]) -> Iterator[str]:
    with running(command, env) as process:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}/webhook"


def _measure(url: str, batch: list[load.Request]) -> Ack:
    warmup = load.open_loop(url, batch[:WARMUP], RATE)
    steady = load.open_loop(url, batch[WARMUP : WARMUP + RATE * SECONDS], RATE)
    saturated = load.closed_loop(url, batch[WARMUP + RATE * SECONDS :], SATURATION_CONNECTIONS)
    return Ack(warmup, steady, saturated)


def run(redis_url: str) -> list[Row]:
    per_server = WARMUP + RATE * SECONDS + SATURATION_REQUESTS
    bare_port, bot_port = free_port(), free_port()
    with _served(python("-m", "bench.bare", str(bare_port)), bare_port, dict(os.environ)) as url:
        bare = _measure(url, deliveries(per_server))
    env = {
        **os.environ,
        "MLDEBT_APP_ID": str(APP_ID),
        "MLDEBT_WEBHOOK_SECRET": SECRET,
        "REDIS_URL": redis_url,
        "HOST": "127.0.0.1",
        "PORT": str(bot_port),
    }
    redis = Redis.from_url(redis_url)
    try:
        with _served(python("-m", "bot"), bot_port, env) as url:
            bot = _measure(url, deliveries(per_server, first=per_server))
        queued = Queue("mldebt", connection=redis).count
    finally:
        redis.flushdb()
        redis.close()
    return rows(bot, bare, queued, per_server)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def rows(bot: Ack, bare: Ack, queued: int, sent: int) -> list[Row]:
    p50, p99 = percentile(bot.steady.latencies, 50), percentile(bot.steady.latencies, 99)
    bare_p50, bare_p99 = percentile(bare.steady.latencies, 50), percentile(bare.steady.latencies, 99)
    label = f"{RATE} req/s x {SECONDS} s, open loop"
    failures = {status: count for status, count in bot.steady.statuses.items() if not 200 <= status < 300}
    errors = f" ({bot.steady.errors} failed: {failures}; 0 = no answer)" if failures else ""
    return [
        Row(
            f"webhook ack p50 ({label})",
            _ms(p50),
            f"bare 202: {_ms(bare_p50)}",
            ratio(p50, bare_p50),
            "-",
            None,
        ),
        Row(
            f"webhook ack p99 ({label})",
            _ms(p99) + errors,
            f"bare 202: {_ms(bare_p99)}",
            ratio(p99, bare_p99),
            "<= 20 ms",
            p99 <= 0.020 and not bot.steady.errors,
        ),
        Row(
            f"webhook ack throughput ({label})",
            f"{bot.steady.throughput:.0f} req/s",
            f"bare 202: {bare.steady.throughput:.0f} req/s",
            ratio(bot.steady.throughput, bare.steady.throughput),
            ">= 0.50x bare",
            bot.steady.throughput >= 0.5 * bare.steady.throughput,
        ),
        Row(
            f"webhook ack max throughput (closed loop, {SATURATION_CONNECTIONS} conns)",
            f"{bot.saturated.throughput:.0f} req/s",
            f"bare 202: {bare.saturated.throughput:.0f} req/s",
            ratio(bot.saturated.throughput, bare.saturated.throughput),
            ">= 0.50x bare",
            bot.saturated.throughput >= 0.5 * bare.saturated.throughput,
        ),
        Row(
            "webhook jobs in queue after the ack runs",
            f"{queued}",
            f"deliveries sent: {sent} (not answered 2xx: {bot.unanswered})",
            ratio(queued, sent),
            "= 1.00x",
            queued == sent,
        ),
    ]
