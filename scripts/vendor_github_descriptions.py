#!/usr/bin/env python3
"""Regenerates tests/conformance/vendor/ from GitHub's published API descriptions at pinned versions.

The conformance test checks the simulator against GitHub's own descriptions
without reaching the network, so only what it needs is vendored: the REST
operations the simulator serves (the ones mldebt uses), with every schema they
reach, and the part of the GraphQL schema the simulator implements, each next
to the MIT licence it is published under. Run it after changing a pin below or
adding an operation, from the repository root:

    .venv/bin/python scripts/vendor_github_descriptions.py

It needs npm (for `npm pack`) and registry access; nothing else does.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLEnumValue,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    build_schema,
    get_named_type,
    print_type,
)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OPENAPI_PACKAGE = ("@octokit/openapi", "23.0.2")
GRAPHQL_PACKAGE = ("@octokit/graphql-schema", "15.26.1")
OUT = ROOT / "tests" / "conformance" / "vendor"

# Every REST operation the simulator serves, by GitHub's operationId.
OPERATIONS = (
    "apps/get-authenticated",
    "apps/create-from-manifest",
    "apps/list-installations",
    "apps/get-installation",
    "apps/create-installation-access-token",
    "apps/get-repo-installation",
    "apps/list-repos-accessible-to-installation",
    "apps/list-webhook-deliveries",
    "apps/get-webhook-delivery",
    "apps/redeliver-webhook-delivery",
    "rate-limit/get",
    "repos/get",
    "repos/get-content",
    "git/get-tree",
    "git/get-blob",
    "repos/get-commit",
    "repos/compare-commits",
    "repos/get-collaborator-permission-level",
    "pulls/list",
    "pulls/get",
    "pulls/list-files",
    "pulls/list-commits",
    "pulls/create-review",
    "pulls/list-reviews",
    "pulls/get-review",
    "pulls/submit-review",
    "pulls/delete-pending-review",
    "pulls/list-comments-for-review",
    "pulls/list-review-comments",
    "pulls/create-review-comment",
    "pulls/get-review-comment",
    "pulls/update-review-comment",
    "pulls/delete-review-comment",
    "reactions/create-for-pull-request-review-comment",
    "issues/create-comment",
    "issues/list-comments",
    "issues/get-comment",
    "issues/update-comment",
    "issues/delete-comment",
    "reactions/create-for-issue-comment",
    "reactions/list-for-issue-comment",
    "checks/create",
    "checks/update",
    "checks/get",
    "checks/list-annotations",
    "checks/list-for-ref",
    "checks/get-suite",
)
# Keywords that only document; dropping them keeps the vendored file small. Never dropped as property names.
DOC_KEYS = {
    "description",
    "summary",
    "example",
    "examples",
    "externalDocs",
    "x-github",
    "x-octokit",
    "tags",
    "title",
    "x-stackQL-resource",
    "x-multi-segment",
    "operationId",
}
METHODS = ("get", "post", "put", "patch", "delete")


def npm_pack(package: str, version: str, into: Path) -> Path:
    """The package's published tarball, unpacked; returns its `package/` folder."""
    subprocess.run(
        ["npm", "pack", f"{package}@{version}", "--pack-destination", str(into), "--loglevel=warn"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    tarball = next(into.glob(f"{package.lstrip('@').replace('/', '-')}-{version}.tgz"))
    target = into / tarball.stem
    with tarfile.open(tarball) as archive:
        archive.extractall(target, filter="data")
    return target / "package"


def strip_docs(node: Any, in_properties: bool = False) -> Any:
    """A copy without documentation keywords; keys of a `properties` map are field names and stay."""
    if isinstance(node, list):
        return [strip_docs(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if not in_properties and key in DOC_KEYS:
            continue
        out[key] = strip_docs(value, in_properties=key == "properties" and not in_properties)
    return out


def resolve_local(
    spec: dict[str, Any],
    node: Any,
    kinds: tuple[str, ...] = ("parameters", "responses", "headers", "requestBodies"),
) -> Any:
    """Inlines $refs to shared parameters, responses and bodies; schema $refs stay refs."""
    if isinstance(node, list):
        return [resolve_local(spec, item, kinds) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.split("/")[2] in kinds:
        _, _, kind, name = ref.split("/")
        return resolve_local(spec, spec["components"][kind][name], kinds)
    return {key: resolve_local(spec, value, kinds) for key, value in node.items()}


def schema_refs(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, list):
        for item in node:
            found |= schema_refs(item)
    elif isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            found.add(ref.rsplit("/", 1)[1])
        for value in node.values():
            found |= schema_refs(value)
    return found


def rest_subset(spec: dict[str, Any]) -> dict[str, Any]:
    by_id = {
        op["operationId"]: (path, method)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in METHODS
    }
    missing = [name for name in OPERATIONS if name not in by_id]
    if missing:
        raise SystemExit(f"operations not in the description: {missing}")
    paths: dict[str, dict[str, Any]] = {}
    for name in OPERATIONS:
        path, method = by_id[name]
        operation = resolve_local(spec, spec["paths"][path][method])
        operation = {"operationId": name, **strip_docs(operation)}
        paths.setdefault(path, {})[method] = operation
    schemas: dict[str, Any] = {}
    todo = sorted(schema_refs(paths) | {"basic-error", "validation-error", "validation-error-simple"})
    while todo:
        name = todo.pop()
        if name in schemas:
            continue
        schemas[name] = strip_docs(spec["components"]["schemas"][name])
        todo.extend(sorted(schema_refs(schemas[name]) - set(schemas)))
    return {
        "openapi": spec["openapi"],
        "info": {"version": spec["info"]["version"]},
        "paths": dict(sorted(paths.items())),
        "components": {"schemas": dict(sorted(schemas.items()))},
    }


def graphql_subset(github: GraphQLSchema, simulator: GraphQLSchema) -> str:
    """GitHub's definitions of the types and fields the simulator implements, and what they need to be valid.

    Each object or interface keeps only the fields the simulator has, with
    GitHub's arguments and types; enums, scalars and input types they use are
    kept whole; an interface keeps the implementations the simulator has.
    """
    wanted: dict[str, set[str]] = {}
    for name, sim_type in simulator.type_map.items():
        if name.startswith("__") or name in ("String", "Int", "Float", "Boolean", "ID"):
            continue
        if isinstance(sim_type, (GraphQLObjectType, GraphQLInterfaceType)):
            wanted[name] = set(sim_type.fields)
        else:
            wanted[name] = set()
    kept: set[str] = set()
    todo = list(wanted)
    while todo:
        name = todo.pop()
        if name in kept or name in ("String", "Int", "Float", "Boolean", "ID"):
            continue
        gh_type = github.type_map.get(name)
        if gh_type is None:
            continue
        kept.add(name)
        named: list[GraphQLNamedType] = []
        if isinstance(gh_type, (GraphQLObjectType, GraphQLInterfaceType)):
            fields = wanted.setdefault(name, set())
            for interface in gh_type.interfaces:
                if interface.name in wanted:
                    fields |= wanted[interface.name]
            for field_name in fields & set(gh_type.fields):
                field: GraphQLField = gh_type.fields[field_name]
                named.append(get_named_type(field.type))
                named.extend(get_named_type(arg.type) for arg in field.args.values())
            if isinstance(gh_type, GraphQLInterfaceType):
                named.extend(t for t in github.get_possible_types(gh_type) if t.name in wanted)
        elif isinstance(gh_type, GraphQLInputObjectType):
            named.extend(get_named_type(f.type) for f in gh_type.fields.values())
        elif isinstance(gh_type, GraphQLUnionType):
            named.extend(t for t in gh_type.types if t.name in wanted)
        todo.extend(t.name for t in named if t.name not in kept)
    parts: list[str] = []
    for name in sorted(kept):
        gh_type = github.type_map[name]
        if isinstance(gh_type, (GraphQLObjectType, GraphQLInterfaceType)):
            fields = wanted.get(name, set())
            for interface in gh_type.interfaces:
                fields |= wanted.get(interface.name, set())
            pruned_fields = {k: _bare_field(v) for k, v in gh_type.fields.items() if k in fields}
            interfaces = [i for i in gh_type.interfaces if i.name in kept]
            pruned: GraphQLNamedType = type(gh_type)(
                **_without_docs(gh_type, fields=pruned_fields, interfaces=interfaces)
            )
        elif isinstance(gh_type, GraphQLUnionType):
            pruned = GraphQLUnionType(
                **_without_docs(gh_type, types=[t for t in gh_type.types if t.name in kept])
            )
        elif isinstance(gh_type, GraphQLEnumType):
            values = {k: GraphQLEnumValue(**_without_docs(v)) for k, v in gh_type.values.items()}
            pruned = GraphQLEnumType(**_without_docs(gh_type, values=values))
        elif isinstance(gh_type, GraphQLInputObjectType):
            inputs = {k: GraphQLInputField(**_without_docs(v)) for k, v in gh_type.fields.items()}
            pruned = GraphQLInputObjectType(**_without_docs(gh_type, fields=inputs))
        elif isinstance(gh_type, GraphQLScalarType):
            pruned = GraphQLScalarType(**_without_docs(gh_type))
        else:
            continue
        parts.append(print_type(pruned))
    return "\n\n".join(parts) + "\n"


def _without_docs(item: Any, **changes: Any) -> Any:
    """An item's constructor arguments without its documentation, which the vendored file does not need."""
    return {**item.to_kwargs(), **changes, "description": None}


def _bare_field(field: GraphQLField) -> GraphQLField:
    args = {k: GraphQLArgument(**_without_docs(a)) for k, a in field.args.items()}
    return GraphQLField(**_without_docs(field, args=args))


def main() -> None:
    from ghsim.graphql_sdl import SDL

    with tempfile.TemporaryDirectory() as tmp:
        rest_pkg = npm_pack(*OPENAPI_PACKAGE, Path(tmp))
        graphql_pkg = npm_pack(*GRAPHQL_PACKAGE, Path(tmp))
        spec = json.loads((rest_pkg / "generated" / "api.github.com.json").read_text())
        OUT.mkdir(parents=True, exist_ok=True)
        rest = rest_subset(spec)
        rest["info"]["source"] = f"{OPENAPI_PACKAGE[0]}@{OPENAPI_PACKAGE[1]} generated/api.github.com.json"
        (OUT / "rest-openapi.json").write_text(json.dumps(rest, indent=1, sort_keys=False) + "\n")
        shutil.copyfile(rest_pkg / "LICENSE", OUT / "LICENSE-octokit-openapi")
        github_schema = build_schema((graphql_pkg / "schema.graphql").read_text(), assume_valid=True)
        header = f"# {GRAPHQL_PACKAGE[0]}@{GRAPHQL_PACKAGE[1]} schema.graphql, the part ghsim implements\n\n"
        (OUT / "graphql-schema.graphql").write_text(header + graphql_subset(github_schema, build_schema(SDL)))
        shutil.copyfile(graphql_pkg / "LICENSE.md", OUT / "LICENSE-octokit-graphql-schema.md")
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
