"""All configuration, read once from the environment into one object.

Secrets are wrapped so that a stray `repr`, log line or traceback shows
`Secret('**********')` instead of the value.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from rules.docs import DEFAULT_DOCS_URL, DOCS_URL_ENV, DocsLinks, docs_links

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
    http_timeout_seconds: float = 30.0
    retry_attempts: int = 4
    retry_base_delay_seconds: float = 0.5
    retry_max_delay_seconds: float = 30.0
    rate_limit_max_wait_seconds: float = 300.0
    write_spacing_seconds: float = 1.0
    job_retry_intervals: tuple[int, ...] = (5, 30, 120, 600, 3600)
    worker_heartbeat_seconds: int = 10
    worker_heartbeat_grace_seconds: int = 60
    maintenance_interval_seconds: int = 60
    sweep_interval_seconds: int = 300
    reconcile_interval_seconds: int = 600
    reconcile_window_seconds: int = 24 * 3600
    reconcile_max_calls: int = 100
    reconcile_spacing_seconds: float = 0.2
    docs_url: str = DEFAULT_DOCS_URL

    @property
    def docs(self) -> DocsLinks:
        return DocsLinks(self.docs_url)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        """Fails loudly on what is missing: a receiver without a secret would accept forgeries."""
        env = dict(os.environ if env is None else env)
        secret = env.get("MLDEBT_WEBHOOK_SECRET", "")
        if not secret:
            raise SettingsError(
                "MLDEBT_WEBHOOK_SECRET is not set; refusing to start without webhook signature checks"
            )
        key = env.get("MLDEBT_PRIVATE_KEY", "")
        key_file = env.get("MLDEBT_PRIVATE_KEY_FILE", "")
        if not key and key_file:
            key = _read_key_file(key_file)
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
            http_timeout_seconds=float(env.get("MLDEBT_HTTP_TIMEOUT", cls.http_timeout_seconds)),
            retry_attempts=int(env.get("MLDEBT_RETRY_ATTEMPTS", cls.retry_attempts)),
            retry_base_delay_seconds=float(env.get("MLDEBT_RETRY_BASE_DELAY", cls.retry_base_delay_seconds)),
            retry_max_delay_seconds=float(env.get("MLDEBT_RETRY_MAX_DELAY", cls.retry_max_delay_seconds)),
            rate_limit_max_wait_seconds=float(
                env.get("MLDEBT_RATE_LIMIT_MAX_WAIT", cls.rate_limit_max_wait_seconds)
            ),
            write_spacing_seconds=float(env.get("MLDEBT_WRITE_SPACING", cls.write_spacing_seconds)),
            job_retry_intervals=_intervals(env.get("MLDEBT_JOB_RETRY_INTERVALS"), cls.job_retry_intervals),
            worker_heartbeat_seconds=int(env.get("MLDEBT_WORKER_HEARTBEAT", cls.worker_heartbeat_seconds)),
            worker_heartbeat_grace_seconds=int(
                env.get("MLDEBT_WORKER_HEARTBEAT_GRACE", cls.worker_heartbeat_grace_seconds)
            ),
            maintenance_interval_seconds=int(
                env.get("MLDEBT_MAINTENANCE_INTERVAL", cls.maintenance_interval_seconds)
            ),
            sweep_interval_seconds=int(env.get("MLDEBT_SWEEP_INTERVAL", cls.sweep_interval_seconds)),
            reconcile_interval_seconds=int(
                env.get("MLDEBT_RECONCILE_INTERVAL", cls.reconcile_interval_seconds)
            ),
            reconcile_window_seconds=int(env.get("MLDEBT_RECONCILE_WINDOW", cls.reconcile_window_seconds)),
            reconcile_max_calls=int(env.get("MLDEBT_RECONCILE_MAX_CALLS", cls.reconcile_max_calls)),
            reconcile_spacing_seconds=float(
                env.get("MLDEBT_RECONCILE_SPACING", cls.reconcile_spacing_seconds)
            ),
            docs_url=_docs_url(env.get(DOCS_URL_ENV)),
        )

    def to_env(self) -> dict[str, str]:
        """The environment that makes `from_env` rebuild these settings: how a worker process is told."""
        return {
            "MLDEBT_APP_ID": str(self.app_id),
            "MLDEBT_PRIVATE_KEY": self.private_key.reveal(),
            "MLDEBT_WEBHOOK_SECRET": self.webhook_secret.reveal(),
            "REDIS_URL": self.redis_url,
            "GITHUB_API_URL": self.github_api_url,
            "MLDEBT_QUEUE": self.queue_name,
            "MLDEBT_CHECK_NAME": self.check_name,
            "MLDEBT_MAX_BODY_BYTES": str(self.max_body_bytes),
            "MLDEBT_JOB_TIMEOUT": str(self.job_timeout_seconds),
            "MLDEBT_MAX_REVIEW_COMMENTS": str(self.max_review_comments),
            "MLDEBT_LOG_LEVEL": self.log_level,
            "MLDEBT_HTTP_TIMEOUT": str(self.http_timeout_seconds),
            "MLDEBT_RETRY_ATTEMPTS": str(self.retry_attempts),
            "MLDEBT_RETRY_BASE_DELAY": str(self.retry_base_delay_seconds),
            "MLDEBT_RETRY_MAX_DELAY": str(self.retry_max_delay_seconds),
            "MLDEBT_RATE_LIMIT_MAX_WAIT": str(self.rate_limit_max_wait_seconds),
            "MLDEBT_WRITE_SPACING": str(self.write_spacing_seconds),
            "MLDEBT_JOB_RETRY_INTERVALS": ",".join(str(seconds) for seconds in self.job_retry_intervals),
            "MLDEBT_WORKER_HEARTBEAT": str(self.worker_heartbeat_seconds),
            "MLDEBT_WORKER_HEARTBEAT_GRACE": str(self.worker_heartbeat_grace_seconds),
            "MLDEBT_MAINTENANCE_INTERVAL": str(self.maintenance_interval_seconds),
            "MLDEBT_SWEEP_INTERVAL": str(self.sweep_interval_seconds),
            "MLDEBT_RECONCILE_INTERVAL": str(self.reconcile_interval_seconds),
            "MLDEBT_RECONCILE_WINDOW": str(self.reconcile_window_seconds),
            "MLDEBT_RECONCILE_MAX_CALLS": str(self.reconcile_max_calls),
            "MLDEBT_RECONCILE_SPACING": str(self.reconcile_spacing_seconds),
            DOCS_URL_ENV: self.docs_url,
        }


def _read_key_file(setting: str) -> str:
    """MLDEBT_PRIVATE_KEY_FILE's text. A relative path is read from the working directory: the folder the
    receiver or worker is started in, which is the .env's folder when it is started beside its .env
    (`mldebt setup` writes `./secrets/mldebt.pem`, relative to the .env, as compose reads it).

    Errors never quote the setting: a key pasted into it by mistake would end up in a log.
    """
    path = Path(setting)
    try:
        return path.read_text()
    except OSError as exc:
        where = ""
        if not path.is_absolute():
            with contextlib.suppress(OSError):
                where = f"; a relative path is read from the working directory, {Path.cwd()}"
        raise SettingsError(f"cannot read MLDEBT_PRIVATE_KEY_FILE ({exc.strerror}{where})") from None
    except UnicodeDecodeError:
        raise SettingsError("MLDEBT_PRIVATE_KEY_FILE is not a text (PEM) file") from None


def _intervals(raw: str | None, default: tuple[int, ...]) -> tuple[int, ...]:
    """`5,30,120`: seconds before each RQ retry of a failed job; its length is the number of retries.

    The default reaches past an hour, so that a job that met an exhausted primary rate limit
    (GitHub resets it hourly) is still retried after the reset.
    """
    if raw is None or not raw.strip():
        return default
    try:
        return tuple(int(part) for part in raw.split(","))
    except ValueError:
        raise SettingsError(
            "MLDEBT_JOB_RETRY_INTERVALS must be comma-separated whole seconds, e.g. 5,30,120"
        ) from None


def _docs_url(raw: str | None) -> str:
    """The rule-page template every link is made from (`rules.docs`); a malformed address stops start-up."""
    try:
        return docs_links(raw).template
    except ValueError as exc:
        raise SettingsError(str(exc)) from None
