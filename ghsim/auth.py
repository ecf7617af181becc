"""GitHub App authentication: the App's RSA key pair, JWT checks, installation tokens.

GitHub's rules are enforced rather than waved through so that a bot which
signs with the wrong key, forgets ``iss``, asks for a too-long JWT, or keeps
using an expired installation token fails here the way it would in production.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

JWT_MAX_LIFETIME = 600
CLOCK_SKEW = 60
DEFAULT_TOKEN_LIFETIME = timedelta(hours=1)


def generate_key_pair() -> tuple[str, str]:
    """A fresh 2048-bit RSA pair as (private PEM, public PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


@dataclass
class Token:
    token: str
    installation_id: int
    expires_at: datetime
    permissions: dict[str, str]
    repository_ids: frozenset[int] | None = None

    def expired(self) -> bool:
        return datetime.now(UTC) >= self.expires_at


@dataclass(frozen=True)
class Identity:
    """Who a request claims to be, decided before routing."""

    kind: Literal["anonymous", "app", "installation", "invalid"]
    installation_id: int | None = None
    token: Token | None = None
    error: str = ""


@dataclass
class Authority:
    """Issues and checks credentials for one simulated App."""

    app_id: int
    public_pem: str
    token_lifetime: timedelta = DEFAULT_TOKEN_LIFETIME
    tokens: dict[str, Token] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def issue(
        self, installation_id: int, permissions: dict[str, str], repository_ids: frozenset[int] | None
    ) -> Token:
        expires = (datetime.now(UTC) + self.token_lifetime).replace(microsecond=0)
        token = Token(
            "ghs_" + secrets.token_urlsafe(27).replace("-", "A").replace("_", "b")[:36],
            installation_id,
            expires,
            dict(permissions),
            repository_ids,
        )
        with self.lock:
            self.tokens[token.token] = token
        return token

    def expire(self, token: str | None = None, installation_id: int | None = None) -> int:
        """Expire one token, an installation's tokens, or all of them; returns how many."""
        past = datetime.now(UTC) - timedelta(seconds=1)
        count = 0
        with self.lock:
            for item in self.tokens.values():
                if (token is None or item.token == token) and (
                    installation_id is None or item.installation_id == installation_id
                ):
                    item.expires_at = past
                    count += 1
        return count

    def identify(self, header: str | None) -> Identity:
        if not header:
            return Identity("anonymous")
        scheme, _, credential = header.strip().partition(" ")
        credential = credential.strip()
        if scheme.lower() not in ("bearer", "token") or not credential:
            return Identity("invalid", error="Bad credentials")
        if credential.count(".") == 2:
            error = self.check_jwt(credential)
            return Identity("invalid", error=error) if error else Identity("app")
        with self.lock:
            found = self.tokens.get(credential)
        if found is None or found.expired():
            return Identity("invalid", error="Bad credentials")
        return Identity("installation", found.installation_id, found)

    def check_jwt(self, encoded: str) -> str:
        """Empty string when valid; otherwise GitHub's message for the failure."""
        try:
            header = jwt.get_unverified_header(encoded)
        except jwt.PyJWTError:
            return "A JSON web token could not be decoded"
        if header.get("alg") != "RS256":
            return "A JSON web token could not be decoded"
        try:
            claims = jwt.decode(
                encoded,
                self.public_pem,
                algorithms=["RS256"],
                options={
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                    "require": ["iat", "exp", "iss"],
                },
            )
        except jwt.InvalidSignatureError:
            return "A JSON web token could not be decoded"
        except jwt.PyJWTError:
            return "A JSON web token could not be decoded"
        iat, exp = claims.get("iat"), claims.get("exp")
        if not isinstance(iat, (int, float)) or isinstance(iat, bool):
            return (
                "'Issued at' claim ('iat') must be an Integer representing the time that the "
                "assertion was issued."
            )
        if not isinstance(exp, (int, float)) or isinstance(exp, bool):
            return (
                "'Expiration time' claim ('exp') must be a numeric value representing the future "
                "time at which the assertion expires."
            )
        current = time.time()
        if iat > current + CLOCK_SKEW:
            return (
                "'Issued at' claim ('iat') must be an Integer representing the time that the "
                "assertion was issued."
            )
        if exp - iat > JWT_MAX_LIFETIME or exp > current + JWT_MAX_LIFETIME + CLOCK_SKEW:
            return "'Expiration time' claim ('exp') is too far in the future"
        if exp < current - CLOCK_SKEW:
            return (
                "'Expiration time' claim ('exp') must be a numeric value representing the future "
                "time at which the assertion expires."
            )
        if str(claims.get("iss")) != str(self.app_id):
            return "'Issuer' claim ('iss') must be an Integer"
        return ""
