"""How mldebt's settings join a .env that holds other lines, and which addresses GitHub is given."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.setup.envfile import env_lines, key_path_setting
from bot.setup.manifest import SetupError, api_url_for, public_base, webhook_url


def test_a_new_env_gets_a_header_and_one_line_per_setting() -> None:
    assert env_lines("", {"MLDEBT_APP_ID": "7", "GITHUB_API_URL": "https://api.github.com"}) == (
        "# Written by `mldebt setup`.\nMLDEBT_APP_ID=7\nGITHUB_API_URL=https://api.github.com\n"
    )


def test_a_setting_is_replaced_where_it_stands_even_when_exported_or_repeated() -> None:
    existing = "export MLDEBT_APP_ID=1\n# keep me\nMLDEBT_APP_ID=2\nPORT=8000\n"
    assert env_lines(existing, {"MLDEBT_APP_ID": "7"}) == "MLDEBT_APP_ID=7\n# keep me\nPORT=8000\n"


def test_a_path_with_spaces_is_single_quoted_so_compose_takes_it_literally() -> None:
    assert env_lines("", {"MLDEBT_PRIVATE_KEY_PATH": "/home/a b/$key.pem"}).splitlines()[-1] == (
        "MLDEBT_PRIVATE_KEY_PATH='/home/a b/$key.pem'"
    )


def test_the_key_is_named_from_the_env_files_folder_unless_it_is_kept_outside_it(tmp_path: Path) -> None:
    env_file = tmp_path / "deploy" / ".env"
    assert (
        key_path_setting(env_file, tmp_path / "deploy" / "secrets" / "mldebt.pem") == "./secrets/mldebt.pem"
    )
    assert key_path_setting(env_file, tmp_path / "deploy" / "app.pem") == "./app.pem"
    # Given relative to the working directory, as `--env-file deploy/.env --key-file deploy/k.pem` are.
    assert key_path_setting(Path("deploy/.env"), Path("deploy/keys/../k.pem")) == "./k.pem"
    # Outside the folder it does not move with it: the absolute path keeps finding it.
    outside = tmp_path / "keys" / "mldebt.pem"
    assert key_path_setting(env_file, outside) == str(outside.resolve())


def test_a_value_that_a_env_file_cannot_hold_is_refused_by_name_without_quoting_it() -> None:
    with pytest.raises(SetupError) as refused:
        env_lines("", {"MLDEBT_WEBHOOK_SECRET": "it's\nsecret"})
    assert str(refused.value) == (
        "MLDEBT_WEBHOOK_SECRET cannot be written to a .env file: it holds a quote or a line break"
    )


@pytest.mark.parametrize(
    ("given", "base"),
    [
        ("https://mldebt.example.com", "https://mldebt.example.com"),
        ("https://mldebt.example.com/", "https://mldebt.example.com"),
        ("https://mldebt.example.com/webhook", "https://mldebt.example.com"),
        ("https://example.com/mldebt/", "https://example.com/mldebt"),
        ("https://abc123.ngrok.app", "https://abc123.ngrok.app"),
    ],
)
def test_the_public_url_is_the_base_the_webhook_path_is_added_to(given: str, base: str) -> None:
    assert public_base(given) == base


@pytest.mark.parametrize(
    ("web", "api"),
    [
        ("https://github.com", "https://api.github.com"),
        ("https://github.com/", "https://api.github.com"),
        ("https://ghe.example.com", "https://ghe.example.com/api/v3"),
    ],
)
def test_the_api_is_found_from_githubs_web_address(web: str, api: str) -> None:
    assert api_url_for(web) == api


def test_deliveries_go_to_the_receivers_route_or_to_a_relays_address_as_given() -> None:
    assert webhook_url("https://mldebt.example.com/", None) == "https://mldebt.example.com/webhook"
    assert webhook_url(None, "https://smee.io/aBc123") == "https://smee.io/aBc123"
    with pytest.raises(SetupError, match="--webhook-url must be a public http"):
        webhook_url(None, "smee.io/aBc123")
