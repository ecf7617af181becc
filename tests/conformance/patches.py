"""The two patch formats GitHub's description writes its version changes in, and applying them."""

from __future__ import annotations

import copy
from typing import Any

Json = Any


def merge_patch(target: Json, patch: Json) -> Json:
    """RFC 7396."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = merge_patch(out.get(key), value)
    return out


def json_patch(target: Json, operations: list[Json]) -> Json:
    """The RFC 6902 operations the description uses: add, remove, replace."""
    out = copy.deepcopy(target)
    for op in operations:
        *parents, last = [part.replace("~1", "/").replace("~0", "~") for part in op["path"].split("/")[1:]]
        node = out
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        key: Any = int(last) if isinstance(node, list) and last != "-" else last
        if op["op"] == "remove":
            del node[key]
        elif op["op"] == "add" and isinstance(node, list):
            node.insert(len(node) if key == "-" else key, copy.deepcopy(op["value"]))
        elif op["op"] in ("add", "replace"):
            node[key] = copy.deepcopy(op["value"])
        else:
            raise ValueError(f"unsupported JSON patch operation {op['op']}")
    return out


def at_version(node: Json, version: str) -> Json:
    """The description as `version` has it: every breaking change up to it applied, deepest first."""
    if isinstance(node, list):
        return [at_version(item, version) for item in node]
    if not isinstance(node, dict):
        return node
    out = {
        key: at_version(value, version) for key, value in node.items() if key != "x-github-breaking-changes"
    }
    for change in node.get("x-github-breaking-changes", ()):
        if change["version"] <= version:
            patch = change["patch"]
            out = json_patch(out, patch) if isinstance(patch, list) else merge_patch(out, patch)
    return out
