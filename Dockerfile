# One image; the command picks the role (compose.yaml runs both, with a health check per role):
#   docker run IMAGE                      -> webhook receiver on 0.0.0.0:${PORT:-8000}
#   docker run IMAGE python -m workers    -> one RQ worker (run as many as you need)
# No HEALTHCHECK here: the receiver's would fail every worker, which opens no port.
FROM python:3.11.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PORT=8000
WORKDIR /app

# The dependencies first, from pyproject's own lists (the light install plus the `server` extra),
# so that a change to the sources reuses this layer.
COPY pyproject.toml ./
RUN python -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; \
print('\n'.join(p['dependencies'] + p['optional-dependencies']['server']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt \
    && useradd --system --no-create-home mldebt

COPY README.md ./
COPY bot ./bot
COPY core ./core
COPY workers ./workers
COPY rules ./rules
COPY mldebt ./mldebt
# The rule pages: `rules/docs` links to them, and the SARIF report carries them as each rule's help.
COPY docs/rules ./docs/rules
RUN pip install --no-deps '.[server]'

USER mldebt
EXPOSE 8000
CMD ["python", "-m", "bot"]
