"""Writes the App's credentials where compose.yaml and core/settings.py look for them.

The private key goes to its own file (compose mounts it into the containers;
a PEM spans lines, which an env file holds badly) and the .env names it,
relative to the .env's folder (`./secrets/mldebt.pem`), so that the folder
still works when it is moved, copied or mounted elsewhere: compose reads a
relative mount from the folder of compose.yaml and its .env, and Settings
reads a relative MLDEBT_PRIVATE_KEY_FILE from the working directory, which
is that folder when mldebt is started beside its .env. Both are written whole
to a temporary file created readable by the owner alone and then renamed, so
no reader ever sees half a file or a moment of wider mode. An existing .env
keeps every line that is not one of ours.
"""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from bot.setup.manifest import SetupError
from core.settings import Secret

OWNER_ONLY = 0o600
SECRETS_DIR_MODE = 0o700
_BARE = re.compile(r"[A-Za-z0-9_./:@+,-]*")
_ASSIGNMENT = re.compile(r"\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=")


@dataclass(frozen=True)
class Credentials:
    """What the manifest conversion hands over once; the secrets stay wrapped until written."""

    app_id: int
    name: str
    html_url: str
    private_key: Secret
    webhook_secret: Secret


@dataclass(frozen=True)
class Destination:
    env_file: Path
    key_file: Path
    force: bool


def refuse_to_overwrite(destination: Destination) -> None:
    """Checked before the App is created: a refusal afterwards would strand a registered App."""
    if destination.force:
        return
    for path, what in ((destination.env_file, "settings"), (destination.key_file, "private key")):
        if path.exists():
            raise SetupError(
                f"{path} already exists; mldebt setup will not overwrite its {what} "
                "(run it again with --force to replace them, keeping the .env's other lines)"
            )


def _quoted(name: str, value: str) -> str:
    """Compose's .env syntax: bare when safe, else single quotes (taken literally, no `$` expansion)."""
    if _BARE.fullmatch(value):
        return value
    if "'" in value or "\n" in value or "\r" in value:
        raise SetupError(f"{name} cannot be written to a .env file: it holds a quote or a line break")
    return f"'{value}'"


def env_lines(existing: str, values: dict[str, str]) -> str:
    """`existing` with each of `values` set in place (or appended), every other line as it was."""
    remaining = dict(values)
    lines: list[str] = []
    for line in existing.splitlines():
        match = _ASSIGNMENT.match(line)
        name = match.group(1) if match else None
        if name in values:
            if name in remaining:
                lines.append(f"{name}={_quoted(name, remaining.pop(name))}")
            continue
        lines.append(line)
    if remaining and lines and lines[-1].strip():
        lines.append("")
    if remaining:
        lines.append("# Written by `mldebt setup`.")
    lines += [f"{name}={_quoted(name, value)}" for name, value in remaining.items()]
    return "\n".join(lines) + "\n"


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(mode=SECRETS_DIR_MODE, parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as sink:
            sink.write(text)
            sink.flush()
            os.fsync(sink.fileno())
        os.chmod(temporary, OWNER_ONLY)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def key_path_setting(env_file: Path, key_file: Path) -> str:
    """The key file as the .env names it: `./…` from the .env's folder when the key is in it or below.

    A key kept outside that folder does not move with it, so it is named by its absolute path.
    The `./` matters to compose: a bind mount's source without it would be taken for a volume name.
    """
    key = key_file.resolve()
    try:
        relative = key.relative_to(env_file.resolve().parent)
    except ValueError:
        return str(key)
    return f"./{relative.as_posix()}"


def write_credentials(destination: Destination, credentials: Credentials, api_url: str) -> list[str]:
    """Writes the key file and the .env; returns the names set in the .env."""
    key_file = destination.key_file.resolve()
    key_setting = key_path_setting(destination.env_file, key_file)
    values = {
        "MLDEBT_APP_ID": str(credentials.app_id),
        "MLDEBT_WEBHOOK_SECRET": credentials.webhook_secret.reveal(),
        # compose.yaml mounts the key from this host path, relative to its own folder (the .env's);
        # a receiver or worker run outside compose, in the .env's folder, reads the same file through
        # MLDEBT_PRIVATE_KEY_FILE.
        "MLDEBT_PRIVATE_KEY_PATH": key_setting,
        "MLDEBT_PRIVATE_KEY_FILE": key_setting,
        "GITHUB_API_URL": api_url,
    }
    try:
        existing = destination.env_file.read_text(encoding="utf-8") if destination.env_file.exists() else ""
        text = env_lines(existing, values)
        _write_private(key_file, credentials.private_key.reveal())
        _write_private(destination.env_file, text)
    except OSError as exc:
        raise SetupError(f"cannot write {exc.filename}: {exc.strerror or exc.__class__.__name__}") from None
    except UnicodeDecodeError:
        raise SetupError(f"cannot read {destination.env_file}: it is not UTF-8 text") from None
    return list(values)
