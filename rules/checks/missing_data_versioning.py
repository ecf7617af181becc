"""missing-data-versioning: datasets and model weights committed straight into git.

Git keeps every byte of every version forever and says nothing about which data
trained which model; DVC or Git LFS keep a small pointer in git instead.
"""

from __future__ import annotations

import io
import posixpath
import re
from collections.abc import Collection, Iterable, Iterator
from functools import cache

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from rules.finding import Finding, Severity
from rules.repo import RepoView
from rules.rule import Case, ChangeContext, ChangeRule, register
from rules.source import FileKind, is_test_path

DATA_SUFFIXES = frozenset(
    {
        ".csv",
        ".tsv",
        ".parquet",
        ".feather",
        ".arrow",
        ".h5",
        ".hdf5",
        ".hdf",
        ".pkl",
        ".pickle",
        ".joblib",
        ".npy",
        ".npz",
        ".pt",
        ".pth",
        ".ckpt",
        ".safetensors",
        ".onnx",
        ".tflite",
        ".gguf",
        ".tfrecord",
        ".tfrecords",
        ".avro",
        ".orc",
        ".jsonl",
        ".keras",
    }
)
TEXT_SUFFIXES = frozenset({".csv", ".tsv", ".jsonl"})
COMPRESSION_SUFFIXES = frozenset({".gz", ".bz2", ".xz", ".zst"})
MODEL_DIRS = frozenset(
    {"model", "models", "checkpoint", "checkpoints", "ckpt", "ckpts", "weights", "pretrained", "artifacts"}
)
FIXTURE_DIRS = frozenset({"tests", "test", "testing", "fixtures", "testdata", "test_data", "__snapshots__"})
LFS_POINTER = "version https://git-lfs.github.com/spec/"
# A label map or a 100-row sample is fine in git; real training data is larger. Below
# this size a readable text table is left alone (binary formats have no size check).
TEXT_DATA_MIN_BYTES = 100_000
# The message names a few files; the PR's file list has the rest.
LISTED_FILES = 3

_CASE_CSV = "user_id,age,spend\n" + "".join(f"{i},{20 + i % 50},{i * 3.5:.2f}\n" for i in range(8000))
_SMALL_CSV = "label,name\n0,cat\n1,dog\n"
_TRAIN = "import pandas as pd\n\ndf = pd.read_csv('data/train.csv')\n"
_PARQUET = b"PAR1\x15\x00\x15\x1c\x00\x00\x00binary"


def _code(text: str) -> str:
    """A path as inline code: short, and unable to break out of its backticks."""
    text = text.replace("`", "'")
    return f"`{text if len(text) <= 80 else '…' + text[-79:]}`"


def _suffixes(path: str) -> tuple[str, str]:
    name = posixpath.basename(path).lower()
    stem, suffix = posixpath.splitext(name)
    if suffix in COMPRESSION_SUFFIXES:
        stem, suffix = posixpath.splitext(stem)
    return stem, suffix


def _is_data_path(path: str) -> bool:
    stem, suffix = _suffixes(path)
    if suffix in DATA_SUFFIXES:
        return True
    if suffix == ".bin":
        folders = {part.lower() for part in path.split("/")[:-1]}
        return bool(folders & MODEL_DIRS) or "model" in stem
    return False


def _is_fixture(path: str) -> bool:
    return is_test_path(path) or bool({part.lower() for part in path.split("/")[:-1]} & FIXTURE_DIRS)


