"""One JSON object per log line, carrying delivery, repo, PR and SHA wherever they are known.

The receiver knows them from the webhook; a worker knows them from the RQ job
it is running (its arguments, and the delivery the receiver recorded beside
the job id), so every line a job logs, RQ's own included, says which review
it belongs to without the job code passing anything around.
"""

from __future__ import annotations

import contextvars
import logging
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

import orjson
from redis.exceptions import RedisError
from rq import get_current_job
from rq.job import Job

from core import keys

# Read-only: `log_context` sets a new mapping, so a default shared by every context is never changed.
_context: contextvars.ContextVar[Mapping[str, Any]] = contextvars.ContextVar(
    "mldebt_log_context", default=MappingProxyType({})
)
_FIELDS = ("delivery", "event", "repo", "pr", "sha", "job", "installation")
# A job's arguments that name what it works on, and the log field each becomes.
_JOB_ARGUMENTS = {"repo": "repo", "pr_number": "pr", "head_sha": "sha", "installation_id": "installation"}


def known(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The fields that have a value: a line says nothing rather than `"pr": null`."""
    return {name: value for name, value in fields.items() if value is not None and value != ""}


class log_context:
    """Adds `fields` (those with a value) to every line logged inside the block. A class, not a generator
    context manager: the receiver enters two per delivery."""

    __slots__ = ("_fields", "_token")

    def __init__(self, **fields: Any) -> None:
        self._fields = fields

    def __enter__(self) -> None:
        self._token = _context.set({**_context.get(), **known(self._fields)})

    def __exit__(self, *_: object) -> None:
        _context.reset(self._token)


def _job_fields(job: Job) -> dict[str, Any]:
    """Read once per job and kept on it: a log line never costs more than one Redis round trip per job."""
    cached: dict[str, Any] | None = job.__dict__.get("_mldebt_log_fields")
    if cached is not None:
        return cached
    kwargs = job.kwargs if isinstance(job.kwargs, dict) else {}
    fields = {
        field: kwargs[name] for name, field in _JOB_ARGUMENTS.items() if kwargs.get(name) not in (None, "")
    }
    fields["job"] = job.id
    try:
        delivery = job.connection.get(keys.job_delivery_key(job.id))
    except RedisError:
        delivery = None
    if delivery:
        fields["delivery"] = delivery.decode() if isinstance(delivery, bytes) else str(delivery)
    job.__dict__["_mldebt_log_fields"] = fields
    return fields


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        job = get_current_job()
        if job is not None:
            entry.update(_job_fields(job))
        entry.update(_context.get())
        for name in _FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


def configure(level: str = "INFO") -> None:
    """Also stops every record gathering what no line shows (the calling frame, thread and process
    names), as the logging HOWTO's optimisation notes say: the receiver logs a line per delivery."""
    logging._srcfile = None
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("httpx").setLevel(logging.WARNING)
