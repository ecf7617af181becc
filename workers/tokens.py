"""GitHub App authentication: a JWT for the App, installation tokens for everything else.

Installation tokens live in Redis so that every worker shares one token per
installation; each is dropped five minutes before GitHub expires it, and once
more if GitHub answers 401 to it (revoked or clock skew). Redis is only a cache
here too: while it cannot be reached, a worker keeps the token it minted
itself, so a job can still close its check run.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Generator
from datetime import UTC, datetime, timedelta

import httpx
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from githubkit import GitHub
from githubkit.auth.base import BaseAuthStrategy
from redis import Redis
from redis.exceptions import RedisError

from core import keys
from core.settings import Settings, SettingsError
from workers.retry import always_resend, retry_policy

log = logging.getLogger(__name__)
REFRESH_MARGIN = timedelta(minutes=5)
JWT_BACKDATE = timedelta(seconds=60)
JWT_LIFETIME = timedelta(minutes=9)


def app_jwt(settings: Settings, now: datetime | None = None) -> str:
    """RS256 JWT; backdated 60 s against clock drift, valid under GitHub's 10-minute cap."""
    issued = (now or datetime.now(UTC)) - JWT_BACKDATE
    claims = {
        "iat": int(issued.timestamp()),
        "exp": int((issued + JWT_LIFETIME).timestamp()),
        "iss": str(settings.app_id),
    }
    return jwt.encode(claims, _signing_key(settings.private_key.reveal()), algorithm="RS256")


@functools.lru_cache(maxsize=2)
def _signing_key(pem: str) -> RSAPrivateKey:
    """The App's key, parsed once per process: parsing checks the RSA key, some 40 ms a time, which every
    token exchange paid. The worker signs once at start-up (`check_signing_key`), so the work horses it
    forks inherit the parsed key."""
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    if not isinstance(key, RSAPrivateKey):
        raise TypeError("a GitHub App's private key is an RSA key")
    return key


def check_signing_key(settings: Settings, setting: str) -> None:
    """Refuses a key that cannot sign the App's JWT, so a misconfigured worker stops at start-up.

    Otherwise it would start, take a job and fail it at the first token
    exchange, on every job. The message names `setting` but never quotes the
    key, nor the library's error, which may.
    """
    if not settings.private_key:
        raise SettingsError(f"{setting} is not set; a worker needs the GitHub App's private key")
    try:
        app_jwt(settings)
    except (ValueError, TypeError, jwt.PyJWTError):
        raise SettingsError(
            f"{setting} is not an RSA private key in PEM form that can sign the App's JWT (RS256)"
        ) from None


class AppJWTAuth(BaseAuthStrategy):
    """Authenticates as the App itself (token exchange, webhook deliveries)."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def get_auth_flow(self, github: object) -> httpx.Auth:
        settings = self._settings

        class _Flow(httpx.Auth):
            def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
                request.headers["Authorization"] = f"Bearer {app_jwt(settings)}"
                yield request

        return _Flow()


class InstallationTokens:
    def __init__(self, settings: Settings, redis: Redis) -> None:
        self._settings = settings
        self._redis = redis
        self._local: dict[int, tuple[str, datetime]] = {}

    def app_client(self) -> GitHub[AppJWTAuth]:
        """A client authenticated as the App itself (token exchange, webhook deliveries)."""
        return GitHub(
            AppJWTAuth(self._settings),
            base_url=self._settings.github_api_url,
            http_cache=False,
            auto_retry=retry_policy(self._settings, always_resend),
            timeout=self._settings.http_timeout_seconds,
        )

    def _cached(self, installation_id: int) -> str | None:
        try:
            cached = self._redis.get(keys.token_key(installation_id))
        except RedisError:
            local = self._local.get(installation_id)
            return local[0] if local is not None and local[1] > datetime.now(UTC) else None
        if cached:
            return cached.decode() if isinstance(cached, bytes) else str(cached)
        return None

    def get(self, installation_id: int) -> str:
        cached = self._cached(installation_id)
        if cached:
            return cached
        app = self.app_client()  # not `as app`: githubkit's __enter__ is unannotated, so it would be Any
        with app:
            issued = app.rest.apps.create_installation_access_token(installation_id).parsed_data
        expires: str | datetime = issued.expires_at
        if isinstance(expires, str):
            expires = datetime.strptime(expires, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        ttl = max(int((expires - datetime.now(UTC) - REFRESH_MARGIN).total_seconds()), 30)
        self._local[installation_id] = (issued.token, datetime.now(UTC) + timedelta(seconds=ttl))
        try:
            self._redis.set(keys.token_key(installation_id), issued.token, ex=ttl)
        except RedisError:
            log.warning(
                "Redis unreachable; keeping the installation token in this process",
                extra={"installation": installation_id},
            )
        log.info("minted installation token", extra={"installation": installation_id})
        return issued.token

    def invalidate(self, installation_id: int, token: str) -> None:
        if self._local.get(installation_id, ("",))[0] == token:
            del self._local[installation_id]
        key = keys.token_key(installation_id)
        try:
            current = self._redis.get(key)
            if current is not None and (current.decode() if isinstance(current, bytes) else current) == token:
                self._redis.delete(key)
        except RedisError:
            return


class InstallationAuth(BaseAuthStrategy):
    """Installation-token auth that refreshes once when GitHub says 401."""

    def __init__(self, tokens: InstallationTokens, installation_id: int) -> None:
        self._tokens = tokens
        self._installation_id = installation_id

    def get_auth_flow(self, github: object) -> httpx.Auth:
        tokens, installation_id = self._tokens, self._installation_id

        class _Flow(httpx.Auth):
            requires_request_body = True

            def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
                token = tokens.get(installation_id)
                request.headers["Authorization"] = f"token {token}"
                response = yield request
                if response.status_code == 401:
                    tokens.invalidate(installation_id, token)
                    request.headers["Authorization"] = f"token {tokens.get(installation_id)}"
                    yield request

        return _Flow()