@cache
def _glob_regex(pattern: str) -> re.Pattern[str]:
    """gitattributes glob to regex: `*` stays inside one folder, `**` crosses folders."""
    out = []
    index = 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            out.append("(?:.*/)?")
            index += 3
        elif pattern.startswith("**", index):
            out.append(".*")
            index += 2
        elif pattern[index] == "*":
            out.append("[^/]*")
            index += 1
        elif pattern[index] == "?":
            out.append("[^/]")
            index += 1
        elif pattern[index] == "[" and "]" in pattern[index + 1 :]:
            end = pattern.index("]", index + 1)
            members = pattern[index + 1 : end]
            out.append("[" + ("^" + members[1:] if members.startswith("!") else members) + "]")
            index = end + 1
        else:
            out.append(re.escape(pattern[index]))
            index += 1
    return re.compile("".join(out) + r"\Z")


def _lfs_rules(repo: RepoView, paths: Collection[str]) -> list[tuple[str, str, bool]]:
    """(folder, pattern, is LFS) for every filter line of every `.gitattributes`, shallow first."""
    found = []
    attribute_files = sorted(
        (path for path in paths if posixpath.basename(path) == ".gitattributes"), key=lambda p: p.count("/")
    )
    for attributes in attribute_files:
        folder = posixpath.dirname(attributes)
        for line in (repo.read_text(attributes, "head") or "").splitlines():
            parts = line.split()
            if not parts or parts[0].startswith("#"):
                continue
            for attribute in parts[1:]:
                if attribute.startswith("filter=") or attribute in ("-filter", "!filter"):
                    found.append((folder, parts[0], attribute == "filter=lfs"))
    return found


def _lfs_tracked(path: str, rules: list[tuple[str, str, bool]]) -> bool:
    tracked = False
    for folder, pattern, is_lfs in rules:
        if folder and not path.startswith(folder + "/"):
            continue
        relative = path[len(folder) + 1 :] if folder else path
        subject = relative if "/" in pattern.strip("/") else posixpath.basename(relative)
        if _glob_regex(pattern.lstrip("/")).match(subject):
            tracked = is_lfs
    return tracked


def _dvc_outputs(repo: RepoView, paths: Collection[str]) -> set[str]:
    """Paths DVC pipelines declare as outputs, metrics or plots (DVC keeps those out of git)."""
    outputs: set[str] = set()
    for pipeline in (path for path in paths if posixpath.basename(path) == "dvc.yaml"):
        try:
            document = YAML(typ="safe").load(io.StringIO(repo.read_text(pipeline, "head") or ""))
        except (YAMLError, RecursionError):
            continue
        stages = document.get("stages") if isinstance(document, dict) else None
        if not isinstance(stages, dict):
            continue
        folder = posixpath.dirname(pipeline)
        for stage in stages.values():
            if isinstance(stage, dict):
                outputs.update(posixpath.normpath(posixpath.join(folder, out)) for out in _declared(stage))
    return outputs


def _declared(stage: dict[object, object]) -> Iterator[str]:
    for section in ("outs", "metrics", "plots"):
        entries = stage.get(section)
        for entry in entries if isinstance(entries, list) else ():
            if isinstance(entry, str):
                yield entry
            elif isinstance(entry, dict):
                yield from (str(key) for key in entry)


def _versioned_by_dvc(path: str, paths: Collection[str], outputs: set[str]) -> bool:
    folders = path.split("/")
    candidates = ["/".join(folders[:depth]) for depth in range(len(folders), 0, -1)]
    return any(candidate + ".dvc" in paths or candidate in outputs for candidate in candidates)


