"""GraphQL against GitHub's published schema: the queries the bot sends, and the answers the simulator gives.

A query is validated by graphql-core against the vendored part of GitHub's
schema. An answer is walked along the query: every field it selected must be
there (and nothing else), each value of the type GitHub's schema gives the
field (a non-null field never null unless the answer carries errors, an enum
one of its values, an object shaped like its selection).
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    build_schema,
    parse,
    validate,
)
from graphql.error import GraphQLSyntaxError

VENDOR = Path(__file__).parent / "vendor"
_SCALARS: dict[str, Any] = {
    "Int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "Float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "String": lambda v: isinstance(v, str),
    "ID": lambda v: isinstance(v, str),
    "Boolean": lambda v: isinstance(v, bool),
    "GitObjectID": lambda v: isinstance(v, str) and re.fullmatch(r"[0-9a-f]{40}", v) is not None,
    "DateTime": lambda v: (
        isinstance(v, str) and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", v) is not None
    ),
    "URI": lambda v: isinstance(v, str) and re.fullmatch(r"https?://\S+", v) is not None,
    # GitHub sends a 64-bit id as a string of digits: JSON numbers lose precision past 2^53.
    "BigInt": lambda v: isinstance(v, str) and re.fullmatch(r"-?\d+", v) is not None,
}


@cache
def github_schema() -> GraphQLSchema:
    return build_schema((VENDOR / "graphql-schema.graphql").read_text())


def check_exchange(request_body: bytes, status: int, response_body: bytes) -> list[str]:
    """Problems with one `POST /graphql`: its query against GitHub's schema, its answer against the query."""
    try:
        request = json.loads(request_body)
        document = parse(request["query"])
    except (ValueError, KeyError, TypeError, GraphQLSyntaxError) as exc:
        return [f"graphql: the request is not a GraphQL query ({exc})"]
    schema = github_schema()
    problems = [f"graphql query: {error.message}" for error in validate(schema, document)]
    if problems or status != 200:
        return problems + ([] if status < 400 or not response_body else _error_problems(response_body))
    answer = json.loads(response_body)
    if not isinstance(answer, dict) or not ({"data", "errors"} & set(answer)):
        return ["graphql: an answer needs `data` or `errors`"]
    for error in answer.get("errors") or []:
        if not isinstance(error, dict) or not isinstance(error.get("message"), str):
            problems.append(f"graphql: an error without a message: {error!r}")
    data = answer.get("data")
    if data is None:
        return problems
    walker = _Walker(schema, document, request.get("operationName"), errors=bool(answer.get("errors")))
    return problems + walker.problems(data)


def _error_problems(body: bytes) -> list[str]:
    """A refused `/graphql` request (401, 403, 5xx) still answers GitHub's REST error object."""
    try:
        answer = json.loads(body)
    except ValueError:
        return ["graphql: an error answer that is not JSON"]
    if not isinstance(answer, dict) or not isinstance(answer.get("message"), str):
        return [f"graphql: an error answer without a message: {answer!r}"[:300]]
    return []


class _Walker:
    def __init__(
        self, schema: GraphQLSchema, document: DocumentNode, operation: str | None, errors: bool
    ) -> None:
        self.schema = schema
        self.errors = errors
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        self.operation = next(
            (o for o in operations if operation is None or (o.name and o.name.value == operation)),
            operations[0],
        )
        self.found: list[str] = []

    def problems(self, data: Any) -> list[str]:
        mutation = self.operation.operation == OperationType.MUTATION
        root = self.schema.mutation_type if mutation else self.schema.query_type
        assert root is not None
        self.object(data, root, [self.operation.selection_set], "data")
        return self.found

    def fields(
        self,
        parent: GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType,
        selections: list[SelectionSetNode],
    ) -> dict[str, tuple[GraphQLField, list[SelectionSetNode]]]:
        """Response key → the field and every sub-selection asked for it, fragments folded in."""
        out: dict[str, tuple[GraphQLField, list[SelectionSetNode]]] = {}

        def visit(selection_set: SelectionSetNode, on: Any) -> None:
            for node in selection_set.selections:
                if isinstance(node, FieldNode):
                    key = node.alias.value if node.alias else node.name.value
                    if node.name.value == "__typename" or not hasattr(on, "fields"):
                        continue
                    field = on.fields[node.name.value]
                    subs = out.get(key, (field, []))[1]
                    out[key] = (field, subs + ([node.selection_set] if node.selection_set else []))
                elif isinstance(node, InlineFragmentNode):
                    condition = (
                        self.schema.type_map[node.type_condition.name.value] if node.type_condition else on
                    )
                    visit(node.selection_set, condition)
                elif isinstance(node, FragmentSpreadNode):
                    fragment = self.fragments[node.name.value]
                    visit(fragment.selection_set, self.schema.type_map[fragment.type_condition.name.value])

        for selection_set in selections:
            visit(selection_set, parent)
        return out

    def object(self, value: Any, kind: Any, selections: list[SelectionSetNode], where: str) -> None:
        if not isinstance(value, dict):
            self.found.append(f"graphql answer {where}: {value!r} is not an object")
            return
        wanted = self.fields(kind, selections)
        typename = {key for s in selections for key in _typename_keys(s)}
        for key in set(value) - set(wanted) - typename:
            if not isinstance(kind, (GraphQLInterfaceType, GraphQLUnionType)):
                self.found.append(f"graphql answer {where}: {key!r} was not asked for")
        for key, (field, subs) in wanted.items():
            if key not in value:
                if not isinstance(kind, (GraphQLInterfaceType, GraphQLUnionType)) and not self.errors:
                    self.found.append(f"graphql answer {where}: {key!r} is missing")
                continue
            self.value(value[key], field.type, subs, f"{where}.{key}")

    def value(self, value: Any, kind: GraphQLOutputType, subs: list[SelectionSetNode], where: str) -> None:
        if isinstance(kind, GraphQLNonNull):
            if value is None:
                if not self.errors:
                    self.found.append(f"graphql answer {where}: null for a non-null {kind}")
                return
            kind = kind.of_type
        if value is None:
            return
        if isinstance(kind, GraphQLList):
            if not isinstance(value, list):
                self.found.append(f"graphql answer {where}: {value!r} is not a list")
                return
            for index, item in enumerate(value):
                self.value(item, kind.of_type, subs, f"{where}[{index}]")
        elif isinstance(kind, GraphQLEnumType):
            if value not in kind.values:
                self.found.append(
                    f"graphql answer {where}: {value!r} is not a {kind.name} ({', '.join(kind.values)})"
                )
        elif isinstance(kind, GraphQLScalarType):
            check = _SCALARS.get(kind.name)
            if check is not None and not check(value):
                self.found.append(f"graphql answer {where}: {value!r} is not a {kind.name}")
        else:
            self.object(value, kind, subs, where)


def _typename_keys(selection_set: SelectionSetNode) -> set[str]:
    return {
        (n.alias.value if n.alias else "__typename")
        for n in selection_set.selections
        if isinstance(n, FieldNode) and n.name.value == "__typename"
    }
