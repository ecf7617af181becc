"""Runs `action.yml`'s steps as the GitHub runner would, on this machine, for the Action's tests.

Each `run:` step is written to a file and run with `bash --noprofile --norc -eo
pipefail`, in the workspace, with its `env:` and the `GITHUB_*` files the runner
provides; `${{ }}` expressions are expanded from the inputs (or their defaults),
the event and earlier steps' outputs. `uses:` steps cannot run here: they are
recorded with their expanded `with:` so that a test can check what they were
given (setup-python is stood in for by the venv first on PATH). Only the
expression forms action.yml uses are understood; anything else fails the test
rather than being guessed.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

EXPRESSION = re.compile(r"\$\{\{\s*(.+?)\s*\}\}")
COMPARISON = re.compile(r"^\s*([\w.-]+)\s*(==|!=)\s*'([^']*)'\s*$")


@dataclass
class Step:
    name: str
    ran: bool
    status: int = 0
    log: str = ""
    uses: str = ""
    given: dict[str, str] = field(default_factory=dict)


@dataclass
class Run:
    steps: list[Step]
    # Each step id's outputs, as later steps and the workflow read them.
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def succeeded(self) -> bool:
        return all(step.status == 0 for step in self.steps)

    def step(self, name: str) -> Step:
        [step] = [step for step in self.steps if step.name == name]
        return step

    @property
    def log(self) -> str:
        return "\n".join(step.log for step in self.steps)


@dataclass
class Runner:
    action: Path
    workspace: Path
    python_bin: Path
    env: dict[str, str]
    event: dict[str, str]
    inputs: dict[str, str] = field(default_factory=dict)
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)

    def definition(self) -> dict[str, Any]:
        loaded: dict[str, Any] = YAML(typ="safe").load((self.action / "action.yml").read_text("utf-8"))
        return loaded

    def value(self, name: str) -> str:
        if name.startswith("inputs."):
            key = name.removeprefix("inputs.")
            if key in self.inputs:
                return self.inputs[key]
            return self.expand(str(self.definition()["inputs"][key].get("default", "")))
        if name.startswith("steps."):
            step_id, kind, key = name.removeprefix("steps.").split(".", 2)
            assert kind == "outputs", name
            return self.outputs.get(step_id, {}).get(key, "")
        if name == "github.action_path":
            return str(self.action)
        if name.startswith("github.event."):
            return self.event.get(name.removeprefix("github.event."), "")
        raise AssertionError(f"the test runner does not know the expression {name!r}")

    def expand(self, text: str) -> str:
        return EXPRESSION.sub(lambda match: self.value(match.group(1)), text)

    def condition(self, expression: str) -> bool:
        text = EXPRESSION.sub(lambda match: match.group(1), expression)
        results = []
        for part in text.split("&&"):
            match = COMPARISON.match(part)
            assert match, f"the test runner does not understand the condition {expression!r}"
            left, operator, right = match.groups()
            results.append((self.value(left) == right) == (operator == "=="))
        return all(results)

    def run(self, temp: Path) -> Run:
        steps: list[Step] = []
        for index, spec in enumerate(self.definition()["runs"]["steps"]):
            name = str(spec["name"])
            failed = any(step.status for step in steps)
            if failed or ("if" in spec and not self.condition(str(spec["if"]))):
                steps.append(Step(name, ran=False))
                continue
            if "uses" in spec:
                given = {key: self.expand(str(value)) for key, value in spec.get("with", {}).items()}
                steps.append(Step(name, ran=True, uses=str(spec["uses"]), given=given))
                continue
            steps.append(self._shell(name, spec, temp / f"step-{index}"))
        return Run(steps, {step_id: dict(values) for step_id, values in self.outputs.items()})

    def _shell(self, name: str, spec: dict[str, Any], folder: Path) -> Step:
        assert spec["shell"] == "bash", "the Action's steps must say their shell"
        folder.mkdir(parents=True)
        script = folder / "script.sh"
        script.write_text(self.expand(str(spec["run"])), encoding="utf-8")
        output = folder / "output"
        output.touch()
        env = {
            **self.env,
            **{key: self.expand(str(value)) for key, value in spec.get("env", {}).items()},
            "PATH": f"{self.python_bin}{os.pathsep}{self.env['PATH']}",
            "GITHUB_OUTPUT": str(output),
            "GITHUB_ACTION_PATH": str(self.action),
            "GITHUB_WORKSPACE": str(self.workspace),
        }
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=self.workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if "id" in spec:
            lines = output.read_text(encoding="utf-8").splitlines()
            self.outputs[str(spec["id"])] = dict(line.split("=", 1) for line in lines if "=" in line)
        return Step(name, ran=True, status=done.returncode, log=done.stdout + done.stderr)
