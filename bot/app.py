"""FastAPI webhook receiver.

It verifies the signature over the raw bytes, drops redeliveries of a GUID it
has already taken, routes, enqueues and answers — in milliseconds, with no
GitHub call and no scanning inside the request.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import cast

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from githubkit.webhooks import verify
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from redis import Redis
from redis.exceptions import RedisError
from rq.exceptions import DuplicateJobError

from bot.enqueue import enqueue
from bot.metrics import DELIVERIES, QueueCollector
from bot.router import Decision, Delivery, PayloadError, route
from core import keys
from core.logs import configure, log_context
from core.settings import Settings

log = logging.getLogger("mldebt.receiver")


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


def _answer(status: int, event: str, outcome: str, detail: str) -> JSONResponse:
    DELIVERIES.labels(event=event or "unknown", outcome=outcome).inc()
    log.info("delivery %s: %s", outcome, detail, extra={"event": event})
    return JSONResponse({"outcome": outcome, "detail": detail}, status_code=status)


def _record_delivery(redis: Redis, decision: Decision, guid: str) -> dict[str, bytes | None]:
    """Names the delivery beside each job id before the job exists, so none of its log lines goes
    without it."""
    earlier: dict[str, bytes | None] = {}
    for job in decision.jobs:
        key = keys.job_delivery_key(job.job_id)
        # SET with GET answers the value it replaced, which our undecoded client reads as bytes (None if
        # there was none); redis-py types every SET's answer alike, bool included.
        earlier[key] = cast("bytes | None", redis.set(key, guid, ex=keys.DELIVERY_TTL_SECONDS, get=True))
    return earlier


def _restore_delivery(redis: Redis, earlier: dict[str, bytes | None]) -> None:
    """A job that was already queued keeps the delivery that queued it."""
    for key, value in earlier.items():
        if value is None:
            redis.delete(key)
        else:
            redis.set(key, value, ex=keys.DELIVERY_TTL_SECONDS)


def create_app(settings: Settings | None = None, redis: Redis | None = None) -> FastAPI:
    """Builds the receiver; connects lazily, so importing this module touches nothing."""
    settings = settings or Settings.from_env()
    state: dict[str, Redis] = {}

    def connection() -> Redis:
        if "redis" not in state:
            state["redis"] = redis or Redis.from_url(
                settings.redis_url, socket_timeout=2, socket_connect_timeout=2
            )
        return state["redis"]

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        configure(settings.log_level)
        yield
        if "redis" in state and redis is None:
            state["redis"].close()

    app = FastAPI(title="mldebt", lifespan=lifespan, docs_url=None, redoc_url=None)
    secret = settings.webhook_secret.reveal()

    @app.post("/webhook")
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
                payload = json.loads(body)
            except (ValueError, RecursionError):  # bad bytes or syntax, a huge number, absurd nesting
                return _answer(400, event, "rejected", "body is not valid JSON")
            if not isinstance(payload, dict):
                return _answer(400, event, "rejected", "body is not a JSON object")
            if event == "ping":
                return _answer(200, event, "pong", "ping received")
            try:
                decision = route(Delivery(event, guid, payload, settings.app_id))
            except PayloadError as exc:
                return _answer(400, event, "rejected", str(exc))
            with log_context(repo=decision.repo, pr=decision.pr, sha=decision.sha):
                if not decision.jobs:
                    return _answer(202, event, "ignored", decision.reason)
                return _take(decision, guid, event, started)

    def _take(decision: Decision, guid: str, event: str, started: float) -> Response:
        redis_conn = connection()
        key = keys.delivery_key(guid)
        try:
            if not redis_conn.set(key, "1", nx=True, ex=keys.DELIVERY_TTL_SECONDS):
                return _answer(200, event, "duplicate", f"delivery {guid} was already taken")
            earlier = _record_delivery(redis_conn, decision, guid)
            try:
                enqueue(decision, redis_conn, settings)
            except DuplicateJobError:
                _restore_delivery(redis_conn, earlier)
                return _answer(202, event, "duplicate", "an identical job is already queued")
            except BaseException:
                _restore_delivery(redis_conn, earlier)
                redis_conn.delete(key)
                raise
        except RedisError:
            log.exception("redis unavailable")
            return _answer(
                503, event, "unavailable", "queue unavailable; GitHub will show this delivery as failed"
            )
        elapsed = (time.perf_counter() - started) * 1000
        return _answer(202, event, "enqueued", f"{decision.reason} ({elapsed:.1f} ms)")

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "alive"}

    @app.get("/readyz")
    async def readyz() -> Response:
        try:
            connection().ping()
        except RedisError:
            return JSONResponse({"status": "redis unavailable"}, status_code=503)
        return JSONResponse({"status": "ready"})

    shared = CollectorRegistry(auto_describe=False)
    shared.register(QueueCollector(connection, settings.queue_name))

    @app.get("/metrics")
    def metrics() -> Response:
        """This process's own metrics, then the fleet's from Redis (a sync route: the reads block)."""
        return Response(generate_latest(REGISTRY) + generate_latest(shared), media_type=CONTENT_TYPE_LATEST)

    return app
