"""Date arithmetic the figures need, written once per dialect (SQLite for development, PostgreSQL in production).

Each is a SQL expression, so the figures stay one aggregate query: no wish is ever loaded into Python.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float, SQLColumnExpression, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


class elapsed_minutes(FunctionElement[float]):
    """Minutes from `start` to `end` (NULL if either is NULL)."""

    type = Float()
    inherit_cache = True
    name = "elapsed_minutes"

    def __init__(self, start: SQLColumnExpression[Any], end: SQLColumnExpression[Any]) -> None:
        super().__init__(start, end)


@compiles(elapsed_minutes, "postgresql")
def _elapsed_pg(element: elapsed_minutes, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    # date_part is double precision; EXTRACT is numeric since PostgreSQL 14 and twice as slow over a year's wishes.
    return f"(date_part('epoch', {end} - {start}) / 60.0)"


@compiles(elapsed_minutes, "sqlite")
def _elapsed_sqlite(element: elapsed_minutes, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    # julianday() is a float of days: round to the millisecond so that "exactly 24 h" compares as 24 h.
    return f"(ROUND((julianday({end}) - julianday({start})) * 86400000.0) / 60000.0)"


class local_month(FunctionElement[str]):
    """`YYYY-MM` of a UTC timestamp in the given time zone (the month a Chinese user would say)."""

    type = String()
    inherit_cache = False  # carries the zone as plain attributes, which the cache key does not see
    name = "local_month"

    def __init__(self, at: SQLColumnExpression[Any], tz_name: str, utc_offset_minutes: int) -> None:
        super().__init__(at)
        self.tz_name = tz_name
        self.utc_offset_minutes = utc_offset_minutes


@compiles(local_month, "postgresql")
def _month_pg(element: local_month, compiler: SQLCompiler, **kw: Any) -> str:
    (at,) = (compiler.process(c, **kw) for c in element.clauses)
    # The zone is rendered as a literal, not a bound parameter, so SELECT and GROUP BY are the same expression.
    zone = compiler.render_literal_value(element.tz_name, String())
    return f"to_char(timezone({zone}, {at}), 'YYYY-MM')"


@compiles(local_month, "sqlite")
def _month_sqlite(element: local_month, compiler: SQLCompiler, **kw: Any) -> str:
    (at,) = (compiler.process(c, **kw) for c in element.clauses)
    # SQLite knows no zones: a fixed offset, right for Asia/Shanghai (no daylight saving since 1991).
    return f"strftime('%Y-%m', {at}, '{int(element.utc_offset_minutes):+d} minutes')"
