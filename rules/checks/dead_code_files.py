"""dead-code outside Python: whole sections of YAML and commands of shell scripts switched off with `#`.

Configs and scripts are where commented lines are most often documentation
(a template's optional setting, a usage line), so only shapes that a person
does not write as prose count: a commented YAML key holding a nested block,
and a commented command with its arguments. A prose line in the same comment
block makes the whole block documentation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from rules.checks.dead_code_parse import uncomment
from rules.source import FileKind

# A YAML entry: `key:`, `key: value`, `- key: value`, quoted keys too. A key with spaces is prose.
_YAML_ENTRY = re.compile(
    r"""^(?P<indent>\s*)(?:-\s+)?(?P<key>[\w.\-/]+|"[^"\n]+"|'[^'\n]+')\s*:(?:\s+(?P<value>\S.*))?$"""
)
_YAML_ITEM = re.compile(r"^\s*-\s+\S")
# A block scalar (`run: |`, `script: >-`): its lines are text, not YAML, whatever they hold.
_BLOCK_SCALAR = re.compile(r":\s*[|>][-+0-9]*\s*(?:#.*)?$")
# Words that make a comment block an example or a documented option rather than switched-off config.
_DOCUMENTED = re.compile(
    r"\b(?:e\.g|i\.e|example|examples|usage|alternative(?:ly)?|optional(?:ly)?|uncomment|instead|"
    r"for instance|to enable|to use|default|see|todo|fixme|note|warning)\b",
    re.IGNORECASE,
)
# Directives that look like comments: batch schedulers, shellcheck, editors, shebangs.
DIRECTIVE = re.compile(r"^#\s*(?:!|SBATCH|PBS|BSUB|\$|shellcheck|mldebt:|-\*-|vim?:)", re.IGNORECASE)
# Programs a training or data script runs;
# a commented line starting with one, with arguments, is a disabled step.
_COMMANDS = (
    "python",
    "python3",
    "torchrun",
    "accelerate",
    "deepspeed",
    "srun",
    "mpirun",
    "horovodrun",
    "dvc",
    "mlflow",
    "bash",
    "sh",
    "wget",
    "curl",
    "pip",
    "pip3",
    "conda",
    "docker",
    "gsutil",
    "aws",
    "huggingface-cli",
    "kaggle",
    "cp",
    "mv",
    "rm",
    "mkdir",
    "tar",
    "unzip",
    "git",
    "cd",
)
_COMMAND = re.compile(
    r"^(?:[A-Z_][A-Z0-9_]*=\S+\s+)*(?:"
    + "|".join(re.escape(name) for name in _COMMANDS)
    + r")\s+(?P<args>.+)$"
)
# An argument only a command line has: a flag, a path, a file name, a variable, an assignment.
_ARGUMENT = re.compile(r"^(?:-|\$|\.|/|~)|[./=$][\w$]")
# More plain words than this after the program, and the line
# is a sentence about it (`# cd into the repo and run ./x`).
MAX_PLAIN_WORDS = 3
_PLAIN_WORD = re.compile(r"^[A-Za-z]+[,;]?$")


@dataclass(frozen=True)
class Block:
    """A run of switched-off lines, 1-based and inclusive,
    with the text that identifies it across versions."""

    start: int
    end: int
    lines: int
    key: str


@dataclass(frozen=True)
class _Line:
    number: int
    column: int
    text: str


def _comment_groups(lines: list[str], yaml: bool) -> Iterator[list[_Line]]:
    """Consecutive whole-line comments, skipping the insides of YAML block scalars."""
    group: list[_Line] = []
    scalar_indent: int | None = None
    for number, raw in enumerate(lines, start=1):
        stripped = raw.lstrip()
        indent = len(raw) - len(stripped)
        if yaml and scalar_indent is not None:
            if not stripped or indent > scalar_indent:
                continue
            scalar_indent = None
        if stripped.startswith("#") and not DIRECTIVE.match(stripped):
            group.append(_Line(number, len(raw[:indent].expandtabs()), stripped))
            continue
        if group:
            yield group
            group = []
        if yaml and _BLOCK_SCALAR.search(stripped):
            scalar_indent = indent
    if group:
        yield group


