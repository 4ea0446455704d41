"""The `xinyuan` command: serve, worker, migrate, seed-demo, grant-admin, retention, db."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from app.config import Settings, get_settings
from app.heap import settle_heap

if TYPE_CHECKING:
    from fastapi import FastAPI


def _settings() -> Settings:
    """The settings, with DATABASE_URL unset meaning this checkout's embedded PostgreSQL (started if need be)."""
    from app.embedded_pg import EmbeddedUnavailable, database_url

    settings = get_settings()
    try:
        url = database_url(settings.database_url, Path(settings.embedded_pgdata))
    except EmbeddedUnavailable as exc:
        raise click.ClickException(f"{exc}; or set DATABASE_URL to a PostgreSQL server") from exc
    return settings.model_copy(update={"database_url": url})


@click.group()
def main() -> None:
    """xinyuan 心愿: 居民点单、支部下单、党员接单."""


@main.command()
@click.option("--host", default=None, help="default: HOST setting (127.0.0.1)")
@click.option("--port", default=None, type=int, help="default: PORT setting (8000)")
@click.option(
    "--workers",
    default=1,
    type=click.IntRange(1, 64),
    show_default=True,
    help="API processes sharing the port (uvicorn's); about one per core (README: Speed)",
)
def serve(host: str | None, port: int | None, workers: int) -> None:
    """Serve the API (in dev also the fake WeChat under /_dev/wechat/)."""
    import uvicorn

    from app.main import create_app
    from app.observability.logs import configure_logging

    base = _settings()
    settings = base.model_copy(update={"host": host or base.host, "port": port or base.port})
    configure_logging(settings.log_level, bool(settings.log_json))
    options: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "proxy_headers": True,
        "forwarded_allow_ips": settings.forwarded_allow_ips,
        "log_config": None,  # keep ours (configure_logging): JSON lines with the request id
        "log_level": settings.log_level.lower(),
        "access_log": False,  # the request middleware writes one access line per request, with its id
    }
    if workers == 1:
        app = create_app(settings)
        settle_heap()
        uvicorn.run(app, **options)
        return
    # Several processes: each builds its app from the environment, so the options given here go there too.
    os.environ.update(HOST=settings.host, PORT=str(settings.port))
    uvicorn.run("app.cli:process_app", factory=True, workers=workers, **options)


def process_app() -> FastAPI:
    """The app of one of `serve --workers N`'s processes: its settings from the environment, its logging ours."""
    from app.main import create_app
    from app.observability.logs import configure_logging

    settings = _settings()
    configure_logging(settings.log_level, bool(settings.log_json))
    app = create_app(settings)
    settle_heap()
    return app


@main.command()
def worker() -> None:
    """Send the outbox as WeChat subscribe messages until SIGTERM (run one or more beside `serve`)."""
    from app.observability.logs import configure_logging
    from app.worker import run_worker

    settings = _settings()
    configure_logging(settings.log_level, bool(settings.log_json))
    settle_heap()
    with asyncio.Runner(loop_factory=_fast_loop()) as runner:
        runner.run(run_worker(settings))


def _fast_loop() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop where it is installed (uvicorn[standard] brings it; `serve` runs on it too), else asyncio's own loop.

    The relay is mostly sockets: on asyncio's selector loop the loop itself took a fifth of its CPU."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


@main.command()
def migrate() -> None:
    """Bring the database schema to the newest migration."""
    from app.migrations import upgrade_to_head

    settings = _settings()
    upgrade_to_head(settings.database_url)
    click.echo("database at the newest migration")


@main.command("seed-demo")
def seed_demo() -> None:
    """Load the demo district (idempotent: running it again changes nothing)."""
    from app.photos.storage import open_storage
    from app.seed import seed

    settings = _settings()
    summary = asyncio.run(seed(settings.database_url, storage=open_storage(settings.storage_url)))
    click.echo(summary)


@main.command("grant-admin")
@click.option("--openid", required=True)
@click.option("--org", "org_id", required=True, type=int)
def grant_admin(openid: str, org_id: int) -> None:
    """Make the user with this openid an admin over the org (creating the user if they never signed in)."""
    from app.seed import grant_admin as grant

    click.echo(asyncio.run(grant(_settings().database_url, openid, org_id)))


@main.command()
def diagram() -> None:
    """Print the wish state diagram (Mermaid), generated from the machine table, for the README."""
    from app.wishes.machine import mermaid

    click.echo(mermaid())


@main.command()
@click.option("--days", type=click.IntRange(min=1), default=None, help="default: RETENTION_DAYS (180)")
def retention(days: int | None) -> None:
    """Erase address and phone of wishes closed longer ago than RETENTION_DAYS (PIPL); run it daily."""
    from app.db import utcnow
    from app.observability.logs import configure_logging
    from app.privacy.retention import run_retention

    settings = _settings()
    configure_logging(settings.log_level, bool(settings.log_json))
    days = days or settings.retention_days
    if days <= settings.reopen_days:
        raise click.BadParameter(f"must exceed REOPEN_DAYS ({settings.reopen_days}): done wishes may be reopened")
    click.echo(asyncio.run(run_retention(settings.database_url, utcnow(), days)))


@main.group()
def db() -> None:
    """The embedded PostgreSQL of this checkout (used when DATABASE_URL is unset)."""


def _pgdata() -> Path:
    return Path(get_settings().embedded_pgdata)


@db.command("status")
def db_status() -> None:
    """Whether it runs, where its data lives, and its DATABASE_URL."""
    from app.embedded_pg import status

    settings = get_settings()
    if settings.database_url:
        click.echo("DATABASE_URL is set: the embedded PostgreSQL is not used")
    click.echo(status(_pgdata()).describe())


@db.command("stop")
def db_stop() -> None:
    """Stop it (its data stays; the next xinyuan command starts it again)."""
    from app.embedded_pg import stop

    click.echo("stopped" if stop(_pgdata()) else "not running")


@db.command("psql")
def db_psql() -> None:
    """Open psql on it."""
    from app.embedded_pg import EmbeddedUnavailable, ensure_running, exec_psql

    try:
        ensure_running(_pgdata())
        exec_psql(_pgdata())
    except EmbeddedUnavailable as exc:
        raise click.ClickException(str(exc)) from exc
