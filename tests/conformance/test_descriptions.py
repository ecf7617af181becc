"""The vendored descriptions: pinned, licensed, covering the simulator, honest about their own errors."""

from __future__ import annotations

import json
import re

import pytest
from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLScalarType,
    build_schema,
)

from ghsim.graphql_sdl import SDL
from ghsim.routes import ENDPOINT_SETS
from scripts.vendor_github_descriptions import GRAPHQL_PACKAGE, OPENAPI_PACKAGE, OPERATIONS
from tests.conformance.graphql_check import github_schema
from tests.conformance.known_errors import KNOWN_ERRORS, TRACKER, KnownError, locate
from tests.conformance.openapi import VENDOR, VERSIONS, description, raw_description
from tests.conformance.patches import at_version, merge_patch

SAMPLES = {"path": "src/train.py", "basehead": "main...feature", "tree_sha": "main"}


def test_the_vendored_files_are_the_pinned_packages_with_their_licences() -> None:
    rest = raw_description()
    assert rest["info"]["source"].startswith(f"{OPENAPI_PACKAGE[0]}@{OPENAPI_PACKAGE[1]} ")
    assert rest["info"]["version"] == OPENAPI_PACKAGE[1]
    graphql = (VENDOR / "graphql-schema.graphql").read_text()
    assert graphql.startswith(f"# {GRAPHQL_PACKAGE[0]}@{GRAPHQL_PACKAGE[1]} ")
    for licence in ("LICENSE-octokit-openapi", "LICENSE-octokit-graphql-schema.md"):
        text = (VENDOR / licence).read_text()
        assert "MIT" in text and "Permission is hereby granted, free of charge" in text
    assert sorted(op["operationId"] for item in rest["paths"].values() for op in item.values()) == sorted(
        OPERATIONS
    )


def _sample(template: str) -> str:
    def value(match: re.Match[str]) -> str:
        name, _, kind = match.group(1).partition(":")
        return "7" if kind == "int" else SAMPLES.get(name, "x")

    return re.sub(r"\{([^}]+)\}", value, template)


@pytest.mark.parametrize("version", VERSIONS)
def test_every_endpoint_the_simulator_serves_is_an_operation_github_describes(version: str) -> None:
    desc = description(version)
    served = [(e.method, e.path) for s in ENDPOINT_SETS for e in s.endpoints if e.path != "/graphql"]
    missing = [
        f"{method} {path}"
        for method, path in served
        if path != "/repos/{owner}/{repo}/contents" and desc.find(method, _sample(path)) is None
    ]
    assert missing == []


def test_a_version_applies_its_breaking_changes() -> None:
    old = description("2022-11-28").find("GET", "/repos/o/r/pulls/1")
    new = description("2026-03-10").find("GET", "/repos/o/r/pulls/1")
    assert old is not None and new is not None
    assert "merge_commit_sha" in old[0].responses["200"]["application/json"]["properties"]
    assert "merge_commit_sha" not in new[0].responses["200"]["application/json"]["properties"]


@pytest.mark.parametrize("error", KNOWN_ERRORS, ids=lambda e: "/".join(e.where[-3:]))
def test_each_known_error_of_the_description_is_still_an_error_and_says_where_it_is_reported(
    error: KnownError,
) -> None:
    for version in VERSIONS:
        published = locate(at_version(raw_description(), version), error.where)
        assert merge_patch(published, error.patch) != published, "GitHub fixed it: drop the correction"
    assert error.report is None or re.fullmatch(re.escape(TRACKER) + r"/\d+", error.report)
    assert len(error.what) > 40


def _type(field: GraphQLField | GraphQLArgument) -> str:
    return str(field.type)


def test_the_simulators_graphql_schema_is_part_of_githubs() -> None:
    ours, theirs = build_schema(SDL), github_schema()
    problems = []
    for name, kind in ours.type_map.items():
        if name.startswith("__") or name in ("String", "Int", "Float", "Boolean", "ID"):
            continue
        github = theirs.type_map.get(name)
        if github is None or type(github) is not type(kind):
            problems.append(f"{name}: {type(kind).__name__} here, {type(github).__name__} on GitHub")
            continue
        if isinstance(kind, GraphQLEnumType):
            assert isinstance(github, GraphQLEnumType)
            if set(kind.values) != set(github.values):
                problems.append(
                    f"{name}: values {sorted(kind.values)} here, {sorted(github.values)} on GitHub"
                )
        if isinstance(kind, (GraphQLObjectType, GraphQLInterfaceType)):
            assert isinstance(github, (GraphQLObjectType, GraphQLInterfaceType))
            problems += [
                f"{name} implements {i.name} only here"
                for i in kind.interfaces
                if i.name not in {g.name for g in github.interfaces}
            ]
            for field_name, field in kind.fields.items():
                theirs_field = github.fields.get(field_name)
                if theirs_field is None or _type(theirs_field) != _type(field):
                    problems.append(
                        f"{name}.{field_name}: {_type(field)} here, "
                        f"{_type(theirs_field) if theirs_field else 'absent'} on GitHub"
                    )
                    continue
                for arg, spec in field.args.items():
                    if arg not in theirs_field.args or _type(theirs_field.args[arg]) != _type(spec):
                        problems.append(f"{name}.{field_name}({arg}): {_type(spec)} here, not on GitHub")
        assert isinstance(
            kind,
            (
                GraphQLObjectType,
                GraphQLInterfaceType,
                GraphQLEnumType,
                GraphQLScalarType,
                GraphQLInputObjectType,
            ),
        )
    assert problems == []


def test_the_vendored_rest_subset_is_small_and_needs_no_network() -> None:
    text = (VENDOR / "rest-openapi.json").read_text()
    assert len(text) < 400_000
    assert '$ref": "#/components/responses' not in text
    assert json.loads(text)["openapi"].startswith("3.0")
