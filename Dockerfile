# One image; the command picks the role:
#   docker run IMAGE                      -> webhook receiver on :8000
#   docker run IMAGE python -m workers    -> one RQ worker (run as many as you need)
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY pyproject.toml README.md ./
COPY bot ./bot
COPY core ./core
COPY workers ./workers
COPY rules ./rules
RUN pip install --no-cache-dir . && useradd --system --no-create-home mldebt

USER mldebt
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
CMD ["python", "-m", "bot"]
