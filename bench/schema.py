"""The loaded tables as the migrations left them: their columns (so the seeder adapts to new ones), and their
secondary indexes and keys, taken off before a bulk load and put back after with their own definitions."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import asyncpg

# A value for a NOT NULL column without a server default that the seeder does not know (yet), by type.
_FILLERS: dict[str, Any] = {
    "integer": 0,
    "bigint": 0,
    "smallint": 0,
    "boolean": False,
    "character varying": "",
    "text": "",
    "json": "{}",
    "jsonb": "{}",
    "timestamp with time zone": datetime(2000, 1, 1, tzinfo=UTC),
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool  # NOT NULL and no default: a row must carry it


@dataclass
class Shapes:
    tables: dict[str, dict[str, Column]]
    warnings: list[str] = field(default_factory=list)

    def check(self, table: str, columns: Sequence[str]) -> None:
        """Note what differs from what the seeder knows (the load still works: see `copy`)."""
        have = self.tables[table]
        for name in columns:
            if name not in have:
                self.warnings.append(f"{table}.{name}: no longer in the schema; not loaded")
        for col in have.values():
            if col.required and col.name not in columns:
                if col.type in _FILLERS:
                    self.warnings.append(f"{table}.{col.name}: new NOT NULL column; filled with {_FILLERS[col.type]!r}")
                else:
                    raise SystemExit(f"{table}.{col.name} ({col.type}) is NOT NULL without a default: teach bench/seed")

    async def copy(
        self, conn: asyncpg.Connection, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]
    ) -> int:
        have = self.tables[table]
        keep = [i for i, name in enumerate(columns) if name in have]
        extra = [c for c in have.values() if c.required and c.name not in columns]
        names = [columns[i] for i in keep] + [c.name for c in extra]
        if len(keep) != len(columns) or extra:
            fill = tuple(_FILLERS[c.type] for c in extra)
            rows = [tuple(r[i] for i in keep) + fill for r in rows]
        await conn.copy_records_to_table(table, records=rows, columns=names)
        return len(rows)


async def read_shapes(conn: asyncpg.Connection, tables: Sequence[str]) -> Shapes:
    rows = await conn.fetch(
        "SELECT table_name, column_name, data_type, is_nullable = 'NO' AND column_default IS NULL AS required "
        "FROM information_schema.columns WHERE table_schema = 'public' AND table_name = ANY($1::text[])",
        list(tables),
    )
    shapes: dict[str, dict[str, Column]] = {t: {} for t in tables}
    for r in rows:
        shapes[r["table_name"]][r["column_name"]] = Column(r["column_name"], r["data_type"], r["required"])
    missing = [t for t, cols in shapes.items() if not cols]
    if missing:
        raise SystemExit(f"tables missing after migrate: {missing}")
    return Shapes(shapes)


@dataclass(frozen=True)
class Saved:
    """What `strip` took off: statements to put it back (indexes and unique keys first, then foreign keys)."""

    indexes: list[str]
    foreign_keys: list[str]


async def strip(conn: asyncpg.Connection, tables: Sequence[str]) -> Saved:
    keys = await conn.fetch(
        "SELECT c.conrelid::regclass::text AS tbl, c.conname, c.contype, pg_get_constraintdef(c.oid) AS def "
        "FROM pg_constraint c WHERE c.contype IN ('f', 'u') AND c.conrelid::regclass::text = ANY($1::text[]) "
        "ORDER BY c.contype",  # foreign keys ('f') go before the unique keys they may depend on
        list(tables),
    )
    indexes = await conn.fetch(
        "SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def FROM pg_index i "
        "JOIN pg_class t ON t.oid = i.indrelid WHERE NOT i.indisprimary AND t.relname = ANY($1::text[]) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
        list(tables),
    )
    add = [f'ALTER TABLE {k["tbl"]} ADD CONSTRAINT "{k["conname"]}" {k["def"]}' for k in keys]
    for k in keys:
        await conn.execute(f'ALTER TABLE {k["tbl"]} DROP CONSTRAINT "{k["conname"]}"')
    for i in indexes:
        await conn.execute(f"DROP INDEX {i['name']}")
    unique = [s for s, k in zip(add, keys, strict=True) if k["contype"] == "u"]
    fks = [s for s, k in zip(add, keys, strict=True) if k["contype"] == "f"]
    return Saved(indexes=[i["def"] for i in indexes] + unique, foreign_keys=fks)


async def _run_all(dsn: str, statements: list[str], workers: int = 2) -> None:
    """Run the statements on `workers` connections at once (each builds one index on one core)."""
    queue: asyncio.Queue[str] = asyncio.Queue()
    for s in statements:
        queue.put_nowait(s)

    async def worker() -> None:
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute("SET maintenance_work_mem = '512MB'; SET max_parallel_maintenance_workers = 0")
            while not queue.empty():
                await conn.execute(queue.get_nowait())
        finally:
            await conn.close()

    await asyncio.gather(*(worker() for _ in range(workers)))


def _biggest_first(statements: list[str]) -> list[str]:
    order = ["notifications", "wish_events", "wishes", "service_records", "users"]

    def rank(s: str) -> int:
        return next((i for i, t in enumerate(order) if f" {t} " in s or f" public.{t} " in s), len(order))

    return sorted(statements, key=rank)


async def restore(dsn: str, saved: Saved, tables: Sequence[str]) -> None:
    await _run_all(dsn, _biggest_first(saved.indexes))
    await _run_all(dsn, _biggest_first(saved.foreign_keys))
    conn = await asyncpg.connect(dsn)
    try:
        for table in tables:
            seq = await conn.fetchval("SELECT pg_get_serial_sequence($1, 'id')", table)
            if seq:
                await conn.execute(f"SELECT setval('{seq}', COALESCE((SELECT max(id) FROM {table}), 0) + 1, false)")
    finally:
        await conn.close()
    await _run_all(dsn, [f"VACUUM (ANALYZE) {t}" for t in _biggest_first(list(tables))])
