"""The manifest GitHub is sent: app.yml, with the addresses only this deployment knows filled in.

app.yml holds what every mldebt App has (name, permissions, events); where
this one receives webhooks and where GitHub sends the person back with the
code are known only when `mldebt setup` runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

# The receiver's route for deliveries (bot/app.py).
WEBHOOK_PATH = "/webhook"
GITHUB_WEB_URL = "https://github.com"
GITHUB_API_URL = "https://api.github.com"


class SetupError(RuntimeError):
    """What stops the set-up, worded for the person running it; never carries a secret."""


def _web_address(url: str, flag: str) -> tuple[str, str]:
    """(scheme://host, path) of an absolute http(s) URL; anything else is refused, naming the flag."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise SetupError(f"{flag} must be a public http(s) address, like https://mldebt.example.com: {url!r}")
    return f"{parts.scheme}://{parts.netloc}", parts.path


def public_base(url: str) -> str:
    """The deployment's public address without a trailing slash (or `/webhook`, if pasted with it)."""
    origin, path = _web_address(url, "--url")
    return f"{origin}{path.rstrip('/').removesuffix(WEBHOOK_PATH)}"


def webhook_url(public_url: str | None, exact: str | None) -> str:
    """Where GitHub delivers: the receiver's route under `--url`, or a relay's address taken as it is."""
    if exact is not None:
        origin, path = _web_address(exact, "--webhook-url")
        return f"{origin}{path}"
    if public_url is None:
        raise SetupError("give --url (the receiver's public address) or --webhook-url")
    return f"{public_base(public_url)}{WEBHOOK_PATH}"


def build_manifest(app_yml: Path, hook_url: str, redirect_url: str) -> dict[str, Any]:
    """app.yml as GitHub's manifest: deliveries go to `hook_url`, the person back to `redirect_url`."""
    try:
        loaded = YAML(typ="safe").load(app_yml.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SetupError(f"cannot read the App manifest {app_yml}: {exc.strerror or exc}") from None
    except YAMLError as exc:
        raise SetupError(f"the App manifest {app_yml} is not valid YAML: {exc}") from None
    if not isinstance(loaded, dict):
        raise SetupError(f"the App manifest {app_yml} must be a mapping (name, url, default_permissions, …)")
    hook = loaded.get("hook_attributes")
    return {
        **loaded,
        "hook_attributes": {
            **(hook if isinstance(hook, dict) else {}),
            "url": hook_url,
        },
        "redirect_url": redirect_url,
    }


def form_action(github_url: str, org: str | None, state: str) -> str:
    """Where the browser posts the manifest: the person's own App settings, or the organization's."""
    owner = f"/organizations/{org}" if org else ""
    return f"{github_url.rstrip('/')}{owner}/settings/apps/new?{urlencode({'state': state})}"


def api_url_for(github_url: str) -> str:
    """github.com's API is api.github.com; GitHub Enterprise Server's is under /api/v3 of the same host."""
    base = github_url.rstrip("/")
    return GITHUB_API_URL if base == GITHUB_WEB_URL else f"{base}/api/v3"
