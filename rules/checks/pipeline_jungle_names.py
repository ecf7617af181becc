"""Which file names read as a copy of another:
the tags people add (`_v2`, `_final`, ` copy`, `(1)`, `V2`, `.bak`).

Kept apart from the rule so that the naming conventions, the part most likely to
grow, can be read and tested on their own.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Collection
from dataclasses import dataclass

# Tags people append to a file they copied instead of changing the original.
STRONG_TAG = re.compile(
    r"(?P<base>.+?)[ _.\-]+"
    r"(?P<tag>v\d+|new|fixed|fix|old|final|backup|bak|copy|tmp|temp|orig|original|updated|wip)",
    re.IGNORECASE,
)
# A bare number (`train2`, `train_2`) is a weaker hint: `stage2.py` may be a real second stage.
NUMBER_TAG = re.compile(r"(?P<base>.*[A-Za-z])[ _\-]*(?P<tag>\d+)")
PAREN_TAG = re.compile(r"(?P<base>.+?)\s*\((?P<tag>\d+)\)")
# camelCase names tag without a separator: `trainV2`, `modelNew`. Case-sensitive, so `Server` keeps its `er`.
CAMEL_TAG = re.compile(
    r"(?P<base>.*[a-z0-9])(?P<tag>V\d+|New|Old|Final|Backup|Copy|Fixed|Updated|Orig|Original|Tmp|Temp|Wip)"
)
# A backup of a whole file name (`train.py.bak`, `params.yaml.orig`, `serve.py~`):
# no parser reads it, its name says it all.
BACKUP_SUFFIX = re.compile(r"(?P<original>.+\.\w+)(?:\.(?:bak|backup|orig|old|save|copy)|~)", re.IGNORECASE)
COPY_OF = re.compile(r"copy[ _\-]of[ _\-](?P<base>.+)", re.IGNORECASE)
# `train_v2_final_copy` is rare beyond three tags; the bound keeps the loop obviously finite.
MAX_TAGS = 3


@dataclass(frozen=True)
class Variant:
    original: str
    strong: bool
    folder: str = ""
    original_folder: str = ""


def strip_tags(name: str) -> list[tuple[str, bool]]:
    """Names this one may be a copy of, nearest first,
    each with whether a tag beyond a bare number was cut."""
    stems: list[tuple[str, bool]] = []
    stripped, strong = name, False
    for _ in range(MAX_TAGS):
        match = (
            COPY_OF.fullmatch(stripped)
            or STRONG_TAG.fullmatch(stripped)
            or PAREN_TAG.fullmatch(stripped)
            or CAMEL_TAG.fullmatch(stripped)
        )
        if match:
            strong = True
        else:
            match = NUMBER_TAG.fullmatch(stripped)
            if not match:
                break
        stripped = match["base"].rstrip(" _.-")
        if not stripped:
            break
        stems.append((stripped, strong))
    return stems


def _split(name: str) -> tuple[str, str]:
    stem, suffix = posixpath.splitext(name)
    return (name, "") if name.lower().startswith("dockerfile") and suffix else (stem, suffix)


def name_variant(path: str, existing: Collection[str]) -> Variant | None:
    """The existing file this path is a tagged copy of, by file name or by a copied folder."""
    folder, name = posixpath.split(path)
    stem, suffix = _split(name)
    for base, strong in strip_tags(stem):
        original = posixpath.join(folder, base + suffix)
        family = {posixpath.join(folder, f"{base}{separator}v1{suffix}") for separator in ("", "_", "-", ".")}
        if original in existing and not any(member in existing for member in family):
            return Variant(original, strong)
    parts = path.split("/")
    for index, part in enumerate(parts[:-1]):
        for base, strong in strip_tags(part):
            original = "/".join([*parts[:index], base, *parts[index + 1 :]])
            if original in existing:
                return Variant(
                    original, strong, "/".join(parts[: index + 1]), "/".join([*parts[:index], base])
                )
    return None
