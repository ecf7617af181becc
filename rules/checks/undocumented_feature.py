"""undocumented-feature: a model input feature added in feature-engineering
or model-data code that nothing documents."""

from __future__ import annotations

import fnmatch
import functools
from collections.abc import Iterable

import libcst

from rules.checks import undocumented_feature_invalid, undocumented_feature_valid
from rules.config import DEFAULT_REGISTRIES
from rules.dataflow import option_names
from rules.feature_columns import FeatureColumns
from rules.feature_docs import Documents, computed_nearby, documents
from rules.feature_names import (
    BOOKKEEPING,
    FEAST_VIEWS,
    FRAME_LIBRARIES,
    MAX_FINDINGS,
    MODEL_DATA_CALLS,
    MODEL_DATA_WORDS,
    NOT_A_TARGET_COMMENT,
    TARGET_COMMENT,
    TEST_FRAME,
    Candidate,
    ColumnName,
    FeastView,
    is_feature_path,
    is_identifier,
    is_target,
    is_timestamp,
    listed,
    shown_name,
)
from rules.feature_registry import FeatureRegistry, RegistryEntry, glob_of, read_registry
from rules.feature_sql import select_aliases
from rules.finding import Finding, Severity
from rules.ml_calls import model_fit
from rules.pyutil import line_comment
from rules.repo import Side
from rules.rule import FileContext, FileRule, register
from rules.source import FileKind
from rules.wiring import unwired


