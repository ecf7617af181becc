"""What a work horse would load on its first GitHub calls, loaded once by the worker before it forks.

githubkit imports an endpoint's models on the endpoint's first call, and
pydantic builds their validators as they are imported: together about 80 ms
for one review's endpoints. RQ forks a fresh work horse for every job, which
inherits only what its worker had loaded, so every job paid that again before
its first call. Loading the models up front costs the worker that once.
"""

from __future__ import annotations

import importlib
import inspect
import re

from githubkit import GitHub

# The models a githubkit endpoint imports when called: `from ..models import (CheckRun, ...)`.
_IMPORTED_MODELS = re.compile(r"from \.\.models import (?:\(([^)]*)\)|([\w, ]+))")

# Every REST endpoint the gateways call (tests/workers/test_warmup.py keeps this in step with them).
ENDPOINTS = (
    ("apps", "create_installation_access_token"),
    ("apps", "list_installations"),
    ("apps", "list_repos_accessible_to_installation"),
    ("apps", "list_webhook_deliveries"),
    ("apps", "redeliver_webhook_delivery"),
    ("checks", "create"),
    ("checks", "get"),
    ("checks", "list_for_ref"),
    ("checks", "update"),
    ("git", "get_blob"),
    ("git", "get_tree"),
    ("issues", "create_comment"),
    ("issues", "list_comments"),
    ("pulls", "create_review"),
    ("pulls", "create_review_comment"),
    ("pulls", "delete_pending_review"),
    ("pulls", "get"),
    ("pulls", "list"),
    ("pulls", "list_commits"),
    ("pulls", "list_files"),
    ("pulls", "list_review_comments"),
    ("pulls", "list_reviews"),
    ("pulls", "update_review_comment"),
    ("reactions", "create_for_issue_comment"),
    ("reactions", "create_for_pull_request_review_comment"),
    ("repos", "get_collaborator_permission_level"),
    ("repos", "get_content"),
)


def load_models() -> list[str]:
    """Imports every model the endpoints import when called; answers their names."""
    client = GitHub("unused")  # no request is made: only the endpoints' namespaces are read
    loaded = []
    for namespace, name in ENDPOINTS:
        endpoint = getattr(getattr(client.rest, namespace), name)
        # An endpoint's module lives in a schema version's `rest` package; its models beside it, in `models`.
        models = importlib.import_module(endpoint.__module__.rsplit(".", 2)[0] + ".models")
        for imported in _IMPORTED_MODELS.finditer(inspect.getsource(endpoint)):
            listed = imported[1] if imported[1] is not None else imported[2]
            for model in filter(None, (part.strip() for part in listed.split(","))):
                getattr(models, model)
                loaded.append(model)
    return loaded
