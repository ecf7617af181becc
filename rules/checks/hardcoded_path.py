"""hardcoded-path: absolute paths that exist on one laptop
or one cluster, in code, configs and job scripts."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import libcst

from rules.checks.hardcoded_path_patterns import find_paths
from rules.cst import body_of, docstring_of, dotted, string_value
from rules.finding import Finding, Severity
from rules.pyutil import HybridRule, line_comment
from rules.rule import Case, FileContext, register
from rules.source import FileKind

RULE_ID = "hardcoded-path"
# Paths are echoed in messages; longer ones are cut so a hostile string cannot flood a comment.
MAX_PATH_IN_MESSAGE = 80
# A string with this many plain words is a sentence about a path, not a path the code opens.
PROSE_WORDS = 5

SUGGESTION = (
    'Read it from config, an environment variable or a CLI argument (`os.environ["DATA_DIR"]`, '
    "Hydra `${oc.env:DATA_DIR}`), or build it relative to the repository or `Path.home()`."
)

# Batch-scheduler directives are instructions, even though they start with `#`.
_DIRECTIVE = re.compile(r"^#(?:SBATCH|PBS|BSUB|\$ |COBALT|MSUB|FLUX:|OAR)", re.IGNORECASE)
_SCRIPT_KINDS = frozenset(
    {FileKind.SHELL, FileKind.YAML, FileKind.TOML, FileKind.JSON, FileKind.REQUIREMENTS, FileKind.TEXT}
)
_TEXT_SUFFIXES = (".env", ".cfg", ".ini")
# Infrastructure whose paths are deliberately machine-specific or live inside a container.
_INFRA = re.compile(
    r"(?:^|/)(?:\.github|\.gitlab|\.circleci|\.buildkite|\.devcontainer|k8s|kubernetes|helm|charts|manifests)/|"
    r"(?:^|/)(?:docker-compose[^/]*|compose\.ya?ml|\.gitlab-ci\.ya?ml|azure-pipelines\.ya?ml|bitbucket-pipelines\.ya?ml|"
    r"cloudbuild\.ya?ml|buildspec\.ya?ml)$",
    re.IGNORECASE,
)
_K8S = re.compile(r"^apiVersion:\s*\S+", re.MULTILINE)
# Fixture data belongs to tests even outside a `tests/` folder.
_FIXTURE = re.compile(
    r"(?:^|/)(?:fixtures?|testdata|test_data|__fixtures__|__snapshots__|mocks?)/", re.IGNORECASE
)
# Calls and keywords whose strings are messages for people, not paths the program opens.
_MESSAGE_CALL = re.compile(
    r"(?:^|\.)(?:print|echo|warn|warning|info|debug|error|exception|critical|log|write|secho|fail|skip)$|^(?:log|logger|logging|console|warnings)\."
)
_MESSAGE_KEYWORDS = frozenset(
    {"help", "description", "epilog", "usage", "doc", "msg", "message", "url", "endpoint", "prefix"}
)
# Rule examples (`Case(...)` here, Fixit's `Valid`/`Invalid`) are test fixtures written inline.
_FIXTURE_CALL = re.compile(r"(?:^|\.)(?:Case|Valid|Invalid)$")
# Web routes and HTTP calls take URL paths (`@app.get("/home/feed")`), not file paths.
_ROUTE_CALL = re.compile(
    r"(?:^|\.)(?:route|api_route|add_url_rule|add_api_route|url|path|re_path|redirect|urljoin|fetch|get_url|url_for|mount|"
    r"include_router|APIRouter|Blueprint)$"
)
# HTTP verbs are routes only on a web object: `config.get("dir", "/home/alice")` is a fallback path.
_HTTP_VERB = re.compile(r"^(?P<root>[\w.]+)\.(?:get|post|put|patch|delete|head|options|websocket|request)$")
_WEB_ROOT = re.compile(
    r"(?:^|\.|_)(?:app|router|api|bp|blueprint|client|requests|session|httpx|http|web|server|aiohttp)$",
    re.IGNORECASE,
)


def _shown(path: str) -> str:
    clean = path.replace("`", "'")
    return clean if len(clean) <= MAX_PATH_IN_MESSAGE else clean[: MAX_PATH_IN_MESSAGE - 1] + "…"


def _message(path: str) -> str:
    return (
        f"`{_shown(path)}` exists on one machine or cluster; "
        "the code breaks everywhere else and leaks a user name or mount layout."
    )


def _may_hold_path(source: str) -> bool:
    """A cheap look at the literal's source before evaluating it: most strings hold no path at all."""
    return "/" in source or "\\" in source or "~" in source