@register
class UndocumentedFeature(FeatureColumns, FileRule):
    id = "undocumented-feature"
    severity = Severity.HIGH
    title = "New feature missing from the feature registry"
    kinds = frozenset({FileKind.PYTHON, FileKind.NOTEBOOK, FileKind.TEXT})
    # A library's example feature repo shows how to declare features; it has nobody to own them.
    applies_to_examples = False

    VALID = undocumented_feature_valid.VALID
    INVALID = undocumented_feature_invalid.INVALID

    # --- decision ----------------------------------------------------------

    def finish(self) -> None:
        if not self.candidates:
            return
        scope = self._scope()
        if scope is None:
            return
        self._expand_fanouts()
        options = self.ctx.options
        targets = self.targets | {name.lower() for name in option_names(options, "targets")}
        excluded = {name.lower() for name in self.dropped} | self.keys
        paths = list(option_names(options, "feature_registry")) or list(DEFAULT_REGISTRIES)
        features: list[Candidate] = []
        feast: list[Candidate] = []
        seen: set[str] = set()
        idle = self._idle_lines()
        for candidate in self.candidates:
            name = candidate.name
            if idle and self.first_line(candidate.node) in idle:
                continue
            if name.glob in seen or candidate.documented or (candidate.listed and scope == "model-data"):
                continue
            seen.add(name.glob)
            if not self._not_a_feature(name, targets, excluded) and not self._commented_as_target(
                candidate.node
            ):
                (feast if candidate.view is not None else features).append(candidate)
        if not features and not feast:
            return
        side: Side = "base" if self.ctx.version == "base" else "head"
        registry = read_registry(self.ctx.repo, paths, side)
        self._feast_fields(feast, registry)
        if features:
            self._report(self._undocumented(features, registry, side), registry, paths)

    def _undocumented(
        self, features: list[Candidate], registry: FeatureRegistry, side: Side
    ) -> list[tuple[Candidate, RegistryEntry | None]]:
        """Features no registry entry, README, data dictionary or note
        of this PR documents, and no neighbour computed before."""
        found: list[tuple[Candidate, RegistryEntry | None]] = []
        docs: Documents | None = None
        for candidate in features:
            name = candidate.name
            entry = registry.lookup(name.shown, template=name.template)
            if entry is not None and not entry.missing:
                continue
            if entry is None:
                docs = docs or documents(self.ctx.repo, self.ctx.file.path, self.ctx.changed, side)
                if docs.notes_new_column or docs.naming(name.shown, template=name.template):
                    continue
            path, changed = self.ctx.file.path, self.ctx.changed
            if computed_nearby(path, changed, name.shown, name.source):
                continue
            test_frame = candidate.receiver is not None and TEST_FRAME.search(
                candidate.receiver.rsplit(".", 1)[-1]
            )
            if test_frame and computed_nearby(path, changed, name.shown, name.source, side):
                continue
            found.append((candidate, entry))
        return sorted(found, key=lambda pair: self.first_line(pair[0].node))

    def _idle_lines(self) -> set[int]:
        """Lines of helpers this pull request adds and nothing it changes calls:
        their columns reach no model yet."""
        file = self.ctx.file
        if self.ctx.version == "base" or file.kind is not FileKind.PYTHON:
            return set()
        base = self.ctx.counterpart.text if self.ctx.counterpart is not None else None
        idle: set[int] = set()
        for scope in unwired(self.facts.functions, file.path, file.text, base, self.ctx.changed):
            first, last = self.position(scope.node)
            idle.update(range(first, last + 1))
        return idle

    @functools.cached_property
    def _comments_name_targets(self) -> bool:
        """Whether the file says "label" or "target" anywhere: a comment calling a column either must."""
        text = (self.ctx.file.python_text or "").lower()
        return "label" in text or "target" in text

    def _commented_as_target(self, node: libcst.CSTNode) -> bool:
        """The comment ending the column's line, or a comment
        line right above it, calls it the label or target."""
        if not self._comments_name_targets:
            return False
        line = self.first_line(node)
        lines = self.ctx.file.python_lines
        comments = [line_comment(lines[line - 1])] if line <= len(lines) else []
        if 2 <= line <= len(lines) + 1 and lines[line - 2].lstrip().startswith("#"):
            comments.append(lines[line - 2].strip())
        for comment in comments:
            text = comment.lstrip("#").strip().lower()
            if text and not NOT_A_TARGET_COMMENT.search(text) and TARGET_COMMENT.search(text):
                return True
        return False

    def _feast_fields(self, fields: list[Candidate], registry: FeatureRegistry) -> None:
        """Feast views are the feature registry: ask only for a `description=` on their fields, once per view.

        A separate registry file would duplicate the view's schema, so its absence is never
        reported here; a complete entry in one that exists still documents the field. The key
        names the view, so a push that adds another field does not repeat the comment.
        """
        by_view: dict[FeastView, list[Candidate]] = {}
        for candidate in fields:
            entry = registry.lookup(candidate.name.shown, template=False) if registry.sources else None
            if candidate.view is not None and (entry is None or entry.missing):
                by_view.setdefault(candidate.view, []).append(candidate)
        for view, undescribed in by_view.items():
            undescribed.sort(key=lambda candidate: self.first_line(candidate.node))
            names = listed(undescribed)
            count = f"{len(undescribed)} field{'s' if len(undescribed) > 1 else ''}"
            label = f"`{shown_name(view.name)}`" if view.name else "in this file"
            owner = (
                ""
                if view.owned
                else " It names no owner either (`owner=`, a `team` tag or a view `description=`)."
            )
            self.flag(
                undescribed[0].node,
                f"The Feast feature view {label} declares {count} without a `description=` ({names}).{owner} "
                "The view is the feature registry; "
                "a field nobody can explain cannot be debugged or safely removed later.",
                suggestion='Add `description="..."` to each `Field` (what it means, how it is computed)'
                + ("." if view.owned else ', and `owner=` or `tags={"team": ...}` to the view.'),
                key=f"feast-description:{view.name or self.ctx.file.path}",
            )

    def _not_a_feature(self, name: ColumnName, targets: set[str], excluded: set[str]) -> bool:
        shown = name.shown
        if (
            is_target(shown, targets)
            or is_identifier(shown)
            or is_timestamp(shown)
            or BOOKKEEPING.match(shown)
        ):
            return True
        if name.template:
            return any(fnmatch.fnmatchcase(dropped, name.glob) for dropped in excluded) or name.glob in {
                glob_of(d) for d in excluded
            }
        return shown.lower() in excluded

    def _report(
        self,
        undocumented: list[tuple[Candidate, RegistryEntry | None]],
        registry: FeatureRegistry,
        paths: list[str],
    ) -> None:
        """One finding per feature, keyed by its name so that
        a feature the base already had stays existing debt.

        A wide feature file would drown the review in comments that say the same
        thing, so past `MAX_FINDINGS` the last finding lists the rest; it is keyed
        by the file, so one more feature in a later push does not make it new.
        """
        single = undocumented if len(undocumented) <= MAX_FINDINGS else undocumented[: MAX_FINDINGS - 1]
        for candidate, entry in single:
            self._check(candidate, entry, registry, paths)
        rest = [candidate for candidate, _ in undocumented[len(single) :]]
        if rest:
            target = registry.sources[0] if registry.sources else paths[0]
            self.flag_span(
                rest[0].node,
                rest[-1].node,
                f"This file adds {len(rest)} more undocumented features ({listed(rest)}). "
                "A feature nobody owns or can explain cannot be debugged, trusted or safely removed later.",
                suggestion=f"Add each to `{target}` with a `description` and an `owner`, "
                "or define them in a README table.",
                key=f"more-features:{self.ctx.file.path}",
            )

    def _check(
        self, candidate: Candidate, entry: RegistryEntry | None, registry: FeatureRegistry, paths: list[str]
    ) -> None:
        message, suggestion = _explain(candidate.name, entry, registry, paths)
        self.flag(candidate.node, message, suggestion=suggestion, key=f"feature:{candidate.name.glob}")

    # --- SQL feature models ---------------------------------------------------

    def __init__(self, ctx: FileContext | None = None) -> None:
        # The engine builds Python visitors with a context and file rules (here: SQL models) without one.
        if ctx is not None:
            super().__init__(ctx)

    def check(self, ctx: FileContext) -> Iterable[Finding]:
        """Each new output column of a SQL feature model
        (`count(*) AS orders_30d`) is a feature like any other."""
        file = ctx.file
        if not file.path.lower().endswith(".sql") or not is_feature_path(file.path, ctx.options):
            return []
        targets = {name.lower() for name in option_names(ctx.options, "targets")}
        columns = [
            (ColumnName(alias, False), line)
            for alias, line in select_aliases(file.text)
            if not (
                is_target(alias, targets)
                or is_identifier(alias)
                or is_timestamp(alias)
                or BOOKKEEPING.match(alias)
            )
        ]
        if not columns:
            return []
        side: Side = "base" if ctx.version == "base" else "head"
        paths = list(option_names(ctx.options, "feature_registry")) or list(DEFAULT_REGISTRIES)
        registry = read_registry(ctx.repo, paths, side)
        docs = documents(ctx.repo, file.path, ctx.changed, side)
        findings = []
        for name, line in columns[:MAX_FINDINGS]:
            entry = registry.lookup(name.shown)
            if (entry is not None and not entry.missing) or (
                entry is None and (docs.notes_new_column or docs.naming(name.shown, template=False))
            ):
                continue
            message, suggestion = _explain(name, entry, registry, paths)
            context = file.lines[line - 1].strip() if line <= len(file.lines) else ""
            findings.append(
                self.make(
                    file.path,
                    line,
                    message,
                    suggestion=suggestion,
                    key=f"feature:{name.glob}",
                    context=context,
                )
            )
        return findings

    def may_find(self) -> bool:
        # Outside feature code only a Feast repository or a script
        # that trains on (or writes out) its frames counts.
        text = self.ctx.file.python_text or ""
        if self._is_feature_path() or "feast" in text:
            return True
        return any(library in text for library in FRAME_LIBRARIES) and any(
            word in text for word in MODEL_DATA_WORDS
        )

    def _scope(self) -> str | None:
        """`features` for feature code, `model-data` for a script that
        trains on its frames or writes them out as a dataset.

        A column created in a training or data-preparation script is a model input
        as much as one in a feature module, but there lists of column names mostly
        pick existing columns (which to encode how), so only created columns count.
        """
        if self._is_feature_path():
            return "features"
        imports = self.facts.imports
        if imports.uses("feast") and any(site.method in FEAST_VIEWS for site in self.facts.all_calls()):
            return "features"
        if imports.uses(*FRAME_LIBRARIES) and any(
            site.method in MODEL_DATA_CALLS or model_fit(site, imports) for site in self.facts.all_calls()
        ):
            return "model-data"
        return None

    def _is_feature_path(self) -> bool:
        return is_feature_path(self.ctx.file.path, self.ctx.options)