def _texts(group: list[_Line]) -> list[str]:
    margin = min(line.column for line in group)
    return [" " * (line.column - margin) + uncomment(line.text) for line in group]


def _documented(texts: list[str]) -> bool:
    return any(_DOCUMENTED.search(text) for text in texts)


def _yaml_block(group: list[_Line]) -> Block | None:
    """A commented YAML section: every line an entry or list item,
    and at least one key opening a nested block."""
    texts = [text for text in _texts(group) if text.strip()]
    if len(texts) < 2 or _documented(texts):
        return None
    entries = [_YAML_ENTRY.match(text) for text in texts]
    if not all(entry or _YAML_ITEM.match(text) for entry, text in zip(entries, texts, strict=True)):
        return None
    nested = any(
        entry is not None
        and entry["value"] is None
        and len(following) - len(following.lstrip()) > len(entry["indent"])
        for entry, following in zip(entries, texts[1:], strict=False)
    )
    if not nested:
        return None
    return Block(group[0].number, group[-1].number, len(texts), "yaml:" + " ".join(" ".join(texts).split()))


def _old_value(group: list[_Line], lines: list[str]) -> Block | None:
    """`# lr: 0.01` right beside the live `lr: 0.001`:
    the old value kept, not an optional setting a template offers."""
    texts = _texts(group)
    if _documented(texts) or not all(_YAML_ENTRY.match(text) or not text.strip() for text in texts):
        return None
    live: dict[str, int] = {}
    for number in (group[0].number - 1, group[-1].number + 1):
        raw = lines[number - 1] if 1 <= number <= len(lines) else ""
        entry = _YAML_ENTRY.match(raw) if not raw.lstrip().startswith("#") else None
        if entry is not None:
            live[entry["key"].strip("\"'")] = len(entry["indent"])
    for line, text in zip(group, texts, strict=True):
        entry = _YAML_ENTRY.match(uncomment(line.text))
        if entry is None or " #" in (entry["value"] or ""):
            continue
        indent = live.get(entry["key"].strip("\"'"))
        if indent is not None and indent in (
            line.column,
            line.column + len(line.text) - len(line.text.lstrip("# ")),
        ):
            return Block(line.number, line.number, 1, "yaml:" + " ".join(text.split()))
    return None


def _command(text: str) -> bool:
    match = _COMMAND.match(text.strip())
    if match is None or text.rstrip().endswith((".", ":", "?", "!")):
        return False
    args = match["args"].split()
    return (
        any(_ARGUMENT.search(arg) for arg in args)
        and sum(1 for arg in args if _PLAIN_WORD.match(arg)) <= MAX_PLAIN_WORDS
    )


def _shell_block(group: list[_Line]) -> Block | None:
    """Commented commands, with their continued argument lines, in a comment block that explains nothing."""
    texts = _texts(group)
    if _documented(texts):
        return None
    covered: list[int] = []
    for index, text in enumerate(texts):
        continued = bool(covered) and covered[-1] == index - 1 and texts[index - 1].rstrip().endswith("\\")
        if continued or _command(text):
            covered.append(index)
    if not covered:
        return None
    first, last = covered[0], covered[-1]
    shown = " ".join(" ".join(texts[index] for index in covered).split())
    return Block(group[first].number, group[last].number, len(covered), "shell:" + shown)


def disabled_blocks(kind: FileKind, lines: list[str]) -> list[Block]:
    """Switched-off YAML sections or shell commands in a config or script, by comment block."""
    if kind is not FileKind.YAML:
        return [
            block for group in _comment_groups(lines, False) if (block := _shell_block(group)) is not None
        ]
    return [
        block
        for group in _comment_groups(lines, True)
        if (block := _yaml_block(group) or _old_value(group, lines)) is not None
    ]
