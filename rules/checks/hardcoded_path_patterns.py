"""What a machine-specific absolute path looks like in text: home folders, cluster mounts, drives, shares.

hardcoded-path asks this of Python strings, config lines and shell commands
alike, and its tests ask it directly; the patterns are the part that decides
precision, so they are kept apart from the rule's traversal of each file kind.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# Home directories of CI runners and stock container images, and placeholders in examples.
_GENERIC_USER = (
    r"(?:runner|jovyan|vscode|node|circleci|user|username|yourname|your_name|you|me|USER|USERNAME)\b"
)
# Layout words under `/data` that describe a container or project layout, not a person or a site.
_DATA_LAYOUT = frozenset(
    {
        "raw",
        "processed",
        "interim",
        "external",
        "input",
        "inputs",
        "output",
        "outputs",
        "train",
        "training",
        "test",
        "val",
        "valid",
        "validation",
        "models",
        "model",
        "features",
        "cache",
        "datasets",
        "dataset",
        "images",
        "imgs",
        "img",
        "db",
        "logs",
        "artifacts",
        "checkpoints",
        "ckpt",
        "tmp",
        "public",
        "landing",
        "bronze",
        "silver",
        "gold",
        "staging",
        "results",
        "exports",
        "uploads",
        "downloads",
        "samples",
        "labels",
        "annotations",
        "embeddings",
        "config",
        "configs",
        "shared",
    }
)
_SEGMENT = r"[\w.@-]+"
_BOUNDARY = r"(?:^|(?<=[\s\"'=:,;(\[{@<>|`])|(?<=file://))"
_POSIX = re.compile(
    _BOUNDARY
    + r"(?P<path>/(?:"
    + rf"home/(?!{_GENERIC_USER}){_SEGMENT}|Users/(?!(?:Shared|{_GENERIC_USER})){_SEGMENT}|"
    + rf"(?:mnt|scratch\w*|gpfs\w*|lustre\w*|nfs\w*|fsx|efs|dbfs|afs)/{_SEGMENT}|"
    + rf"Volumes/{_SEGMENT}|Workspace/Users/{_SEGMENT}|content/drive/{_SEGMENT}|"
    # Prefixes that are also common URL paths (`/media/uploads`, `/groups/42`, `/data/tweets/`)
    # need two more folders. `/project`, `/projects` and `/work` are left out:
    # as often a container's WORKDIR as an HPC allocation.
    + rf"(?:media|shared|cluster|storage|net|groups)/{_SEGMENT}/{_SEGMENT}|"
    + rf"data/(?P<data>{_SEGMENT})/{_SEGMENT}"
    # A colon ends a POSIX path: `$PATH` lists and `host:container` volume pairs.
    + r")(?:/[^\s\"'`,;:()\[\]{}<>|]*)?)"
)
_WINDOWS = re.compile(
    r"(?<![\w\\/])(?P<path>[A-Za-z]:(?:\\\\|\\|/)+"
    r"(?:Users|Documents and Settings|[^\\/\s\"':*?<>|]+(?:\\\\|\\|/))"
    r"[^\s\"'`,;*?<>|]*)"
    r"|(?<![\w\\])(?P<unc>\\{2,}[\w.-]+\\+[\w.$-]+[^\s\"'`,;*?<>|]*)"
)
# A whole Python string literal that is a Windows path may have spaces
# in its folders (`D:/ML Notebooks/x.csv`, `C:\\Users\\John Doe\\data.csv`).
# A space in the last part is taken only before a file extension or a separator:
# `C:/data/x.csv not found` is a message about a path, and is cut at the space as in prose.
_WINDOWS_LITERAL = re.compile(
    r"[A-Za-z]:(?:\\\\|\\|/)+(?:[^\\/\"*?<>|:\n]+(?:\\\\|\\|/)+)+"
    r"(?:[^\\/\"*?<>|:\n]*\.[A-Za-z0-9]{1,8}|[^\\/\s\"*?<>|:]*)"
)
# Installed software, the same on every Windows machine; only reachable with its space, so only here.
_PROGRAM_FILES = re.compile(r"[A-Za-z]:[\\/]+Program Files\b", re.IGNORECASE)
_OTHER_HOME = re.compile(r"(?:^|(?<=[\s\"'=:,;(\[{]))(?P<path>~[a-z_][\w.-]*/[^\s\"'`,;()\[\]{}<>|]*)")


def find_paths(text: str, literal: bool = False) -> Iterator[tuple[int, str]]:
    """(offset, path) for every machine- or site-specific absolute path in the text.

    `literal` says the text is a whole string literal, where a Windows path may contain
    spaces; in comments, commands and prose a space still ends a path.
    """
    if literal and " " in text and _WINDOWS_LITERAL.fullmatch(text) and not _PROGRAM_FILES.match(text):
        yield 0, text
        return
    windows: list[tuple[int, str]] = []
    for match in _WINDOWS.finditer(text):
        start = match.start("path") if match.group("path") else match.start("unc")
        windows.append((start, match.group("path") or match.group("unc")))
    for match in _POSIX.finditer(text):
        layout = match.group("data")
        if layout is not None and layout.lower() in _DATA_LAYOUT:
            continue
        # `C:/Users/bob/x` holds `/Users/bob/x`: one path, already reported as the Windows one.
        if any(start <= match.start("path") < start + len(path) for start, path in windows):
            continue
        yield match.start("path"), match.group("path").rstrip("\\")
    yield from windows
    for match in _OTHER_HOME.finditer(text):
        yield match.start("path"), match.group("path")
