"""Prometheus metrics shared by the receiver and the workers."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

DELIVERIES = Counter("mldebt_deliveries_total", "Webhook deliveries by event and outcome", ["event", "outcome"])
QUEUE_DEPTH = Gauge("mldebt_queue_depth", "Jobs waiting in the review queue")
JOB_SECONDS = Histogram("mldebt_job_seconds", "Duration of worker jobs", ["job"])
GITHUB_CALLS = Counter("mldebt_github_calls_total", "GitHub API calls by method and status", ["method", "status"])
RATE_REMAINING = Gauge("mldebt_github_rate_limit_remaining", "Last x-ratelimit-remaining seen", ["installation"])
