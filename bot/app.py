"""FastAPI webhook receiver.

It verifies the signature over the raw bytes, drops redeliveries of a GUID it
has already taken, routes, enqueues and answers — in milliseconds, with no
GitHub call and no scanning inside the request.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import orjson
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from githubkit.webhooks import verify
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from redis import Redis
from redis.asyncio import Redis as AsyncRedis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from rq import Queue

from bot.enqueue import Acceptor, Taken
from bot.metrics import DELIVERIES, QueueCollector
from bot.router import Decision, Delivery, PayloadError, route
from core.logs import configure, log_context
from core.settings import Settings

log = logging.getLogger("mldebt.receiver")
# How long the event loop waits on Redis: one deadline around each exchange (a readiness ping, a batch of
# deliveries), not redis-py's `socket_timeout`, which wraps every send in a task of its own
# (asyncio.wait_for) and every read in a timer.
REDIS_TIMEOUT_SECONDS = 2.0


class BodyTooLarge(Exception):
    pass


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _answer(status: int, event: str, outcome: str, detail: str) -> Response:
    DELIVERIES.labels(event=event or "unknown", outcome=outcome).inc()
    log.info("delivery %s: %s", outcome, detail, extra={"event": event})
    body = orjson.dumps({"outcome": outcome, "detail": detail})
    return Response(body, status_code=status, media_type="application/json")


class _Connections:
    """Redis as each kind of route needs it, opened on first use so importing the app touches nothing:
    the webhook and readiness routes run on the event loop and wait on Redis without blocking it; the
    sync `/metrics` route reads the fleet's figures from a worker thread."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._sync: Redis | None = None
        self._async: AsyncRedis | None = None
        self._acceptor: Acceptor | None = None

    def sync(self) -> Redis:
        if self._sync is None:
            self._sync = Redis.from_url(self._settings.redis_url, socket_timeout=2, socket_connect_timeout=2)
        return self._sync

    def for_loop(self) -> AsyncRedis:
        if self._async is None:
            # One prompt retry: a pooled connection Redis closed on restart fails once, then reconnects; a
            # Redis that is down still answers 503 at once instead of after a backoff. No `socket_timeout`
            # (redis-py 8 sets 5 s unless told): REDIS_TIMEOUT_SECONDS bounds each exchange instead.
            self._async = AsyncRedis.from_url(
                self._settings.redis_url,
                socket_timeout=None,
                socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
                retry=Retry(NoBackoff(), 1),
            )
        return self._async

    def acceptor(self) -> Acceptor:
        if self._acceptor is None:
            # The queue only builds jobs: its sync connection is never opened by the webhook route.
            queue = Queue(self._settings.queue_name, connection=self.sync())
            self._acceptor = Acceptor(self.for_loop(), queue, self._settings, REDIS_TIMEOUT_SECONDS)
        return self._acceptor

    async def close(self) -> None:
        if self._async is not None:
            await self._async.aclose()
        if self._sync is not None:
            self._sync.close()


def create_app(settings: Settings | None = None) -> FastAPI:
    """Builds the receiver; connects lazily, so importing this module touches nothing."""
    settings = settings or Settings.from_env()
    redis = _Connections(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        configure(settings.log_level)
        yield
        await redis.close()

    app = FastAPI(title="mldebt", lifespan=lifespan, docs_url=None, redoc_url=None)
    secret = settings.webhook_secret.reveal()

    async def webhook(request: Request) -> Response:
        started = time.perf_counter()
        event = request.headers.get("x-github-event", "")
        guid = request.headers.get("x-github-delivery", "")
        with log_context(delivery=guid, event=event):
            try:
                body = await _read_body(request, settings.max_body_bytes)
            except BodyTooLarge:
                return _answer(413, event, "rejected", f"body over {settings.max_body_bytes} bytes")
            signature = request.headers.get("x-hub-signature-256", "")
            if not signature.startswith("sha256=") or not verify(secret, body, signature):
                return _answer(401, event, "unauthorized", "missing or bad X-Hub-Signature-256")
            if not event or not guid:
                return _answer(400, event, "rejected", "X-GitHub-Event and X-GitHub-Delivery are required")
            content_type = request.headers.get("content-type", "application/json").split(";")[0].strip()
            if content_type != "application/json":
                return _answer(415, event, "rejected", "set the webhook content type to application/json")
            try:
                decision = route(Delivery(event, guid, body, settings.app_id))
            except PayloadError as exc:
                return _answer(400, event, "rejected", str(exc))
            if event == "ping":
                return _answer(200, event, "pong", "ping received")
            with log_context(repo=decision.repo, pr=decision.pr, sha=decision.sha):
                if not decision.jobs:
                    return _answer(202, event, "ignored", decision.reason)
                return await _take(decision, guid, event, started)

    # A plain Starlette route: FastAPI's request handling (dependencies, response models) is work the webhook,
    # which reads its own raw body and headers, never needs on the path every delivery takes.
    app.add_route("/webhook", webhook, methods=["POST"])

    async def _take(decision: Decision, guid: str, event: str, started: float) -> Response:
        try:
            taken = await redis.acceptor().take(decision, guid)
        except (RedisError, TimeoutError):
            log.exception("redis unavailable")
            return _answer(
                503, event, "unavailable", "queue unavailable; GitHub will show this delivery as failed"
            )
        if taken is Taken.DUPLICATE_DELIVERY:
            return _answer(200, event, "duplicate", f"delivery {guid} was already taken")
        if taken is Taken.DUPLICATE_JOBS:
            return _answer(202, event, "duplicate", "an identical job is already queued")
        elapsed = (time.perf_counter() - started) * 1000
        return _answer(202, event, "enqueued", f"{decision.reason} ({elapsed:.1f} ms)")

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "alive"}

    @app.get("/readyz")
    async def readyz() -> Response:
        try:
            async with asyncio.timeout(REDIS_TIMEOUT_SECONDS):
                await redis.for_loop().ping()
        except (RedisError, TimeoutError):
            return JSONResponse({"status": "redis unavailable"}, status_code=503)
        return JSONResponse({"status": "ready"})

    shared = CollectorRegistry(auto_describe=False)
    shared.register(QueueCollector(redis.sync, settings.queue_name))

    @app.get("/metrics")
    def metrics() -> Response:
        """This process's own metrics, then the fleet's from Redis (a sync route: the reads block)."""
        return Response(generate_latest(REGISTRY) + generate_latest(shared), media_type=CONTENT_TYPE_LATEST)

    return app
