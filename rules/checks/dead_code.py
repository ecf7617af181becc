"""dead-code: code the PR switches off (comments, `if False:`, parked strings) instead of deleting it."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass

import libcst

from rules.checks.dead_code_files import disabled_blocks
from rules.checks.dead_code_fix import deletion
from rules.checks.dead_code_parse import code_runs, debug_only, parses_as_code, uncomment
from rules.cst import body_of, code_of, docstring_of, string_value
from rules.finding import Finding, Severity
from rules.fix import Fix
from rules.pyutil import PRAGMA, HybridRule, line_comment
from rules.rule import Case, FileContext, register
from rules.source import FileKind, SourceFile

# Past this many lines a comment block is licence text or a banner, not parked code.
MAX_BLOCK_LINES = 200

SUGGESTION = (
    "Delete it; git keeps the old version. If it is a real alternative, describe it in prose "
    "(`# Alternative: ...`) or put it behind a config flag."
)

# Prose that turns the code next to it into an example, not a switched-off line.
_EXPLAINED = re.compile(
    r"\b(?:e\.g|i\.e|for example|example|examples|usage|alternative(?:ly)?|equivalent(?:ly)?|"
    r"for instance|such as|instead|you can|uncomment|optional(?:ly)?|to enable|to use|like so|like this|"
    r"see also|output|prints|returns|would be|same as|compare|vs|one of|choices|possible values|"
    r"valid values|supported)\b",
    re.IGNORECASE,
)
# Lead-ins of an opt-in usage note, read at the start of a comment:
# `# on macbook also add`, `# if you have a GPU:`, `# for multi-GPU training`.
# Anchored, because "on cpu" or "for GPU" in the middle of a sentence explains nothing.
_OPT_IN = re.compile(
    r"^(?:(?:on|for)\s+(?:an?\s+|the\s+)?"
    r"(?:mac\w*|osx|windows|linux|apple|m[1-4]|cpus?|gpus?|cuda|mps|tpus?|rocm|"
    r"multi[- ]?(?:gpu|node)s?|single[- ]?gpu|colab|kaggle|slurm)\b"
    r"|if\s+(?:you|running|using)\b)"
    r"|\balso\s+add\b",
    re.IGNORECASE,
)
# A line holding nothing but a comment, as libcst's tokenizer reads one (form feeds are whitespace to it).
_COMMENT_LINE = re.compile(r"[ \t\f]*(#[^\r\n]*)")
_DOCTEST = re.compile(r"^(?:>>>|\.\.\.\s)")
# One-line labels, not calls or settings: `# run_setup ()` headings, `# tls=True` above an overload.
_HEADING_CALL = re.compile(r"^(?:[A-Za-z_]\w*\s+\(\s*\)|[A-Za-z_]\w*=[\w.'\"-]+)$")


@dataclass(frozen=True)
class Comment:
    line: int
    text: str
    # Where the `#` sits: an editor comments out `if x:` and its body at different depths.
    column: int = 0


@register
class DeadCode(HybridRule):
    id = "dead-code"
    severity = Severity.LOW
    title = "Disabled code left in place"
    kinds = frozenset({FileKind.PYTHON, FileKind.NOTEBOOK, FileKind.YAML, FileKind.SHELL})

    VALID = [
        # Usage examples and doctests in comments.
        Case(
            "# Usage:\n#   model = Ranker.load(path)\n#   model.predict(X)\n\n# >>> score(df)\n# 0.93\n"
            "import torch\n",
        ),
        # An explained alternative is documentation, not parked code.
        Case(
            "from xgboost import XGBRegressor\n\n"
            "# Alternative: XGBRegressor(tree_method='hist') is faster but less stable here.\n"
            "# e.g. model = XGBRegressor(tree_method='hist')\nmodel = XGBRegressor()\n"
        ),
        # English that happens to start like Python.
        Case(
            "import pandas as pd\n\n\ndef load(path):\n    # return early if the file is empty\n"
            "    # import data from the warehouse first\n"
            "    # not used by the scorer\n    # Note: pandas keeps the index\n    return pd.read_csv(path)\n"
        ),
        # Tool directives, cell markers and shebangs.
        Case(
            "#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n# %%\nimport numpy as np  # noqa: F401\n"
            "# type: ignore\n"
            "# pylint: disable=invalid-name\n# fmt: off\nX = np.eye(3)\n"
        ),
        # Docstrings and attribute docstrings may hold code.
        Case(
            'def fit(X):\n    """Fit the model.\n\n    model = fit(X)\n    model.predict(X)\n    """\n\n\n'
            'THRESHOLD = 0.5\n"""Cut-off; see model.calibrate(X) for how it is set."""\n'
        ),
        # The pre-TYPE_CHECKING idiom and a formula in a comment.
        Case(
            "if False:  # for type checkers only\n    from typing import Any\n\n# y = w * x + b\n"
            "# loss = (y - t) ** 2\ny = 0\n"
        ),
        # A task note that names code is a plan, not parked code.
        Case(
            "import torch\n\n# TODO: opt = torch.optim.AdamW(params) once the sweep lands\n"
            "opt = torch.optim.SGD(params)\n"
        ),
        # An opt-in usage note: the settings to add on another platform (nanoGPT's config).
        Case(
            "n_layer = 6\n\n# on macbook also add\n# device = 'cpu'  # run on cpu only\n"
            "# compile = False # do not torch compile the model\n",
            path="config/train_char.py",
        ),
        # A leftover look at the data or a breakpoint is not a parked code path.
        Case(
            "import pandas as pd\nfrom sklearn.preprocessing import StandardScaler\n\n"
            'df = pd.read_csv("data/train.csv")\n# print(df)\n'
            "scaled = StandardScaler().fit_transform(df)\n# display(df.head())\n# df.info()\n"
            "# logger.debug('scaled %s', scaled.shape)\n\n"
            "# import pdb; pdb.set_trace()\n# breakpoint()\n",
            path="scale.py",
        ),
        # A comment that lists the values an option takes documents it.
        Case(
            "import torch\n\n# Supported devices:\n#   'cpu',\n#   'cuda',\ndevice = 'cpu'\n",
            path="device.py",
        ),
        # A quoted word before a colon in prose, and a print that only peeks at a shape, are not parked code.
        Case(
            'import numpy as np\n\n# "auto": picks the widest dtype that fits,\n# then casts once.\n'
            "X = np.zeros((4, 4))\n"
            "# print(X.shape)\n",
            path="cast.py",
        ),
        # YAML: a documented optional section, a single commented option,
        # and shell comments inside a `run: |` script.
        Case(
            "model:\n  name: resnet18\n# Optional: mixed precision, for GPUs with bf16 support.\n"
            "# precision:\n#   dtype: bf16\n"
            "#   loss_scale: dynamic\ntrainer:\n  max_epochs: 10\n  # warmup_steps: 500\n",
            path="configs/train.yaml",
        ),
        # A commented option beside a different live key,
        # or beside the same key with its reason, is documentation.
        Case(
            "optimizer:\n  name: adamw\n  # warmup_ratio: 0.03\n  weight_decay: 0.1\n"
            "  # weight_decay: 0.05  # for runs under 1B params\n",
            path="configs/optim.yaml",
        ),
        Case(
            "jobs:\n  nightly:\n    steps:\n      - run: |\n          # retrain:\n          #   full: true\n"
            "          make retrain\n",
            path="ci/nightly.yml",
        ),
        # Shell: usage lines, prose that names a command, and scheduler directives.
        Case(
            "#!/usr/bin/env bash\n#SBATCH --gres=gpu:4\n# Usage: bash scripts/train.sh configs/base.yaml\n"
            "# cd into the repo root and run ./scripts/train.sh from there\n"
            "# make sure the data is synced first.\n"
            'python train.py --config "$1"\n',
            path="scripts/train.sh",
        ),
    ]
    INVALID = [
        Case(
            "import xgboost as xgb\n\nmodel = xgb.XGBClassifier()\n"
            "# model.fit(X_train, y_train, eval_set=[(X_val, y_val)])\n"
            "# preds = model.predict_proba(X_val)[:, 1]\nmodel.fit(X, y)\n",
            lines=(4,),
        ),
        Case(
            "import torch\n\nif False:\n    model = torch.compile(model)\n    model.half()\ntrain(model)\n",
            lines=(3,),
        ),
        Case(
            'import pandas as pd\n\ndf = pd.read_csv("data.csv")\n"""\ndf = df.dropna()\n'
            'df["ratio"] = df.a / df.b\n"""\ndf.to_parquet("out.parquet")\n',
            lines=(4,),
        ),
        Case(
            "import torch\n\n\ndef train(model, loader):\n    for batch in loader:\n"
            "        loss = model(batch)\n"
            "        # if loss.item() > 10:\n        #     print('exploding', batch)\n"
            "        #     continue\n        loss.backward()\n",
            lines=(7,),
        ),
        Case(
            '{"cells": [{"cell_type": "code", "metadata": {}, "source": ["import pandas as pd\\n", '
            '"# df = df[df.x > 0]\\n", "df.head()\\n"]}],'
            ' "metadata": {}, "nbformat": 4, "nbformat_minor": 5}',
            path="notebooks/eda.ipynb",
        ),
        Case(
            "import numpy as np\n\nif 0:\n    np.save('debug.npy', X)\n", path="features/build.py", lines=(3,)
        ),
        # A print next to real logic, and a platform named
        # in the middle of a sentence, do not excuse the block.
        Case(
            "import pandas as pd\n\ndf = pd.read_csv('data/train.csv')\n# df = df.dropna()\n# print(df)\n\n"
            "# this ran on gpu before the refactor\n# model = model.cuda()\n",
            path="scale.py",
            lines=(4, 8),
        ),
        # Commented out twice (`# # `): an experiment switched off inside an already commented area.
        Case(
            "import pandas as pd\n\nevents = pd.read_parquet('events.parquet')\n"
            "# # events = events[events.country != 'XX']\n"
            "# # events['weekday'] = events.ts.dt.weekday\nevents.to_parquet('clean.parquet')\n",
            path="clean_events.py",
            lines=(4,),
        ),
        # The `#` of the body sits deeper than the `#` of its `if`; the block is still one code path.
        Case(
            "def fit(model, loader, opt):\n    for step, batch in enumerate(loader):\n"
            "        loss = model(batch)\n"
            "        # if step % 50 == 0:\n            # print('step {} loss {:.3f}'.format(step, loss))\n"
            "        loss.backward()\n        opt.step()\n",
            path="loop.py",
            lines=(4,),
        ),
        # Entries cut out of a params dict, a keyword argument,
        # a hard-coded `return`, and a message the program printed.
        Case(
            "from lightgbm import LGBMRanker\n\nparams = {\n    'num_leaves': 63,\n"
            "    # 'min_child_samples': 40,\n"
            "    # 'bagging_fraction': 0.7,\n}\nranker = LGBMRanker(\n    **params,\n"
            "    # importance_type='gain',\n)\n\n\n"
            "class Shards:\n    def __len__(self) -> int:\n        # return 16\n"
            "        return len(self.paths)\n\n\n"
            "def report(ndcg: float) -> None:\n    # print(f'validation ndcg@10: {ndcg:.4f}')\n"
            "    return None\n",
            path="rank.py",
            lines=(5, 10, 16, 21),
        ),
        # A column dropped from a feature list and a step
        # dropped from a pipeline, by commenting the entry out.
        Case(
            "from sklearn.pipeline import make_pipeline\nfrom sklearn.preprocessing import StandardScaler\n\n"
            "FEATURES = [\n    'tenure',\n"
            "    # 'monthly_spend',\n    'plan',\n]\npipe = make_pipeline(\n    # StandardScaler(),\n"
            "    model,\n)\n",
            path="churn/features.py",
            lines=(6, 10),
        ),
        # A YAML section switched off with `#`, and commented
        # commands of a shell script with their continued arguments.
        Case(
            "trainer:\n  max_epochs: 20\n# callbacks:\n#   early_stopping:\n#     monitor: val_loss\n"
            "#     patience: 3\nlogger: csv\n",
            path="configs/train.yaml",
            lines=(3,),
        ),
        # The old value kept beside the live key, in a config and in a CI workflow.
        Case(
            "optimizer:\n  name: adamw\n  # weight_decay: 0.05\n  weight_decay: 0.1\n",
            path="configs/optim.yaml",
            lines=(3,),
        ),
        Case(
            "#!/usr/bin/env bash\nset -euo pipefail\n"
            "# python prepare.py --source s3://bucket/raw --out data/\n"
            "# torchrun --nproc_per_node 4 train.py \\\n#   --config configs/large.yaml\n"
            "python train.py --config configs/small.yaml\n",
            path="scripts/train.sh",
            lines=(3,),
        ),
    ]

    @classmethod
    def fix_for(cls, finding: Finding, source: SourceFile) -> Fix | None:
        return deletion(finding, source)

    def check(self, ctx: FileContext) -> Iterable[Finding]:
        """YAML and shell: commented-out sections and commands, read line by line (see `dead_code_files`)."""
        source = ctx.file
        if source.kind not in (FileKind.YAML, FileKind.SHELL):
            return []
        what = "YAML section" if source.kind is FileKind.YAML else "command"
        return [
            self.make(
                source.path,
                block.start,
                f"{block.lines} line{'s' if block.lines > 1 else ''} of a commented-out {what}; "
                "disabled config goes stale and leaves readers guessing whether it still matters.",
                end_line=block.end,
                suggestion=SUGGESTION,
                key=block.key,
                context="\n".join(source.lines[block.start - 1 : block.end]).strip(),
            )
            for block in disabled_blocks(source.kind, source.lines)
        ]

    def visit_Module(self, node: libcst.Module) -> None:
        self._multiline_strings: list[libcst.SimpleString | libcst.FormattedString] = []
        self._docstrings: set[int] = set()
        self._note_docstring(node)

    def _note_docstring(self, node: libcst.Module | libcst.ClassDef | libcst.FunctionDef) -> None:
        doc = docstring_of(body_of(node))
        if doc is not None:
            self._docstrings.add(id(doc))

    def visit_ClassDef(self, node: libcst.ClassDef) -> None:
        self._note_docstring(node)

    def visit_FunctionDef(self, node: libcst.FunctionDef) -> None:
        self._note_docstring(node)

    def visit_SimpleString(self, node: libcst.SimpleString) -> None:
        if "\n" in node.value:
            self._multiline_strings.append(node)

    def visit_FormattedString(self, node: libcst.FormattedString) -> None:
        if node.start.endswith(('"""', "'''")) or any(
            isinstance(part, libcst.FormattedStringText) and "\n" in part.value for part in node.parts
        ):
            self._multiline_strings.append(node)

    def _comment_lines(self) -> list[Comment]:
        """The lines that hold only a comment: libcst's commented `EmptyLine`s, found in the text,
        since hooking every whitespace node to reach them would double the cost of the walk."""
        inside: set[int] = set()
        for string in self._multiline_strings:
            first, last = self.position(string)
            inside.update(range(first + 1, last + 1))
        comments = []
        for number, raw in enumerate(self.ctx.file.python_lines, start=1):
            found = _COMMENT_LINE.match(raw)
            if found is not None and number not in inside:
                comments.append(Comment(number, found[1], len(raw[: found.start(1)].expandtabs())))
        return comments

    def visit_If(self, node: libcst.If) -> None:
        test = node.test
        disabled = (isinstance(test, libcst.Name) and test.value == "False") or (
            isinstance(test, libcst.Integer) and test.value == "0"
        )
        if not disabled or _only_imports(node.body):
            return
        start = self.first_line(node)
        end = self.position(node.body)[1]
        body = code_of(node.body)
        self._report(
            start,
            end,
            f"`if {_code(test)}:` switches off a block instead of deleting it",
            f"if-disabled:{_normal(body)}",
        )

    def visit_Expr(self, node: libcst.Expr) -> None:
        value = node.value
        if (
            not isinstance(value, (libcst.SimpleString, libcst.ConcatenatedString))
            or id(value) in self._docstrings
        ):
            return
        text = string_value(value) or ""
        if "\n" not in text.strip() and "(" not in text:
            return
        if parses_as_code(textwrap.dedent(text).strip()) and not _EXPLAINED.search(text):
            start, end = self.position(node)
            self._report(
                start,
                end,
                "A bare string literal parks old code where it never runs",
                f"string:{_normal(text)}",
            )

    def finish(self) -> None:
        for group in _groups(self._comment_lines()):
            self._check_group(group)

    def _check_group(self, group: list[Comment]) -> None:
        margin = min(comment.column for comment in group)
        kept = [
            ""
            if PRAGMA.match(comment.text.strip())
            else " " * (comment.column - margin) + uncomment(comment.text)
            for comment in group
        ]
        if any(_DOCTEST.match(text.strip()) for text in kept):
            return
        runs = code_runs(kept)
        if not runs:
            return
        covered = {index for start, end in runs for index in range(start, end)}
        notes = [text if index not in covered else line_comment(text) for index, text in enumerate(kept)]
        if any(_EXPLAINED.search(text) or _OPT_IN.search(text.lstrip("# \t")) for text in notes):
            return
        if all(debug_only("\n".join(kept[start:end])) for start, end in runs):
            return
        if len(covered) == 1 and _HEADING_CALL.match(kept[runs[0][0]].strip()):
            return
        first, last = runs[0][0], runs[-1][1] - 1
        code = "\n".join(kept[index] for index in sorted(covered))
        count = len(covered)
        self._report(
            group[first].line,
            group[last].line,
            f"{count} line{'s' if count > 1 else ''} of commented-out code",
            f"comment:{_normal(code)}",
        )

    def _report(self, start: int, end: int, what: str, key: str) -> None:
        source = self.ctx.file
        cell = source.cell_of(start)
        where = f" (notebook cell {cell})" if cell is not None else ""
        message = (
            f"{what}{where}; disabled code goes stale and leaves readers guessing whether it still matters."
        )
        context = "\n".join(source.python_lines[start - 1 : end]).strip()
        self.findings.append(
            self.make(
                source.path,
                source.raw_line(start),
                message,
                end_line=source.raw_line(end),
                suggestion=SUGGESTION,
                key=key,
                context=context,
            )
        )


def _groups(comments: list[Comment]) -> list[list[Comment]]:
    """Runs of comment-only lines on consecutive lines."""
    groups: list[list[Comment]] = []
    for comment in sorted(comments, key=lambda item: item.line):
        if groups and comment.line == groups[-1][-1].line + 1 and len(groups[-1]) < MAX_BLOCK_LINES:
            groups[-1].append(comment)
        else:
            groups.append([comment])
    return groups


def _only_imports(body: libcst.BaseSuite) -> bool:
    statements = body.body if isinstance(body, libcst.IndentedBlock) else [body]
    for statement in statements:
        small = (
            statement.body
            if isinstance(statement, (libcst.SimpleStatementLine, libcst.SimpleStatementSuite))
            else None
        )
        if small is None or not all(
            isinstance(item, (libcst.Import, libcst.ImportFrom, libcst.Pass)) for item in small
        ):
            return False
    return True


def _code(node: libcst.BaseExpression) -> str:
    return code_of(node)


def _normal(text: str) -> str:
    return " ".join(text.split())
