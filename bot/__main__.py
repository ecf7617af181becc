"""`python -m bot`: the webhook receiver under uvicorn."""

from __future__ import annotations

import os
import sys

import uvicorn

from bot.app import create_app
from core.settings import Settings, SettingsError


def main() -> int:
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"mldebt receiver: {exc}", file=sys.stderr)
        return 2
    uvicorn.run(
        create_app(settings),
        host=os.environ.get("HOST", "0.0.0.0"),
        port=int(os.environ.get("PORT", "8000")),
        log_config=None,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
