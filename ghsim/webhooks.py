"""Webhook deliveries: signed POSTs to the bot, recorded for the deliveries API.

Like GitHub, the body is serialised once and those exact bytes are signed,
sent, stored and re-sent on redelivery (same GUID, ``redelivery: true``).
Nothing is retried automatically: GitHub does not retry failed deliveries.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx

from ghsim.util import iso, now

HOOKSHOT_AGENT = "GitHub-Hookshot/abc1234"
DELIVERY_TIMEOUT = 10.0


@dataclass
class Delivery:
    id: int
    guid: str
    event: str
    action: str | None
    installation_id: int | None
    repository_id: int | None
    body: bytes
    request_headers: dict[str, str]
    url: str
    delivered_at: datetime
    redelivery: bool
    duration: float = 0.0
    status: str = "pending"
    status_code: int = 0
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: str | None = None

    def item(self) -> dict[str, Any]:
        """The ``HookDeliveryItem`` shape of the deliveries list."""
        return {
            "id": self.id,
            "guid": self.guid,
            "delivered_at": iso(self.delivered_at),
            "redelivery": self.redelivery,
            "duration": round(self.duration, 2),
            "status": self.status,
            "status_code": self.status_code,
            "event": self.event,
            "action": self.action,
            "installation_id": self.installation_id,
            "repository_id": self.repository_id,
            "throttled_at": None,
        }

    def detail(self) -> dict[str, Any]:
        out = self.item()
        out["url"] = self.url
        out["request"] = {"headers": dict(self.request_headers), "payload": json.loads(self.body)}
        out["response"] = {"headers": dict(self.response_headers), "payload": self.response_body}
        return out


def signatures(secret: str, body: bytes) -> dict[str, str]:
    key = secret.encode()
    return {
        "X-Hub-Signature": "sha1=" + hmac.new(key, body, hashlib.sha1).hexdigest(),
        "X-Hub-Signature-256": "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest(),
    }


class WebhookSender:
    """Sends and records deliveries for one App hook."""

    def __init__(self, secret: str, app_id: int, url: str | None, timeout: float = DELIVERY_TIMEOUT) -> None:
        self.secret = secret
        self.app_id = app_id
        self.url = url
        self.hook_id = 400_000_000 + app_id
        self.timeout = timeout
        self.deliveries: list[Delivery] = []
        self._ids = itertools.count(90_000_000_001)
        self._lock = threading.Lock()

    def deliver(
        self,
        event: str,
        payload: dict[str, Any] | bytes,
        delivery_id: str | None = None,
        url: str | None = None,
    ) -> httpx.Response:
        """POST one event; raises ``httpx.TransportError`` (after recording) if the bot is unreachable."""
        body = payload if isinstance(payload, bytes) else json.dumps(payload, separators=(",", ":")).encode()
        return self._send(event, body, delivery_id or str(uuid.uuid4()), url or self.url, redelivery=False)

    def find(self, key: int | str) -> Delivery | None:
        """By numeric delivery id, or the latest attempt with that GUID."""
        with self._lock:
            for delivery in reversed(self.deliveries):
                if delivery.id == key or delivery.guid == key:
                    return delivery
        return None

    def redeliver(self, key: int | str) -> httpx.Response | None:
        """Re-send the recorded bytes with the same GUID; None if the bot was unreachable."""
        original = self.find(key)
        if original is None:
            raise KeyError(f"no delivery {key!r}")
        try:
            return self._send(original.event, original.body, original.guid, original.url, redelivery=True)
        except httpx.TransportError:
            return None

    def _send(self, event: str, body: bytes, guid: str, url: str | None, redelivery: bool) -> httpx.Response:
        if not url:
            raise RuntimeError("no webhook_url configured; pass url= or set SimulatedGitHub(webhook_url=...)")
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = {}
        parsed = parsed if isinstance(parsed, dict) else {}
        installation = parsed.get("installation")
        repository = parsed.get("repository")
        installation = installation if isinstance(installation, dict) else {}
        repository = repository if isinstance(repository, dict) else {}
        headers = {
            "Accept": "*/*",
            "Content-Type": "application/json",
            "User-Agent": HOOKSHOT_AGENT,
            "X-GitHub-Event": event,
            "X-GitHub-Delivery": guid,
            "X-GitHub-Hook-ID": str(self.hook_id),
            "X-GitHub-Hook-Installation-Target-ID": str(self.app_id),
            "X-GitHub-Hook-Installation-Target-Type": "integration",
            **signatures(self.secret, body),
        }
        with self._lock:
            delivery = Delivery(
                next(self._ids),
                guid,
                event,
                parsed.get("action"),
                installation.get("id"),
                repository.get("id"),
                body,
                headers,
                url,
                now(),
                redelivery,
            )
            self.deliveries.append(delivery)
        started = time.monotonic()
        try:
            with httpx.Client(timeout=self.timeout) as client:
                response = client.post(url, content=body, headers=headers)
        except httpx.TimeoutException:
            delivery.duration = time.monotonic() - started
            delivery.status = "timed out"
            raise
        except httpx.TransportError:
            delivery.duration = time.monotonic() - started
            delivery.status = "failed to connect to host"
            raise
        delivery.duration = time.monotonic() - started
        delivery.status_code = response.status_code
        delivery.status = (
            "OK" if 200 <= response.status_code < 300 else f"Invalid HTTP Response: {response.status_code}"
        )
        delivery.response_headers = dict(response.headers)
        delivery.response_body = response.text
        return response