@register
class MissingDataVersioning(ChangeRule):
    id = "missing-data-versioning"
    severity = Severity.MEDIUM
    title = "Data committed without DVC or Git LFS"
    kinds = frozenset(FileKind)

    VALID = [
        Case({"data/train.csv": _CASE_CSV, "data/train.csv.dvc": "outs:\n- md5: 3f2a\n  path: train.csv\n"}),
        Case(
            {"models/model.safetensors": b"\x00\x01weights"},
            base={".gitattributes": "*.safetensors filter=lfs diff=lfs merge=lfs -text\n"},
        ),
        Case(
            {"data/features.parquet": _PARQUET},
            base={
                "dvc.yaml": "stages:\n  featurize:\n    cmd: python featurize.py\n    outs:\n"
                "      - data/features.parquet\n"
            },
        ),
        Case({"tests/fixtures/sample.parquet": _PARQUET, "tests/test_io.py": "def test_read():\n    pass\n"}),
        Case({"configs/label_map.csv": _SMALL_CSV, "train.py": _TRAIN}),
        Case(
            {
                "data/raw/2024.csv": "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a\n"
                "size 7340032\n"
            }
        ),
        Case({"src/model.py": "import torch\n", "params.yaml": "lr: 0.001\n", "README.md": "# churn\n"}),
        Case(
            {"data/raw/events.parquet": _PARQUET},
            base={".gitattributes": "data/** filter=lfs diff=lfs merge=lfs -text\n"},
        ),
        Case({"weights/vocab.bin": b"\x00\x01"}, base={".dvc/config": "[core]\n    remote = s3\n"}),
        Case({"data/train.csv": _CASE_CSV}, config="exclude: ['data/*']\n"),
        Case({"data/raw/a.csv": _CASE_CSV}, base={"data/raw.dvc": "outs:\n- path: raw\n"}),
    ]
    INVALID = [
        Case({"data/train.csv": _CASE_CSV, "train.py": _TRAIN}, lines=(1,)),
        Case({"models/churn_xgb.pkl": b"\x80\x04\x95binary", "models/churn_xgb.joblib": b"\x80\x04\x95"}),
        Case(
            {"checkpoints/epoch_10.ckpt": b"PK\x03\x04\x00\x00"},
            base={".gitattributes": "*.psd filter=lfs diff=lfs merge=lfs -text\n"},
        ),
        Case({"models/bert/pytorch_model.bin": b"\x00\x01\x02"}),
        Case(
            {"data/embeddings.npy": b"\x93NUMPY\x01\x00"},
            base={".gitattributes": "data/** filter=lfs\ndata/*.npy -filter\n"},
        ),
        Case({"data/events.csv.gz": b"\x1f\x8b\x08\x00"}),
    ]

    def check_change(self, ctx: ChangeContext) -> Iterable[Finding]:
        added = sorted(
            path
            for path, status in ctx.changed.items()
            if status in ("added", "copied") and _is_data_path(path) and not _is_fixture(path)
        )
        if not added:
            return []
        paths = ctx.repo.list_paths("head")
        if any(path.startswith(".dvc/") for path in paths):
            return []
        lfs = _lfs_rules(ctx.repo, paths)
        outputs = _dvc_outputs(ctx.repo, paths)
        unversioned = [
            path
            for path in added
            if not _lfs_tracked(path, lfs)
            and not _versioned_by_dvc(path, paths, outputs)
            and self._weighty(ctx, path)
        ]
        if not unversioned:
            return []
        listed = ", ".join(_code(path) for path in unversioned[:LISTED_FILES])
        more = len(unversioned) - LISTED_FILES
        if more > 0:
            listed += f" and {more} more"
        noun = "data file" if len(unversioned) == 1 else "data files"
        return [
            self.make(
                unversioned[0],
                1,
                f"This pull request commits {len(unversioned)} {noun} straight into git: {listed}. "
                "Git keeps every version forever and cannot tell which data trained which model.",
                suggestion="Track them with `dvc add` (or Git LFS: "
                "`git lfs track`) and commit only the pointer files.",
                key="data-in-git",
            )
        ]

    @staticmethod
    def _weighty(ctx: ChangeContext, path: str) -> bool:
        """False for LFS pointers and small readable tables, which belong in git."""
        text = ctx.repo.read_text(path, "head")
        if text is None:
            return True
        if text.startswith(LFS_POINTER):
            return False
        _stem, suffix = _suffixes(path)
        return suffix not in TEXT_SUFFIXES or len(text.encode("utf-8")) >= TEXT_DATA_MIN_BYTES