def _explain(
    name: ColumnName, entry: RegistryEntry | None, registry: FeatureRegistry, paths: list[str]
) -> tuple[str, str]:
    """The message and suggestion: what the feature lacks, and where its entry should go."""
    shown = shown_name(name.shown)
    kind = "family of features" if name.template else "feature"
    target = registry.sources[0] if registry.sources else paths[0]
    if entry is not None:
        missing = " and ".join(entry.missing)
        message = (
            f"The {kind} `{shown}` is listed in `{entry.source}` but its entry has no {missing}. "
            "A feature nobody owns or can explain cannot be debugged, trusted or safely removed later."
        )
    elif registry.sources:
        message = (
            f"The new {kind} `{shown}` has no entry in the feature registry "
            f"(`{'`, `'.join(registry.sources)}`), "
            "and no README or data dictionary names it. "
            "A feature nobody owns or can explain cannot be debugged, trusted or safely removed later."
        )
    else:
        message = (
            f"The new {kind} `{shown}` is not documented: no README, "
            "data dictionary or schema file names it, and the "
            f"repository has no feature registry (looked for `{'`, `'.join(paths)}`, "
            "set by `feature_registry` in "
            ".github/mldebt.yml). A feature nobody owns or can explain cannot be debugged, "
            "trusted or safely removed later."
        )
    suggestion = (
        f"Add `{shown}` to `{target}` with a `description` (what it means, how it is computed) and an `owner`"
    )
    return message, suggestion + (
        "." if registry.sources or entry is not None else ", or define it in a README table."
    )
