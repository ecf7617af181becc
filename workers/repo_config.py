"""The settings a review runs with, and what its check run says about them.

The base branch's `.github/mldebt.yml` over the shared settings it extends (or
the organisation's, when it has none), so a pull request cannot loosen its own
review. An edit the pull request makes to the file is checked now and reported,
so its author learns of a mistake before the merge that would put it in force.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rules.config import CONFIG_PATH, Config, ConfigFile, parse_config
from rules.config_layers import EXTENDS_KEY, SharedSource, layered, org_source, shared_source
from rules.engine import ChangedFile, ConfigNote
from workers.port import Blob, GitHubPort

# A name mldebt does not read; a pull request adding it is told so.
UNREAD_CONFIG_PATH = ".github/mldebt.yaml"
FROM_BASE = "mldebt reads its settings from the base branch, so"


@dataclass(frozen=True)
class ReviewSettings:
    config: Config
    errors: list[str] = field(default_factory=list)
    notes: list[ConfigNote] = field(default_factory=list)


def review_settings(gh: GitHubPort, repo: str, base_text: str | None, org_file: Blob) -> ReviewSettings:
    """The base branch's file over its shared settings. `org_file` is the organisation's, which the review's
    first query read already; a file `_extends` names elsewhere costs one more read, an invalid base file
    none."""
    own = parse_config(base_text, CONFIG_PATH)
    if own.data is None:
        ignored = ConfigNote(
            f"`{CONFIG_PATH}` on the base branch was ignored as a whole because of the problems below;"
            " mldebt reviewed with its defaults."
        )
        return ReviewSettings(Config(), list(own.problems), [ignored])
    source = shared_source(own, repo)
    if source is None:
        return ReviewSettings(layered(own, None), list(own.problems))
    org = org_source(repo)
    read_already = org is not None and (source.repo, source.path) == (org.repo, org.path)
    blob = org_file if read_already else gh.read_shared_config(source.repo, source.path)
    shared, notes = _shared(source, blob, bool(own.data))
    problems = [*own.problems, *(shared.problems if shared is not None else ())]
    return ReviewSettings(layered(own, shared), problems, notes)


def _shared(
    source: SharedSource, blob: Blob, own_settings: bool
) -> tuple[ConfigFile | None, list[ConfigNote]]:
    """The shared file as read, and what to say about it; an organisation without one is the usual case."""
    name = f"`{source.name}`"
    alone = "this repository's own settings apply alone" if own_settings else "mldebt used its defaults"
    if blob.data is None:
        if not source.named:
            return None, []
        why = blob.skip_reason or f"it does not exist, or the App is not installed on `{source.repo}`"
        return None, [
            ConfigNote(f"`{EXTENDS_KEY}` names {name}, which mldebt could not read ({why}); {alone}.")
        ]
    shared = parse_config(blob.data, source.name)
    if shared.data is None:
        return shared, [ConfigNote(f"{name} was ignored because of the problems below; {alone}.")]
    notes = [
        ConfigNote(
            f"Shared settings from {name} apply underneath this repository's `{CONFIG_PATH}`."
            if source.named
            else f"This repository has no `{CONFIG_PATH}` of its own; the organisation's, {name}, applies."
        )
    ]
    if EXTENDS_KEY in shared.data:
        notes.append(
            ConfigNote(
                f"{name} has an `{EXTENDS_KEY}` of its own, which was not followed:"
                " mldebt reads one level of shared settings."
            )
        )
    return shared, notes


def edit_notes(changed: Sequence[ChangedFile]) -> list[ConfigNote]:
    """What the pull request does to the config: it applies after merge, and would it be valid then."""
    notes: list[ConfigNote] = []
    for item in changed:
        if item.path == UNREAD_CONFIG_PATH and item.status != "removed":
            notes.append(
                ConfigNote(
                    f"This pull request adds `{UNREAD_CONFIG_PATH}`, which mldebt does not read:"
                    f" name it `{CONFIG_PATH}`."
                )
            )
        if item.path != CONFIG_PATH:
            continue
        if item.status == "removed":
            notes.append(
                ConfigNote(
                    f"This pull request deletes `{CONFIG_PATH}`. {FROM_BASE} this review still used it;"
                    " after merge, shared or default settings apply."
                )
            )
            continue
        notes.append(_edited(item))
    return notes


def _edited(item: ChangedFile) -> ConfigNote:
    said = (
        f"This pull request {'adds' if item.status == 'added' else 'edits'} `{CONFIG_PATH}`. {FROM_BASE} the"
        " change applies once it is merged; this review used the base branch's settings."
    )
    text = item.head.decode("utf-8", "replace") if isinstance(item.head, bytes) else item.head
    if text is None:
        return ConfigNote(said)
    edited = parse_config(text, CONFIG_PATH)
    if not edited.problems:
        return ConfigNote(f"{said} The new version is valid.")
    if edited.data is None:
        return ConfigNote(
            f"{said} The new version has problems that would make mldebt ignore all of it after merge:",
            edited.problems,
        )
    return ConfigNote(f"{said} The new version applies, but has problems:", edited.problems)
