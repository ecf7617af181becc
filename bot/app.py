"""The webhook receiver: FastAPI, with deliveries sent straight to their endpoint (`bot/webhook.py`).

It verifies the signature over the raw bytes, drops redeliveries of a GUID it
has already taken, routes, enqueues and answers — in milliseconds, with no
GitHub call and no scanning inside the request.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from redis import Redis
from redis.asyncio import Redis as AsyncRedis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from rq import Queue
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from bot.enqueue import Acceptor
from bot.metrics import QueueCollector
from bot.webhook import WebhookEndpoint
from core.logs import configure
from core.settings import Settings

# How long the event loop waits on Redis: one deadline around each exchange (a readiness ping, a batch of
# deliveries), not redis-py's `socket_timeout`, which wraps every send in a task of its own
# (asyncio.wait_for) and every read in a timer.
REDIS_TIMEOUT_SECONDS = 2.0


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


def create_app(settings: Settings | None = None) -> ASGIApp:
    """Builds the receiver; connects lazily, so importing this module touches nothing."""
    settings = settings or Settings.from_env()
    redis = _Connections(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        configure(settings.log_level)
        yield
        await redis.close()

    app = FastAPI(title="mldebt", lifespan=lifespan, docs_url=None, redoc_url=None)
    endpoint = WebhookEndpoint(settings, redis.acceptor)
    # FastAPI keeps the route, for what it answers besides a delivery: 405 to a wrong method.
    app.router.routes.append(Route("/webhook", endpoint, methods=["POST"]))

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

    async def receiver(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and scope["path"] == "/webhook":
            await endpoint(scope, receive, send)
        else:
            await app(scope, receive, send)

    return receiver
