"""`MLDEBT_DOCS_URL`: where the App's rule links point, read once at start-up."""

from __future__ import annotations

import pytest

from core.settings import Settings, SettingsError
from rules.docs import DEFAULT_DOCS_URL

REQUIRED = {"MLDEBT_APP_ID": "7", "MLDEBT_PRIVATE_KEY": "unused", "MLDEBT_WEBHOOK_SECRET": "s"}


@pytest.mark.parametrize(
    ("value", "link"),
    [
        (None, DEFAULT_DOCS_URL.replace("{rule}", "magic-number")),
        ("", DEFAULT_DOCS_URL.replace("{rule}", "magic-number")),
        ("https://docs.example.com/mldebt/rules/", "https://docs.example.com/mldebt/rules/magic-number.md"),
        ("https://wiki.example.com/ml?page={rule}", "https://wiki.example.com/ml?page=magic-number"),
    ],
)
def test_links_follow_the_setting(value: str | None, link: str) -> None:
    env = REQUIRED if value is None else {**REQUIRED, "MLDEBT_DOCS_URL": value}
    assert Settings.from_env(env).docs.link("magic-number") == link


def test_the_setting_reaches_worker_processes() -> None:
    settings = Settings.from_env({**REQUIRED, "MLDEBT_DOCS_URL": "https://docs.example.com/r"})
    assert (
        Settings.from_env(settings.to_env()).docs.link("dead-code")
        == "https://docs.example.com/r/dead-code.md"
    )


@pytest.mark.parametrize("value", ["docs.example.com/rules", "file:///srv/docs/{rule}.md", "https://"])
def test_an_address_that_is_not_http_stops_start_up(value: str) -> None:
    with pytest.raises(SettingsError, match="MLDEBT_DOCS_URL must be an http"):
        Settings.from_env({**REQUIRED, "MLDEBT_DOCS_URL": value})
