"""Where a feature is documented, or shown not to be new, outside a feature registry.

Most repositories never start a registry file; they define their features in a
README table, a data dictionary or a dbt-style `schema.yml`. A feature named
there is documented. A pull request may also document its feature in prose it
adds to the README ("a new column marks rows from the original data"), which a
reviewer accepts though no name matches. And a column that a neighbouring
module the pull request changes created before it was moved, not added; one
a neighbour creates at the head is mirrored by a test frame's copy of it.

Folder listings and documents are read once per review (cached per repository
view), at the head only; the base side of a document the pull request changes,
and every changed module, come with the review's own contents.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
import weakref
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TypeVar

from rules.feature_registry import glob_of
from rules.repo import RepoView, Side
from rules.rule import ChangedContent

V = TypeVar("V")

# Files whose prose can define a feature, looked for in the file's folder, each folder above it and `docs/`.
DOC_FILES = frozenset(
    {
        "readme.md",
        "readme.rst",
        "readme.txt",
        "readme",
        "features.md",
        "features.yaml",
        "features.yml",
        "schema.yml",
        "schema.yaml",
        "data_dictionary.md",
        "data_dictionary.yaml",
        "data_dictionary.yml",
        "data_dictionary.csv",
        "data-dictionary.md",
        "dictionary.md",
    }
)
# Changed modules read for a moved feature: enough for a refactor, not a monorepo-wide rename.
MAX_NEIGHBOURS = 40
# A step moved into `src/pipeline/steps/` from `src/main.py` is two folders down.
NEIGHBOUR_LEVELS = 3
MAX_DOC_CHARS = 400_000
# A task list item records that work was done, not what a column means.
_CHECKLIST = re.compile(r"^\s*(?:[-*+]|\d+\.)\s+\[[ xX]\]")
_FENCE = re.compile(r"^\s*(?:```|~~~)")
# Added prose that speaks of a new column: "with a new column indicating its origin",
# "two extra feature columns". A bare "new feature" is left out: in a README it as often means
# something the software can now do.
_NEW_COLUMN_NOTE = re.compile(
    r"\b(?:new|added|extra|additional)\s+(?:[\w-]+\s+){0,2}?(?:column|variable)s?\b", re.IGNORECASE
)
_TOKEN = re.compile(r"[\w{}<>*]+")
_PLACEHOLDER = re.compile(r"\{[^}]*\}|<[^>]*>|\*")
# A short name ("v1", "age") is documented only where it is set apart: a code span or a table cell.
SHORT_NAME = 4
# A family's concrete member in the docs (`lag_7` for `lag_{n}`) counts when the fixed part is this long.
MIN_FAMILY_STEM = 5


@dataclass(frozen=True)
class Documents:
    """The prose that may define features for one file:
    (path, cleaned text) pairs, and whether the PR adds a new-column note."""

    texts: tuple[tuple[str, str], ...]
    notes_new_column: str | None

    def naming(self, name: str, *, template: bool) -> str | None:
        """The document that names the feature (or its family), if any."""
        for path, text in self.texts:
            if _names(text, name, template=template):
                return path
        return None


_DOCS: weakref.WeakKeyDictionary[RepoView, dict[tuple[str, Side], list[tuple[str, str]]]] = (
    weakref.WeakKeyDictionary()
)


def _cache(store: weakref.WeakKeyDictionary[RepoView, V], repo: RepoView, empty: V) -> V:
    try:
        return store.setdefault(repo, empty)
    except TypeError:  # a repo view without weak references is read every time
        return empty


def folders_above(path: str) -> list[str]:
    folders = []
    folder = posixpath.dirname(path)
    while True:
        folders.append(folder)
        if not folder:
            return folders
        folder = posixpath.dirname(folder)


def documents(repo: RepoView, path: str, changed: Sequence[ChangedContent], side: Side) -> Documents:
    """The documents around `path` at `side`, and whether the pull request adds a new-column note to one.

    Only the head's folders are listed and read: a document the pull request
    does not change is the same at the base, and one it changes comes with the
    review's contents. So the bot lists each folder once, at the head.
    """
    folders = [*folders_above(path), "docs"]
    cache = _cache(_DOCS, repo, {})
    missing = [folder for folder in folders if (folder, "head") not in cache]
    listings = repo.list_dirs(missing, "head") if missing else {}
    texts = [item for folder in folders for item in _docs_in(repo, folder, "head", listings.get(folder))]
    touched = {
        item.path: item
        for item in changed
        if posixpath.dirname(item.path) in folders and posixpath.basename(item.path).lower() in DOC_FILES
    }
    if side == "base":
        kept = [(doc_path, text) for doc_path, text in texts if doc_path not in touched]
        before = [(item.path, _side(repo, item, "base")) for item in touched.values()]
        return Documents(
            tuple(kept + [(doc_path, _prose(text[:MAX_DOC_CHARS])) for doc_path, text in before if text]),
            None,
        )
    note = next((item.path for item in touched.values() if _adds_column_note(repo, item)), None)
    return Documents(tuple(texts), note)


def _side(repo: RepoView, item: ChangedContent, side: Side) -> str:
    """A changed document's text; the engine loads only files
    some rule reads, so a README is read on demand."""
    data = item.base if side == "base" else item.head
    if item.base is None and item.head is None:
        return repo.read_text(item.path, side) or ""
    return _text(data)


def _text(data: str | bytes | None) -> str:
    return data.decode("utf-8", "replace") if isinstance(data, bytes) else data or ""


def _adds_column_note(repo: RepoView, item: ChangedContent) -> bool:
    """Prose the pull request adds to a document (lines new at head) that speaks of a new column."""
    cache = _cache(_NOTES, repo, {})
    if item.path in cache:
        return cache[item.path]
    before = {line.strip() for line in _prose(_side(repo, item, "base")).splitlines()}
    added = [
        line
        for line in _prose(_side(repo, item, "head")).splitlines()
        if line.strip() and line.strip() not in before
    ]
    cache[item.path] = any(_NEW_COLUMN_NOTE.search(line) for line in added)
    return cache[item.path]


def _docs_in(
    repo: RepoView, folder: str, side: Side, listing: Collection[str] | None
) -> list[tuple[str, str]]:
    cache = _cache(_DOCS, repo, {})
    key = (folder, side)
    if key not in cache:
        found = []
        for doc_path in sorted(listing if listing is not None else repo.list_dir(folder, side)):
            if posixpath.basename(doc_path).lower() in DOC_FILES:
                text = repo.read_text(doc_path, side)
                if text:
                    found.append((doc_path, _prose(text[:MAX_DOC_CHARS])))
        cache[key] = found
    return cache[key]


def _prose(text: str) -> str:
    """The text without fenced code (a usage example defines nothing) and without task-list items."""
    kept = []
    fenced = False
    for line in text.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced and not _CHECKLIST.match(line):
            kept.append(line)
    return "\n".join(kept)


def _names(text: str, name: str, *, template: bool) -> bool:
    if template:
        wanted = glob_of(name)
        stem = wanted.replace("*", "")
        for token in _TOKEN.findall(text):
            lowered = token.lower()
            if _PLACEHOLDER.search(lowered) and glob_of(lowered) == wanted:
                return True
            if len(stem) >= MIN_FAMILY_STEM and fnmatch.fnmatchcase(lowered, wanted):
                return True
        return False
    spelled = re.escape(name).replace("_", "[_ -]")
    if len(name) < SHORT_NAME:
        return re.search(rf"`{spelled}`|\|\s*{spelled}\s*\|", text, re.IGNORECASE) is not None
    return re.search(rf"(?<![\w-]){spelled}(?![\w-])", text, re.IGNORECASE) is not None


def computed_nearby(
    path: str, changed: Sequence[ChangedContent], name: str, source: str | None, side: Side = "base"
) -> bool:
    """Whether another Python module the pull request changes,
    near `path` (its folder or the two above), creates the column at `side`.

    At the base that means the column was moved or mirrored, not added; at the
    head, for a test or inference frame, that it is the counterpart of a column
    the training code creates, and the finding belongs there. Only changed
    modules can be where a moved line came from, and their contents come with
    the review, so this reads nothing from the repository.
    """
    folders = set(folders_above(path)[:NEIGHBOUR_LEVELS])
    wanted = source if source is not None else name
    neighbours = [
        item
        for item in changed
        if item.path != path and item.path.endswith(".py") and item.path.rpartition("/")[0] in folders
    ]
    return any(wanted in _created_by(item, side) for item in neighbours[:MAX_NEIGHBOURS])


_NOTES: weakref.WeakKeyDictionary[RepoView, dict[str, bool]] = weakref.WeakKeyDictionary()
_CREATED: weakref.WeakKeyDictionary[object, dict[Side, frozenset[str]]] = weakref.WeakKeyDictionary()


def _created_by(item: ChangedContent, side: Side) -> frozenset[str]:
    """The columns a module creates: one scan per module and side, then set lookups per candidate."""
    try:
        cache = _CREATED.setdefault(item, {})
    except TypeError:
        cache = {}
    if side not in cache:
        cache[side] = _created(_text(item.base if side == "base" else item.head))
    return cache[side]


# `df["x"] = ` / `df[f"x_{n}"] = `, `.alias("x")`, `.withColumn("x", ...)`, and `assign(x=...)` keywords.
_WRITTEN = re.compile(r"""\[\s*(?:(['"])([^'"\n]+)\1|(f(['"])[^'"\n]+\4))\s*\]\s*=(?!=)""")
_ALIASED = re.compile(r"""\b(?:alias|withColumn|with_column)\(\s*(['"])([^'"\n]+)\1""")
_ASSIGNED = re.compile(r"\bassign\(([^)]*)\)")
_KEYWORD = re.compile(r"\b([A-Za-z_]\w*)\s*=(?!=)")


def _created(text: str) -> frozenset[str]:
    """Names and f-strings the module writes as columns, comment lines left out:
    commented-out code computes nothing."""
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    names = {match[2] or match[3] for match in _WRITTEN.finditer(code)}
    names.update(match[2] for match in _ALIASED.finditer(code))
    for call in _ASSIGNED.finditer(code):
        names.update(_KEYWORD.findall(call[1]))
    return frozenset(names)
