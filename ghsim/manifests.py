"""Registering the simulator's App from a manifest, as GitHub's App-manifest flow does.

GitHub creates the App when the person submits the manifest form, and hands
the registration's credentials (id, private key, webhook secret) once, to
whoever converts the one-time code it put in the redirect within an hour. The
simulator holds one App, so a registration makes it that App: a new id, key
pair, webhook secret, name, permissions, events and hook URL, which then sign
the deliveries and verify the JWTs exactly as for an App made any other way.
"""

from __future__ import annotations

import re
import secrets
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from ghsim.auth import generate_key_pair
from ghsim.errors import ApiError
from ghsim.util import now

if TYPE_CHECKING:
    from ghsim.simulator import SimulatedGitHub

CODE_LIFETIME = timedelta(hours=1)


@dataclass(frozen=True)
class Registration:
    """What one manifest made: the App's identity and the secrets the conversion hands over."""

    app_id: int
    slug: str
    name: str
    private_pem: str
    public_pem: str
    webhook_secret: str | None
    client_secret: str
    created_at: datetime


@dataclass
class ManifestCodes:
    """One-time codes awaiting conversion; `lifetime` is GitHub's hour, shortened by tests."""

    lifetime: timedelta = CODE_LIFETIME
    _pending: dict[str, Registration] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def issue(self, registration: Registration) -> str:
        code = secrets.token_hex(20)
        with self._lock:
            self._pending[code] = registration
        return code

    def redeem(self, code: str) -> Registration | None:
        """The registration, once: a used, unknown or expired code is None (GitHub answers 404)."""
        with self._lock:
            found = self._pending.pop(code, None)
        if found is None or datetime.now(UTC) >= found.created_at + self.lifetime:
            return None
        return found


def _manifest_error(message: str) -> ApiError:
    return ApiError(422, f"Invalid GitHub App configuration: {message}")


def _strings(value: Any, what: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise _manifest_error(f"{what} must map names to strings")
    return {str(k): v for k, v in value.items()}


def check_manifest(manifest: Any) -> dict[str, Any]:
    """GitHub's checks of the posted manifest: a JSON object with `url`, and a hook URL if it has a hook."""
    if not isinstance(manifest, dict):
        raise _manifest_error("the manifest must be a JSON object")
    if not isinstance(manifest.get("url"), str) or not manifest["url"]:
        raise _manifest_error("url can't be blank")
    hook = manifest.get("hook_attributes")
    if hook is not None and (not isinstance(hook, dict) or not isinstance(hook.get("url"), str)):
        raise _manifest_error("hook_attributes.url can't be blank")
    events = manifest.get("default_events", [])
    if not isinstance(events, list) or not all(isinstance(e, str) for e in events):
        raise _manifest_error("default_events must be a list of event names")
    _strings(manifest.get("default_permissions"), "default_permissions")
    if not isinstance(manifest.get("name", ""), str):
        raise _manifest_error("name must be a string")
    return manifest


def register(sim: SimulatedGitHub, manifest: dict[str, Any], owner: str) -> Registration:
    """Makes the simulator's one App the one `manifest` describes (called holding the state lock)."""
    state = sim.state
    if state.installations:
        raise ApiError(422, "ghsim holds one App: register it from a manifest before adding installations")
    name = str(manifest.get("name") or "mldebt")
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "app"
    private_pem, public_pem = generate_key_pair()
    hook = manifest.get("hook_attributes")
    registration = Registration(
        app_id=state.next_id(),
        slug=slug,
        name=name,
        private_pem=private_pem,
        public_pem=public_pem,
        webhook_secret=secrets.token_hex(20) if hook is not None else None,
        client_secret=secrets.token_hex(20),
        created_at=now(),
    )
    sim.app_id = sim.authority.app_id = sim.webhooks.app_id = state.app_id = registration.app_id
    sim.app_slug = state.app_slug = slug
    sim.private_key_pem, sim.public_key_pem = private_pem, public_pem
    sim.authority.public_pem = public_pem
    with sim.authority.lock:
        sim.authority.tokens.clear()
    state.app_name = name
    state.app_owner = owner
    state.app_description = str(manifest.get("description") or "")
    state.app_url = str(manifest["url"])
    state.app_created_at = registration.created_at
    state.permissions = {"metadata": "read", **_strings(manifest.get("default_permissions"), "")}
    state.events = sorted(manifest.get("default_events", []))
    state.bot = state.user(f"{slug}[bot]", "Bot")
    sim.webhooks.hook_id = 400_000_000 + registration.app_id
    sim.webhooks.secret = registration.webhook_secret or ""
    sim.webhooks.url = hook["url"] if hook is not None and hook.get("active", True) else None
    return registration
