"""`python -m bot`: the webhook receiver under uvicorn."""

from __future__ import annotations

import gc
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
    app = create_app(settings)
    # What is loaded by now (FastAPI, pydantic, the webhook schemas: some 80,000 objects) lives as long as
    # the process: frozen, the collections that each delivery's garbage sets off no longer walk it.
    gc.freeze()
    uvicorn.run(
        app,
        host=os.environ.get("HOST", "0.0.0.0"),
        port=int(os.environ.get("PORT", "8000")),
        log_config=None,
        # The receiver logs each delivery once, with its outcome; uvicorn's access line would be a second,
        # formatted and written for every delivery.
        access_log=False,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
