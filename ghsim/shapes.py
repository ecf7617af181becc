"""JSON shapes of GitHub objects, shared by REST responses and webhook payloads.

Webhook payloads embed the same objects the REST API returns, so one class
builds them for both and keeps the two consistent; its parts, one per kind
of resource, are the ``ghsim.shapes_*`` modules.  Every field githubkit's
models require is present; API urls point at the simulator, html urls at
github.com.
"""

from __future__ import annotations

from ghsim import versions
from ghsim.shapes_checks import CheckShapes
from ghsim.shapes_comments import CommentShapes
from ghsim.shapes_contents import ContentShapes
from ghsim.state import State


class Shapes(CheckShapes, CommentShapes, ContentShapes):
    """Serialisers bound to one simulator (its state and base URL) and one REST API version."""

    def __init__(self, state: State, api: str, version: str = versions.DEFAULT) -> None:
        self.state = state
        self.api = api.rstrip("/")
        self.version = version
        self._versions: dict[str, Shapes] = {version: self}

    def at(self, version: str) -> Shapes:
        """The same serialisers answering in `version`'s shapes."""
        found = self._versions.get(version)
        if found is None:
            found = self._versions[version] = Shapes(self.state, self.api, version)
        return found
