"""The `xinyuan` command: serve, worker, migrate, seed-demo, grant-admin, retention."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import click

from app.config import Settings, get_settings

ROOT = Path(__file__).resolve().parent.parent


def alembic_config(url: str | None = None) -> object:
    from alembic.config import Config

    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    if url:
        config.attributes["url"] = url
    return config


def _prepare_sqlite_dir(settings: Settings) -> None:
    prefix = "sqlite+aiosqlite:///"
    if settings.database_url.startswith(prefix):
        path = settings.database_url.removeprefix(prefix)
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)


@click.group()
def main() -> None:
    """xinyuan 心愿: 居民点单、支部下单、党员接单."""


@main.command()
@click.option("--host", default=None, help="default: HOST setting (127.0.0.1)")
@click.option("--port", default=None, type=int, help="default: PORT setting (8000)")
def serve(host: str | None, port: int | None) -> None:
    """Serve the API (in dev also the fake WeChat under /_dev/wechat/)."""
    import uvicorn

    from app.main import create_app
    from app.observability.logs import configure_logging

    base = get_settings()
    settings = base.model_copy(update={"host": host or base.host, "port": port or base.port})
    configure_logging(settings.log_level, bool(settings.log_json))
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        log_config=None,  # keep ours (configure_logging): JSON lines with the request id
        log_level=settings.log_level.lower(),
        access_log=False,  # the request middleware writes one access line per request, with its id
    )


@main.command()
def worker() -> None:
    """Send the outbox as WeChat subscribe messages until SIGTERM (run one or more beside `serve`)."""
    from app.observability.logs import configure_logging
    from app.worker import run_worker

    settings = get_settings()
    configure_logging(settings.log_level, bool(settings.log_json))
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
    from alembic import command

    settings = get_settings()
    _prepare_sqlite_dir(settings)
    command.upgrade(alembic_config(settings.database_url), "head")  # type: ignore[arg-type]
    click.echo("database at the newest migration")


@main.command("seed-demo")
def seed_demo() -> None:
    """Load the demo district (idempotent: running it again changes nothing)."""
    from app.seed import seed

    summary = asyncio.run(seed(get_settings().database_url))
    click.echo(summary)


@main.command("grant-admin")
@click.option("--openid", required=True)
@click.option("--org", "org_id", required=True, type=int)
def grant_admin(openid: str, org_id: int) -> None:
    """Make the user with this openid an admin over the org (creating the user if they never signed in)."""
    from app.seed import grant_admin as grant

    click.echo(asyncio.run(grant(get_settings().database_url, openid, org_id)))


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

    settings = get_settings()
    configure_logging(settings.log_level, bool(settings.log_json))
    days = days or settings.retention_days
    if days <= settings.reopen_days:
        raise click.BadParameter(f"must exceed REOPEN_DAYS ({settings.reopen_days}): done wishes may be reopened")
    click.echo(asyncio.run(run_retention(settings.database_url, utcnow(), days)))
