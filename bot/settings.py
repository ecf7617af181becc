"""All configuration, read once from the environment into one object.

Secrets are wrapped so that a stray `repr`, log line or traceback shows
`Secret('**********')` instead of the value.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_API_URL = "https://api.github.com"
MAX_BODY_BYTES = 25 * 1024 * 1024


class Secret:
    """A string that refuses to show itself."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


class SettingsError(RuntimeError):
    pass


@dataclass(frozen=True)
class Settings:
    app_id: int
    private_key: Secret
    webhook_secret: Secret
    redis_url: str = "redis://127.0.0.1:6379/0"
    github_api_url: str = DEFAULT_API_URL
    queue_name: str = "mldebt"
    check_name: str = "mldebt"
    max_body_bytes: int = MAX_BODY_BYTES
    job_timeout_seconds: int = 600
    max_review_comments: int = 25
    log_level: str = "INFO"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        """Fails loudly on what is missing: a receiver without a secret would accept forgeries."""
        env = dict(os.environ if env is None else env)
        secret = env.get("MLDEBT_WEBHOOK_SECRET", "")
        if not secret:
            raise SettingsError("MLDEBT_WEBHOOK_SECRET is not set; refusing to start without webhook signature checks")
        key = env.get("MLDEBT_PRIVATE_KEY", "")
        key_file = env.get("MLDEBT_PRIVATE_KEY_FILE", "")
        if not key and key_file:
            try:
                key = Path(key_file).read_text()
            except OSError as exc:
                raise SettingsError(f"cannot read MLDEBT_PRIVATE_KEY_FILE ({exc.strerror})") from None
        app_id = env.get("MLDEBT_APP_ID", "")
        if not app_id.isdigit():
            raise SettingsError("MLDEBT_APP_ID must be the GitHub App's numeric id")
        return cls(
            app_id=int(app_id),
            private_key=Secret(key.replace("\\n", "\n")),
            webhook_secret=Secret(secret),
            redis_url=env.get("REDIS_URL", cls.redis_url),
            github_api_url=env.get("GITHUB_API_URL", DEFAULT_API_URL).rstrip("/"),
            queue_name=env.get("MLDEBT_QUEUE", cls.queue_name),
            check_name=env.get("MLDEBT_CHECK_NAME", cls.check_name),
            max_body_bytes=int(env.get("MLDEBT_MAX_BODY_BYTES", MAX_BODY_BYTES)),
            job_timeout_seconds=int(env.get("MLDEBT_JOB_TIMEOUT", cls.job_timeout_seconds)),
            max_review_comments=int(env.get("MLDEBT_MAX_REVIEW_COMMENTS", cls.max_review_comments)),
            log_level=env.get("MLDEBT_LOG_LEVEL", cls.log_level),
        )