def _is_prose(text: str) -> bool:
    words = [token for token in text.split() if re.fullmatch(r"[A-Za-z]+[,.;:!?]?", token)]
    return len(words) >= PROSE_WORDS


@register
class HardcodedPath(HybridRule):
    id = RULE_ID
    severity = Severity.HIGH
    title = "Hard-coded machine-specific path"
    kinds = frozenset({FileKind.PYTHON, FileKind.NOTEBOOK}) | _SCRIPT_KINDS

    VALID = [
        # A path in a test fixture.
        Case(
            {
                "tests/fixtures/config.yaml": "data_dir: /home/alice/data\n",
                "tests/test_io.py": "ROOT = '/home/alice/data'\n",
            }
        ),
        # Relative paths, URLs, scratch space and system files.
        Case(
            "import pandas as pd\n\ndf = pd.read_csv('data/raw/train.csv')\n"
            "m = load('s3://acme-ml/models/v3/model.pkl')\n"
            "tmp = '/tmp/features.parquet'\nopen('/dev/null', 'w')\nopen('/etc/hosts')\n"
            "BIN = '/usr/local/bin/python'\n"
            "url = 'https://example.com/home/alice/data'\ngs = 'gs://bucket/mnt/x'\n"
        ),
        # Container paths in a Dockerfile and a generic CI runner home.
        Case(
            {
                "Dockerfile": "FROM python:3.11\nWORKDIR /app\nCOPY . /app\nENV HF_HOME=/opt/hf\n"
                "VOLUME /mnt/data\n",
                ".github/workflows/ci.yml": "jobs:\n  t:\n    steps:\n      - run: ls /home/runner/work\n",
            }
        ),
        # Comments and docstrings talk about paths; they do not open them.
        Case(
            '"""Reads from /mnt/data on the old cluster."""\n# was /home/alice/data before the move\n'
            'DATA = "data/"\n'
        ),
        # Messages and help text are for people.
        Case(
            "import argparse\nimport logging\n\nlog = logging.getLogger(__name__)\n"
            "p = argparse.ArgumentParser()\n"
            "p.add_argument('--data', required=True, help='e.g. /scratch/$USER/data')\n"
            "log.info('mount /mnt/shared first')\n"
            "raise SystemExit('expected /gpfs/proj/x to exist')\n"
        ),
        # Environment-driven paths, home-relative paths and layout folders under a container's /data.
        Case(
            "#!/bin/bash\n# copy results to /home/alice/backup when done\nDATA=${DATA_DIR:-/data/raw}\n"
            'cd "$HOME/project"\n'
            "python train.py --data /data/processed --cache ~/.cache\n",
            path="scripts/run.sh",
        ),
        # Placeholders in example configs.
        Case("paths:\n  data: /home/user/data\n  out: /Users/you/out\n", path="configs/example.yaml"),
        # Container working directories and mounted volumes, and a one-level `/groups/<id>` route.
        Case(
            "import pandas as pd\n\ndf = pd.read_csv('/app/data/train.csv')\n"
            "out = '/opt/ml/model/model.pkl'\n"
            "raw = '/data/raw/events.parquet'\nwork = '/work/data/train.csv'\n"
            "proj = '/project/src/config.yaml'\n"
            "route = '/groups/42'\n",
            path="src/train.py",
        ),
        # Software installed under `Program Files` is on every Windows machine;
        # a folder without a drive is not absolute.
        Case(
            "TOOL = 'C:/Program Files/Graphviz/bin/dot.exe'\nNAME = 'ML Notebooks/2023_data.csv'\n",
            path="src/plot.py",
        ),
    ]
    INVALID = [
        Case(
            "import pandas as pd\n\ndf = pd.read_csv('/home/alice/projects/churn/data/train.csv')\n",
            lines=(3,),
        ),
        Case(
            "#!/bin/bash\n#SBATCH --job-name=train\n#SBATCH --output=/home/alice/logs/%j.out\n"
            "export DATA=/scratch/alice/churn\n"
            "python train.py --data $DATA\n",
            path="slurm/train.sbatch",
            lines=(3, 4),
        ),
        Case(
            "data:\n  root: /gpfs/projects/ml/churn\n  cache: /mnt/nvme0/cache  # fast disk\n",
            path="params.yaml",
            lines=(2, 3),
        ),
        Case(
            'import torch\n\nrun_dir = f"/Users/bob/experiments/{run_id}"\n'
            'ckpt = torch.load(r"C:\\Users\\bob\\model.pt")\n',
            lines=(3, 4),
        ),
        Case(
            '{"cells": [{"cell_type": "code", "metadata": {}, "source": ["import pandas as pd\\n", '
            '"df = pd.read_csv(\\"/content/drive/MyDrive/churn.csv\\")\\n"]}], "metadata": {}, "nbformat": '
            '4, "nbformat_minor": 5}',
            path="notebooks/explore.ipynb",
        ),
        Case('[paths]\ncheckpoints = "/lustre/alice/ckpt"\n', path="train.toml", lines=(2,)),
        Case("-e /home/alice/src/featurelib\nnumpy==2.1.0\n", path="requirements.txt", lines=(1,)),
        # An HPC group share and an AWS EFS mount.
        Case(
            "db_path: /groups/icecube/moust/work/selections/train.csv\n"
            "cache_dir: /efs/shared_storage/alice/cache\n",
            path="configs/data/icecube.yaml",
            lines=(1, 2),
        ),
        # One finding per Windows path: `C:/Users/bob/...` is not
        # also a macOS `/Users/bob/...`; a literal keeps its spaces.
        Case(
            "import pandas as pd\n\na = pd.read_csv('C:/Users/bob/data/train.csv')\n"
            "b = pd.read_csv('D:/ML Notebooks/2023_data.csv')\n"
            "c = pd.read_csv(r'C:\\Users\\John Doe\\data.csv')\n",
            lines=(3, 4, 5),
        ),
    ]

    # ------------------------------------------------------------------ Python

    def visit_Module(self, node: libcst.Module) -> None:
        self._skip = bool(_FIXTURE.search(self.ctx.file.path))
        self._docstrings: set[int] = set()
        self._enclosing: list[libcst.CSTNode] = []
        self._fstring_heads: set[int] = set()
        self._note_docstring(node)

    def _note_docstring(self, node: libcst.Module | libcst.ClassDef | libcst.FunctionDef) -> None:
        pending: list[libcst.BaseExpression | None] = [docstring_of(body_of(node))]
        while pending:
            doc = pending.pop()
            if isinstance(doc, libcst.ConcatenatedString):
                pending.extend((doc.left, doc.right))
            elif doc is not None:
                self._docstrings.add(id(doc))

    def visit_ClassDef(self, node: libcst.ClassDef) -> None:
        self._note_docstring(node)

    def visit_FunctionDef(self, node: libcst.FunctionDef) -> None:
        self._note_docstring(node)

    def visit_Call(self, node: libcst.Call) -> None:
        self._enclosing.append(node)

    def leave_Call(self, original_node: libcst.Call) -> None:
        self._enclosing.pop()

    def visit_Arg(self, node: libcst.Arg) -> None:
        if node.keyword is not None and node.keyword.value in _MESSAGE_KEYWORDS:
            self._enclosing.append(node)

    def leave_Arg(self, original_node: libcst.Arg) -> None:
        if self._enclosing and self._enclosing[-1] is original_node:
            self._enclosing.pop()

    def visit_Raise(self, node: libcst.Raise) -> None:
        self._enclosing.append(node)

    def leave_Raise(self, original_node: libcst.Raise) -> None:
        self._enclosing.pop()

    def visit_Assert(self, node: libcst.Assert) -> None:
        self._enclosing.append(node)

    def leave_Assert(self, original_node: libcst.Assert) -> None:
        self._enclosing.pop()

    def _quiet(self) -> bool:
        """Inside a message, an exception, a rule example or a web route; judged only once a path turns up."""
        for node in self._enclosing:
            if not isinstance(node, libcst.Call):
                return True
            callee = dotted(node.func, loose=True) or ""
            if _MESSAGE_CALL.search(callee) or _FIXTURE_CALL.search(callee) or _ROUTE_CALL.search(callee):
                return True
            verb = _HTTP_VERB.match(callee)
            if verb and _WEB_ROOT.search(verb["root"]):
                return True
        return False

    def visit_SimpleString(self, node: libcst.SimpleString) -> None:
        if not self._skip and _may_hold_path(node.value) and id(node) not in self._docstrings:
            self._check_string(node, string_value(node) or "", literal=True)

    def visit_FormattedStringText(self, node: libcst.FormattedStringText) -> None:
        if not self._skip and _may_hold_path(node.value):
            self._check_string(node, node.value, literal=self._opens_fstring(node))

    def visit_FormattedString(self, node: libcst.FormattedString) -> None:
        self._fstring_heads.add(id(node.parts[0]) if node.parts else 0)

    def _opens_fstring(self, node: libcst.FormattedStringText) -> bool:
        """Only the text an f-string starts with can be a whole path up to its first placeholder."""
        return id(node) in self._fstring_heads

    def _check_string(self, node: libcst.CSTNode, text: str, literal: bool = False) -> None:
        found = [path for _, path in find_paths(text, literal)]
        if not found or _is_prose(text) or self._quiet():
            return
        for path in found:
            self.flag(node, _message(path), suggestion=SUGGESTION, key=path)

    # ------------------------------------------------------------------ configs and scripts

    def check(self, ctx: FileContext) -> Iterable[Finding]:
        file = ctx.file
        if file.kind not in _SCRIPT_KINDS or _FIXTURE.search(file.path) or _INFRA.search(file.path):
            return []
        if file.kind is FileKind.TEXT and not file.path.lower().endswith(_TEXT_SUFFIXES):
            return []
        if file.kind is FileKind.YAML and _K8S.search(file.text):
            return []
        return list(_scan_lines(file.path, file.kind, file.lines))


def _scan_lines(path: str, kind: FileKind, lines: list[str]) -> Iterator[Finding]:
    conda = bool(re.search(r"(?:^|/)(?:environment|conda)[^/]*\.ya?ml$", path, re.IGNORECASE))
    for number, raw in enumerate(lines, start=1):
        text = _code_part(kind, raw)
        if not text or (conda and text.lstrip().startswith("prefix:")):
            continue
        for _, found in find_paths(text):
            yield HardcodedPath.make(
                path, number, _message(found), suggestion=SUGGESTION, key=found, context=raw.strip()
            )


def _code_part(kind: FileKind, line: str) -> str:
    """The part of a line that is configuration or commands rather than a comment."""
    stripped = line.strip()
    if kind is FileKind.JSON:
        return line
    if kind is FileKind.SHELL and _DIRECTIVE.match(stripped):
        return re.sub(r"\s#.*$", "", stripped)
    if stripped.startswith("#") or (kind is FileKind.TEXT and stripped.startswith(";")):
        return ""
    if kind is FileKind.REQUIREMENTS:
        match = re.search(r"\s#.*$", line)
        comment = match.group(0) if match else ""
    else:
        comment = line_comment(line)
    return line[: len(line) - len(comment)] if comment else line
