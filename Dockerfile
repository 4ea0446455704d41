# The production image: `xinyuan serve` (the default command, after `xinyuan migrate`) or `xinyuan worker`, with
# APP_ENV=prod. Give it DATABASE_URL, SECRET_KEY, WECHAT_APPID, WECHAT_SECRET (README, "Docker").
# Patch version and Debian codename pinned: a rebuild gets the same Python and the same system libraries.
ARG PYTHON_IMAGE=python:3.11.14-slim-bookworm
# The console's build stage: Node 20 (Vite 8 needs 20.19+) on the same Debian release.
ARG NODE_IMAGE=node:20-bookworm-slim

# --- console: the staff console built in its own stage; only console/dist reaches the image (no Node at run time)
FROM ${NODE_IMAGE} AS console
WORKDIR /console
COPY console/package.json console/package-lock.json ./
RUN PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
COPY console/ ./
RUN npm run build

# --- build: a virtualenv with the runtime dependencies only ---
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /srv/xinyuan
COPY pyproject.toml requirements.lock README.md ./
# pyproject's `dependencies`, at the versions of requirements.lock (a constraints file: what the lock pins beyond
# them is not installed). So no test or lint tools (pytest, mypy, ruff, schemathesis, hypothesis: the `dev` extra)
# and no other extra: `embedded`, the development PostgreSQL, stays out; production names its database in
# DATABASE_URL.
RUN python -m venv /opt/venv \
 && python -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies'], sep='\n')" \
      > runtime.txt \
 && /opt/venv/bin/pip install -c requirements.lock -r runtime.txt \
 && rm runtime.txt requirements.lock
COPY alembic.ini ./
COPY migrations ./migrations
COPY app ./app
# Editable, at the path it runs from: the CLI finds alembic.ini and migrations/ beside the package (app/cli.py).
RUN /opt/venv/bin/pip install --no-deps -e . \
 && find /opt/venv /srv/xinyuan -name __pycache__ -prune -exec rm -rf {} +

# --- the image ---
FROM ${PYTHON_IMAGE}
# tini is PID 1: it reaps zombies and, with -g, passes SIGTERM / SIGINT to the command's whole process group, so
# `docker stop` reaches `xinyuan migrate` under the default command's `sh -c` as well as the server or the worker
# (a shell as PID 1 ignores SIGTERM, and Docker kills it after the grace period).
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 xinyuan \
 && useradd --system --uid 10001 --gid 10001 --home-dir /srv/xinyuan --no-create-home --shell /usr/sbin/nologin xinyuan
COPY --from=build /opt/venv /opt/venv
COPY --from=build /srv/xinyuan /srv/xinyuan
ENV PATH=/opt/venv/bin:$PATH PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    APP_ENV=prod HOST=0.0.0.0 PORT=8000
WORKDIR /srv/xinyuan
COPY --from=console /console/dist /srv/xinyuan/console/dist
# Numeric, so that a runtime can check it is not root (Kubernetes runAsNonRoot) without reading /etc/passwd.
USER 10001:10001
EXPOSE 8000
# On the port `xinyuan serve` listens on (its --port, else PORT); healthy while `xinyuan worker` runs, which serves
# no HTTP. The start period covers `xinyuan migrate` before the server starts.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-m", "app.observability.healthcheck"]
ENTRYPOINT ["tini", "-g", "--"]
CMD ["sh", "-c", "xinyuan migrate && exec xinyuan serve"]
