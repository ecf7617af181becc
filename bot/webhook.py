"""The webhook endpoint, as a bare ASGI app the receiver sends `POST /webhook` to before FastAPI sees it.

Every delivery takes this path, and it reads its own raw body and headers: FastAPI's middleware stack and
Starlette's request and response objects were a tenth of the receiver's time per delivery, for work this
route never uses. The rest of the receiver (health, readiness, metrics, a wrong method on this path) is
still FastAPI's. An unexpected error is answered 500 and logged here, as FastAPI's error middleware did.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from typing import Any

import orjson
from githubkit.webhooks import verify
from prometheus_client import Counter
from redis.exceptions import RedisError
from starlette.types import Receive, Scope, Send

from bot.enqueue import Acceptor, Taken
from bot.metrics import DELIVERIES
from bot.router import Decision, Delivery, PayloadError, route
from core.logs import known
from core.settings import Settings

log = logging.getLogger("mldebt.receiver")
# The metric's event label before the signature holds: the header is anyone's to set, and a label per value
# would let unsigned requests grow the metrics without bound.
UNVERIFIED = "unverified"


class _BodyTooLarge(Exception):
    pass


class _ClientGone(Exception):
    pass


class WebhookEndpoint:
    """Verifies, routes, takes the delivery's jobs in one Redis round trip, and answers with its outcome."""

    def __init__(self, settings: Settings, acceptor: Callable[[], Acceptor]) -> None:
        self._settings = settings
        self._secret = settings.webhook_secret.reveal()
        self._acceptor = acceptor

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        headers: dict[bytes, bytes] = dict(scope["headers"])
        event = headers.get(b"x-github-event", b"").decode("latin-1")
        guid = headers.get(b"x-github-delivery", b"").decode("latin-1")
        fields: dict[str, Any] = {"delivery": guid, "event": event}
        failure: Exception | None = None
        try:
            status, outcome, detail, label = await self._handle(headers, receive, fields, started)
        except _ClientGone:
            return
        except Exception as exc:
            failure = exc
            status, outcome, detail, label = 500, "error", "internal error", event
        _delivery_counter(label or "unknown", outcome).inc()
        # One line per delivery, with the traceback when the receiver itself failed.
        if failure is None:
            log.info("delivery %s: %s", outcome, detail, extra=known(fields))
        else:
            log.error("delivery %s: %s", outcome, detail, exc_info=failure, extra=known(fields))
        body = orjson.dumps({"outcome": outcome, "detail": detail})
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def _handle(
        self, headers: dict[bytes, bytes], receive: Receive, fields: dict[str, Any], started: float
    ) -> tuple[int, str, str, str]:
        """The answer's status, outcome, detail and metric label; `fields` gains what the delivery names."""
        event, guid = fields["event"], fields["delivery"]
        limit = self._settings.max_body_bytes
        try:
            body = await _read_body(headers, receive, limit)
        except _BodyTooLarge:
            return 413, "rejected", f"body over {limit} bytes", UNVERIFIED
        signature = headers.get(b"x-hub-signature-256", b"").decode("latin-1")
        if not signature.startswith("sha256=") or not verify(self._secret, body, signature):
            return 401, "unauthorized", "missing or bad X-Hub-Signature-256", UNVERIFIED
        if not event or not guid:
            return 400, "rejected", "X-GitHub-Event and X-GitHub-Delivery are required", event
        content_type = headers.get(b"content-type", b"application/json").split(b";")[0].strip()
        if content_type != b"application/json":
            return 415, "rejected", "set the webhook content type to application/json", event
        try:
            decision = route(Delivery(event, guid, body, self._settings.app_id))
        except PayloadError as exc:
            return 400, "rejected", str(exc), event
        if event == "ping":
            return 200, "pong", "ping received", event
        fields.update(repo=decision.repo, pr=decision.pr, sha=decision.sha)
        if not decision.jobs:
            return 202, "ignored", decision.reason, event
        return await self._take(decision, guid, event, started, fields)

    async def _take(
        self, decision: Decision, guid: str, event: str, started: float, fields: dict[str, Any]
    ) -> tuple[int, str, str, str]:
        try:
            taken = await self._acceptor().take(decision, guid)
        except (RedisError, TimeoutError):
            log.exception("redis unavailable", extra=known(fields))
            return 503, "unavailable", "queue unavailable; GitHub will show this delivery as failed", event
        if taken is Taken.DUPLICATE_DELIVERY:
            return 200, "duplicate", f"delivery {guid} was already taken", event
        if taken is Taken.DUPLICATE_JOBS:
            return 202, "duplicate", "an identical job is already queued", event
        elapsed = (time.perf_counter() - started) * 1000
        return 202, "enqueued", f"{decision.reason} ({elapsed:.1f} ms)", event


async def _read_body(headers: dict[bytes, bytes], receive: Receive, limit: int) -> bytes:
    declared = headers.get(b"content-length", b"")
    if declared.isdigit() and int(declared) > limit:
        raise _BodyTooLarge
    chunks = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _ClientGone
        chunk: bytes = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _BodyTooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


@functools.cache
def _delivery_counter(event: str, outcome: str) -> Counter:
    """Each series' counter, looked up once: the labels are GitHub's event names (or `UNVERIFIED`) and
    this module's outcomes, a set that stays small."""
    return DELIVERIES.labels(event=event, outcome=outcome)
