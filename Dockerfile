# Production image: slim, non-root; migrates, then serves with APP_ENV=prod.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    APP_ENV=prod HOST=0.0.0.0 PORT=8000
WORKDIR /srv/xinyuan

COPY requirements.lock ./
RUN pip install -r requirements.lock

COPY pyproject.toml alembic.ini README.md ./
COPY app ./app
COPY migrations ./migrations
# Editable install: the CLI finds alembic.ini and migrations/ beside the package.
RUN pip install --no-deps -e . && useradd --system --uid 10001 --home /srv/xinyuan xinyuan
USER xinyuan

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
CMD ["sh", "-c", "xinyuan migrate && exec xinyuan serve"]
