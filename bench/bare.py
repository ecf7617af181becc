"""The ack baseline: a FastAPI endpoint that only answers 202, served exactly as `python -m bot` serves
the receiver."""

from __future__ import annotations

import sys

import uvicorn
from fastapi import FastAPI, Response

app = FastAPI(docs_url=None, redoc_url=None)


@app.post("/webhook")
async def webhook() -> Response:
    return Response(status_code=202)


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_config=None)
