"""Declarative base, engine and session factory, and the request-scoped session dependency.

The request owns the transaction: `get_session` opens one session per request, the handlers and services only
`flush()`, and the session commits once when the handler returns (or rolls back if it raised).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import DateTime, MetaData, TypeDecorator, event
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# How long a lost or silent database may hold a request before it is answered 503 (app/errors.py).
# A connect (asyncpg `timeout`), a statement (asyncpg `command_timeout`), a free
# connection of the pool. DATABASE_URL may say otherwise: `...?timeout=10&command_timeout=120`.
CONNECT_TIMEOUT_SECONDS = 5.0
COMMAND_TIMEOUT_SECONDS = 30.0
POOL_TIMEOUT_SECONDS = 10.0
URL_TIMEOUTS = ("timeout", "command_timeout")
# How the app's connections are named in pg_stat_activity.
APPLICATION_NAME = "xinyuan"


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes: a naive one is refused rather than taken for the server's local time."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    return datetime.now(UTC)


def create_engine(url: str, *, command_timeout: float | None = COMMAND_TIMEOUT_SECONDS, **kwargs: Any) -> AsyncEngine:
    """An engine for a PostgreSQL URL (`postgresql+asyncpg://...`).

    `command_timeout`: statements longer than this fail (503); None for jobs whose statements may rightly run long
    at district scale (migrations building indexes, the retention job).
    """
    # Up to 30 connections, all kept once opened (asyncpg's own pool does the same). With 10 kept and 20 more
    # "overflow", a busy minute closed and reopened connections all the time: 60-200 new PostgreSQL sessions in a
    # 25 s benchmark run, each a backend started, for nothing.
    kwargs.setdefault("pool_size", 30)
    kwargs.setdefault("max_overflow", 0)
    kwargs.setdefault("pool_timeout", POOL_TIMEOUT_SECONDS)
    # No ping before each use (a round trip on every request): a connection found dead fails its request with
    # 503 (app/errors.py), and SQLAlchemy then discards every pooled connection older than the failure.
    kwargs.setdefault("pool_pre_ping", False)
    kwargs["connect_args"] = {**_postgres_connect_args(url, command_timeout), **kwargs.get("connect_args", {})}
    engine = create_async_engine(url, **kwargs)
    event.listen(engine.sync_engine, "do_connect", _connect_or_unavailable)
    return engine


def _postgres_connect_args(url: str, command_timeout: float | None) -> dict[str, Any]:
    query = make_url(url).query
    args: dict[str, Any] = {
        "timeout": CONNECT_TIMEOUT_SECONDS,
        "command_timeout": command_timeout,
        "server_settings": {"application_name": APPLICATION_NAME},
    }
    # Given in the URL, they reach asyncpg as text: as numbers here, they win over the defaults above.
    args.update({key: float(str(query[key])) for key in URL_TIMEOUTS if key in query})
    return args


def _connect_or_unavailable(dialect: Dialect, _record: Any, cargs: Any, cparams: dict[str, Any]) -> Any:
    # A refused, unreachable or silent server surfaces from asyncpg as a bare OSError / TimeoutError; as the
    # driver's OperationalError it reaches the app as SQLAlchemy's, like every other database failure.
    try:
        return dialect.connect(*cargs, **cparams)
    except OSError as exc:  # TimeoutError included
        raise dialect.loaded_dbapi.OperationalError(f"cannot connect to the database: {exc!r}", exc) from exc


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


# Set on a connection's `info` by app/auth/standing.py when a statement changed a caller's standing (a user, a
# role, a membership, an org): the request that committed it drops this process's cached standings itself, before
# it answers, rather than wait the milliseconds PostgreSQL's NOTIFY takes to come back.
STANDING_CHANGED = "standing_changed"


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    sessionmaker: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    async with sessionmaker() as session:
        try:
            yield session
            changed = session.in_transaction() and (await session.connection()).info.pop(STANDING_CHANGED, False)
            await session.commit()
            if changed:
                request.app.state.standing.changed_here()
        except BaseException:
            # A flag left on the connection by a failed request costs one needless flush of the cache at most.
            await session.rollback()
            raise


# scope="function": commit before the response is sent, so a failed commit is never reported as success.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


async def before_outside_call(session: AsyncSession) -> None:
    """End the request's transaction before a call outside the database (WeChat), which may take seconds: it must
    not hold a connection, a snapshot or row locks meanwhile. The session begins a new transaction on its next
    statement, so the request's writes still commit together at its end.

    For the reads made so far (authentication, the checks that spare WeChat a request that would be refused):
    a request calls out before it writes, never in the middle of its unit of work.
    """
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("call outside the database before the request writes, not in the middle of it")
    if session.in_transaction():
        await session.commit()  # reads only: nothing to keep or lose; commit keeps the loaded objects usable


async def _statements_commit_alone(session: SessionDep) -> None:
    if session.in_transaction():
        raise RuntimeError("AutocommitReads must come before anything else uses the request's session")
    await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


# A route dependency for reads whose only write is one statement (the contact access log): each statement then
# commits alone, which saves the BEGIN and COMMIT round trips (two of a queue page's five).
# The reads see what they would in a transaction: under READ COMMITTED each statement takes its own snapshot.
# Not for a route that writes twice, locks rows or sets anything LOCAL.
AutocommitReads = Depends(_statements_commit_alone)
