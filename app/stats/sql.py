"""Date arithmetic the figures need, as SQL expressions spelled out once, so that the figures stay one aggregate
query (no wish is ever loaded into Python) and an index on the same expression is used.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Float, SQLColumnExpression, literal
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


@compiles(elapsed_minutes)
def _elapsed_pg(element: elapsed_minutes, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    # date_part is double precision; EXTRACT is numeric since PostgreSQL 14 and twice as slow over a year's wishes.
    return f"(date_part('epoch', {end} - {start}) / 60.0)"


class within_minutes(FunctionElement[bool]):
    """`end` at most `minutes` after `start` (NULL if either is NULL): `elapsed_minutes(start, end) <= minutes`.

    It compares instants, `end <= start + make_interval(mins => minutes)`, which is the same test: the
    minutes of exactly `minutes` later come out exact from date_part, and one microsecond later already compares
    greater. It spares computing the minutes of every wish of a year (a fifth of the counts' time). The interval
    has no day part, so no time zone is involved in the addition.
    """

    type = Boolean()
    inherit_cache = True
    name = "within_minutes"

    def __init__(self, start: SQLColumnExpression[Any], end: SQLColumnExpression[Any], minutes: int) -> None:
        super().__init__(start, end, literal(minutes))


@compiles(within_minutes)
def _within_pg(element: within_minutes, compiler: SQLCompiler, **kw: Any) -> str:
    start, end, minutes = (compiler.process(c, **kw) for c in element.clauses)
    return f"({end} <= {start} + make_interval(mins => {minutes}))"
