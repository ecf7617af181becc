"""What a dependency manifest asks for: pip requirement lines, conda environments and pyproject tables,
each read into the same `Requirement` (name, spec, pinned or not, where it is written).

unpinned-dependencies judges the requirements; this module only reads them, so a new manifest format
is one more reader here and no change to the rule.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

# A dev, test, lint or docs manifest: the file name's words (`requirements-dev.txt`, `requirements/test.txt`),
# a Poetry group, or a conda environment's name.
DEV_WORDS = frozenset(
    {
        "dev",
        "devel",
        "develop",
        "development",
        "test",
        "tests",
        "testing",
        "lint",
        "linting",
        "docs",
        "doc",
        "typing",
    }
)
NAME = re.compile(
    r"^(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?P<extras>\[[^\]]*\])?\s*(?P<rest>.*)$"
)
VCS_PREFIXES = ("git+", "hg+", "svn+", "bzr+")
PINNED_REF = re.compile(r"[0-9a-f]{7,40}|v?\d+(\.\d+)+([-.]?\w+)?", re.IGNORECASE)
MOVING_ARCHIVE = re.compile(
    r"/archive/(refs/heads/)?(main|master|develop|dev|head)\.(zip|tar\.gz)$", re.IGNORECASE
)
LOCAL_PREFIXES = (".", "/", "file:", "~")
# Shown in backticks in the message; long URLs are cut so the comment stays readable.
MAX_SHOWN = 60
PUBLISHED_KEYS = frozenset({"classifiers", "license", "urls", "homepage", "repository"})
POETRY_SECTIONS = re.compile(r"tool\.poetry\.(dev-dependencies|dependencies|group\.[^.]+\.dependencies)")
POETRY_DEV_SECTION = re.compile(r"tool\.poetry\.(?:dev-dependencies|group\.(?P<group>[^.]+)\.dependencies)")

HASHED = (
    "pandas==2.2.1 \\\n    --hash=sha256:8f2ab7a2c3e4d5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0\n"
)


@dataclass(frozen=True)
class Requirement:
    line: int
    text: str
    name: str
    spec: str
    pinned: bool
    dev: bool = False


def canonical(name: str) -> str:
    """PEP 503 name, so `Scikit_Learn` and `scikit-learn` are the same package."""
    return re.sub(r"[-_.]+", "-", name).lower()


def shown(text: str) -> str:
    text = " ".join(text.replace("`", "'").split())
    return f"`{text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + '…'}`"


def _url_pinned(url: str) -> bool:
    url = url.split("#", 1)[0].strip()
    if url.startswith(VCS_PREFIXES):
        rest = url.split("://", 1)[-1]
        path = rest.split("/", 1)[1] if "/" in rest else ""
        ref = path.rsplit("@", 1)[1] if "@" in path else ""
        return bool(PINNED_REF.fullmatch(ref))
    return not MOVING_ARCHIVE.search(url)


def _is_local(target: str) -> bool:
    return target.startswith(LOCAL_PREFIXES) or (
        "://" not in target and ("/" in target or target.endswith((".whl", ".tar.gz", ".zip")))
    )


def parse_pip_line(text: str, line: int) -> Requirement | None:
    """One requirement from a pip line (options and local paths give None)."""
    hashed = "--hash" in text
    text = (
        re.split(r"\s--?[a-z]", " " + text, maxsplit=1)[0].strip()
        if not text.lstrip().startswith("-")
        else text.strip()
    )
    if text.startswith(("-e ", "--editable")):
        target = text.split(None, 1)[1].strip() if " " in text else text.split("=", 1)[-1]
        text = target.strip()
    elif text.startswith("-"):
        return None
    if not text or _is_local(text):
        return None
    if text.startswith(VCS_PREFIXES) or "://" in text.split("@", 1)[0]:
        match = re.search(r"[#&]egg=([A-Za-z0-9._-]+)", text)
        name = match[1] if match else text.rsplit("/", 1)[-1].split("@", 1)[0].removesuffix(".git")
        return Requirement(line, text, canonical(name), text.split("#", 1)[0], hashed or _url_pinned(text))
    match = NAME.match(text)
    if not match:
        return None
    rest = match["rest"].strip()
    if rest.startswith("@"):
        url = rest[1:].split(" ;", 1)[0].strip()
        if _is_local(url):
            return None
        return Requirement(line, text, canonical(match["name"]), "@" + url, hashed or _url_pinned(url))
    spec = rest.split(";", 1)[0].strip().strip("()").replace(" ", "")
    clauses = sorted(part for part in spec.split(",") if part)
    exact = any(
        clause.startswith("===") or (clause.startswith("==") and "*" not in clause) for clause in clauses
    )
    return Requirement(line, text, canonical(match["name"]), ",".join(clauses), hashed or exact)


def pip_requirements(lines: list[str], first_line: int = 1) -> Iterator[Requirement]:
    """Requirements of a pip requirements file, with continuation lines joined."""
    pending: list[str] = []
    start = first_line
    for number, raw in enumerate(lines, start=first_line):
        text = re.sub(r"(^|\s)#.*$", "", raw).rstrip()
        if not pending:
            start = number
        if text.endswith("\\"):
            pending.append(text[:-1])
            continue
        pending.append(text)
        joined = " ".join(part.strip() for part in pending).strip()
        pending = []
        if joined:
            requirement = parse_pip_line(joined, start)
            if requirement is not None:
                yield requirement


def constrained(lines: list[str]) -> bool:
    return any(re.match(r"\s*(-c|--constraint)[\s=]", line) for line in lines)


def _conda_requirement(text: str, line: int) -> Requirement | None:
    spec = text.split("::", 1)[-1].split("#", 1)[0].strip()
    match = re.match(r"^(?P<name>[A-Za-z0-9_.\-]+)\s*(?P<rest>.*)$", spec)
    if not match or canonical(match["name"]) == "pip":
        return None
    rest = match["rest"].replace(" ", "")
    bare_version = bool(re.match(r"\d", rest))
    exact = (rest.startswith("=") or bare_version) and not re.search(r"[*<>!|,]", rest)
    return Requirement(line, text, canonical(match["name"]), rest, exact)


def conda_requirements(document: Any, git_line: Callable[[int], int]) -> Iterator[Requirement]:
    """`git_line` maps ruamel's line numbers to git's (they differ where a lone `\\r` ends a line)."""
    dependencies = document.get("dependencies") if isinstance(document, Mapping) else None
    if not isinstance(dependencies, list):
        return
    for index, item in enumerate(dependencies):
        line = git_line(_yaml_line(dependencies, index))
        if isinstance(item, str):
            requirement = _conda_requirement(item, line)
            if requirement is not None:
                yield requirement
        elif isinstance(item, Mapping) and isinstance(item.get("pip"), list):
            pip_list = item["pip"]
            for pip_index, pip_item in enumerate(pip_list):
                if isinstance(pip_item, str):
                    requirement = parse_pip_line(pip_item, git_line(_yaml_line(pip_list, pip_index)))
                    if requirement is not None:
                        yield requirement


def _yaml_line(sequence: Any, index: int) -> int:
    try:
        return int(sequence.lc.item(index)[0]) + 1
    except (AttributeError, KeyError, IndexError, TypeError):
        return 1


def _sections(lines: list[str]) -> list[tuple[str, int, int]]:
    """(table name, first line index, end index) of each TOML table header."""
    headers = [
        (match[1].strip().replace('"', "").replace("'", ""), index)
        for index, line in enumerate(lines)
        if (match := re.match(r"^\s*\[\[?([^\[\]]+)\]\]?\s*(#.*)?$", line))
    ]
    return [
        (name, start, headers[position + 1][1] if position + 1 < len(headers) else len(lines))
        for position, (name, start) in enumerate(headers)
    ]


def _find_string(lines: list[str], value: str, start: int, end: int, taken: set[int]) -> int:
    needles = (json.dumps(value), f"'{value}'")
    for index in range(start, end):
        if index not in taken and any(needle in lines[index] for needle in needles):
            taken.add(index)
            return index + 1
    return start + 1


def _poetry_pinned(value: Any) -> bool:
    if isinstance(value, str):
        text = value.strip().replace(" ", "")
        return bool(text) and "*" not in text and (text.startswith("==") or bool(re.match(r"\d", text)))
    if isinstance(value, Mapping):
        if "path" in value:
            return True
        if "git" in value:
            return bool(value.get("rev") or value.get("tag"))
        if "url" in value:
            return _url_pinned(str(value["url"]))
        return _poetry_pinned(value.get("version", ""))
    if isinstance(value, list):
        return bool(value) and all(_poetry_pinned(item) for item in value)
    return True


def _poetry_spec(value: Any) -> str:
    if isinstance(value, Mapping):
        return str(
            value.get("version")
            or value.get("rev")
            or value.get("tag")
            or value.get("branch")
            or value.get("git")
            or ""
        )
    if isinstance(value, list):
        return "|".join(_poetry_spec(item) for item in value)
    return str(value)


def _published(table: Mapping[str, Any]) -> bool:
    """Package metadata means the project is installed into other environments, where ranges are right."""
    return bool(PUBLISHED_KEYS & set(table))


def pyproject_requirements(document: Any, lines: list[str]) -> Iterator[Requirement]:
    """`[project] dependencies` and Poetry dependency tables, skipped for published libraries."""
    if not isinstance(document, Mapping):
        return
    sections = _sections(lines)
    project = document.get("project")
    if (
        isinstance(project, Mapping)
        and not _published(project)
        and isinstance(project.get("dependencies"), list)
    ):
        start, end = next(
            ((first, last) for name, first, last in sections if name == "project"), (0, len(lines))
        )
        taken: set[int] = set()
        for item in project["dependencies"]:
            if isinstance(item, str):
                requirement = parse_pip_line(item, _find_string(lines, item, start, end, taken))
                if requirement is not None:
                    yield requirement
    poetry = document.get("tool", {}).get("poetry") if isinstance(document.get("tool"), Mapping) else None
    if not isinstance(poetry, Mapping) or _published(poetry):
        return
    for name, start, end in sections:
        if not POETRY_SECTIONS.fullmatch(name):
            continue
        table: Any = document
        for part in name.split("."):
            table = table.get(part, {}) if isinstance(table, Mapping) else {}
        if not isinstance(table, Mapping):
            continue
        for package, value in table.items():
            if canonical(package) == "python":
                continue
            line = next(
                (
                    index + 1
                    for index in range(start, end)
                    if re.match(rf"""^\s*["']?{re.escape(package)}["']?\s*=""", lines[index])
                ),
                start + 1,
            )
            spec = _poetry_spec(value)
            yield Requirement(
                line,
                f"{package} = {spec}",
                canonical(package),
                spec,
                _poetry_pinned(value),
                _poetry_dev(name),
            )


def _poetry_dev(section: str) -> bool:
    """Poetry's old `dev-dependencies` table, or a group named like one (`dev`, `test`, `lint`, `docs`)."""
    match = POETRY_DEV_SECTION.fullmatch(section)
    return match is not None and (match["group"] is None or match["group"].lower() in DEV_WORDS)
