"""The export: one row per wish of an org's subtree and window, as CSV or XLSX, streamed in batches.

Rows are read through a server-side cursor (`yield_per`) and written as they come, so memory stays flat however
many rows there are. An XLSX is a zip that can only be closed at the end: openpyxl's write-only mode keeps the
rows in a temporary file, and the finished file is sent in chunks.
"""

from __future__ import annotations

import asyncio
import csv
import io
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlalchemy import Select, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased, load_only

from app.catalog.models import Category
from app.members.models import Member
from app.orgs.models import Org
from app.privacy import mask_phone
from app.stats.figures import custom_plans
from app.stats.labels import EXPORT_FILE_STEM, EXPORT_HEADERS, EXPORT_SHEET, NO, STATUS_LABELS, YES
from app.stats.schemas import ExportFormat
from app.stats.scope import wish_filters
from app.stats.window import Window
from app.text import scrub
from app.wishes.machine import Status, is_overdue
from app.wishes.models import Wish

BATCH_ROWS = 1000
CHUNK_BYTES = 64 * 1024
MEDIA_TYPES = {
    ExportFormat.csv: "text/csv; charset=utf-8",
    ExportFormat.xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Excel reads a CSV as UTF-8 only when it starts with a byte-order mark (WPS reads either way).
UTF8_BOM = "\ufeff"
# A cell starting with one of these is a formula to Excel and WPS: user text must never run (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
COLUMN_WIDTHS = [20, 12, 10, 16, 24, 10, 18, 18, 18, 18, 18, 8, 10, 6, 14]

_COMMUNITY = aliased(Org, name="export_community")
_GRID = aliased(Org, name="export_grid")
Row = list[Any]
AnySelect = Select[*tuple[Any, ...]]  # a SELECT of several columns


async def count_rows(session: AsyncSession, org: Org, window: Window) -> int:
    await custom_plans(session)
    return int(await session.scalar(select(func.count()).select_from(Wish).where(*wish_filters(org, window))) or 0)


def export_query(org: Org, window: Window) -> AnySelect:
    columns = (Wish.id, Wish.created_at, Wish.title, Wish.status, Wish.contact_phone, Wish.due_at, Wish.rating_score)
    return (
        select(Wish, _COMMUNITY.name, _GRID.name, Category.name, Member.real_name)
        .options(load_only(*columns, Wish.dispatched_at, Wish.accepted_at, Wish.done_at))
        .join(_COMMUNITY, _COMMUNITY.id == Wish.community_id)
        .outerjoin(_GRID, _GRID.id == Wish.grid_id)
        .join(Category, Category.id == Wish.category_id)
        .outerjoin(Member, and_(Member.user_id == Wish.assignee_id, Member.community_id == Wish.community_id))
        .where(*wish_filters(org, window))
        .order_by(Wish.id)
    )


def _late(wish: Wish, now: datetime) -> bool:
    """超时: done after its deadline, or still open past it."""
    if wish.status == Status.done and wish.done_at is not None:
        return wish.done_at > wish.due_at
    return is_overdue(Status(wish.status), wish.due_at, now)


def export_row(
    wish: Wish, community: str, grid: str | None, category: str, assignee: str | None, *, now: datetime, tz: ZoneInfo
) -> Row:
    def local(at: datetime | None) -> datetime | None:
        if at is None:
            return None
        try:
            return at.astimezone(tz).replace(tzinfo=None, microsecond=0)
        except OverflowError:  # a time at the edge of year 9999, stored before dispatch bounded due_at: shown in UTC
            return at.replace(tzinfo=None, microsecond=0)

    return [
        wish.number,
        community,
        grid,
        category,
        wish.title,
        STATUS_LABELS[Status(wish.status)],
        local(wish.created_at),
        local(wish.dispatched_at),
        local(wish.accepted_at),
        local(wish.done_at),
        local(wish.due_at),
        YES if _late(wish, now) else NO,
        assignee,
        wish.rating_score,
        mask_phone(wish.contact_phone),  # the minimum necessary: a spreadsheet travels further than the app
    ]


@dataclass(frozen=True)
class Source:
    """An org's wishes created in a window, to be written as rows in the service's time zone."""

    sessionmaker: async_sessionmaker[AsyncSession]
    org: Org
    window: Window
    now: datetime
    tz: ZoneInfo


@asynccontextmanager
async def _snapshot(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A session of its own (the request's is closed while the body streams), and one snapshot for everything it
    reads (REPEATABLE READ)."""
    async with sessionmaker() as session:
        await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        await custom_plans(session)
        yield session


async def _batches(session: AsyncSession, source: Source) -> AsyncIterator[list[Row]]:
    query = export_query(source.org, source.window).execution_options(yield_per=BATCH_ROWS)
    result = await session.stream(query)
    async for batch in result.partitions():
        yield [export_row(*row, now=source.now, tz=source.tz) for row in batch]


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M:%S}"
    if not isinstance(value, str):
        return value
    value = scrub(value)  # stored before input was held to app/text.py's rule: the file must still be whole
    return "'" + value if value.startswith(FORMULA_STARTS) else value


async def csv_stream(source: Source) -> AsyncIterator[bytes]:
    yield (UTF8_BOM + _csv_lines([EXPORT_HEADERS])).encode()
    async with _snapshot(source.sessionmaker) as session:
        async for batch in _batches(session, source):
            yield _csv_lines([[_csv_cell(v) for v in row] for row in batch]).encode()


def _csv_lines(rows: list[Row]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)  # RFC 4180: CRLF line ends, quotes where needed
    return buffer.getvalue()


def _xlsx_cell(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, scrub(value))  # openpyxl refuses C0 controls; U+FFFF or a surrogate breaks the zip
    cell.data_type = "s"  # text stays text, even when it starts with "=" (openpyxl would make it a formula)
    return cell


def _append(sheet: WriteOnlyWorksheet, rows: list[Row]) -> None:
    for row in rows:
        sheet.append([_xlsx_cell(sheet, v) for v in row])


def _sheet(workbook: Workbook, rows: int) -> WriteOnlyWorksheet:
    sheet = workbook.create_sheet(EXPORT_SHEET)
    # A write-only sheet states no size (<dimension>) unless it is told, and readers that go by it (openpyxl's
    # read-only mode, for one) then see an "unsized" sheet. Its writer asks `calculate_dimension` before the first
    # row; the size is known, the rows having been counted in the same snapshot as they are read.
    size = f"A1:{get_column_letter(len(EXPORT_HEADERS))}{rows + 1}"
    sheet.calculate_dimension = lambda: size
    for i, width in enumerate(COLUMN_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.append(EXPORT_HEADERS)
    return sheet


async def xlsx_stream(source: Source) -> AsyncIterator[bytes]:
    workbook = Workbook(write_only=True)
    async with _snapshot(source.sessionmaker) as session:
        sheet = _sheet(workbook, await count_rows(session, source.org, source.window))
        async for batch in _batches(session, source):
            await asyncio.to_thread(_append, sheet, batch)  # openpyxl is synchronous: keep the event loop free
    with tempfile.TemporaryFile() as file:
        await asyncio.to_thread(workbook.save, file)
        file.seek(0)
        while chunk := await asyncio.to_thread(file.read, CHUNK_BYTES):
            yield chunk


def content_disposition(org: Org, window: Window, fmt: ExportFormat, tz: ZoneInfo) -> str:
    first = window.since.astimezone(tz)
    last = (window.until - timedelta(microseconds=1)).astimezone(tz)
    days = f"{first:%Y%m%d}-{last:%Y%m%d}"
    fallback = f"xinyuan-{org.id}-{days}.{fmt}"  # for clients that ignore filename*
    return (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(f'{EXPORT_FILE_STEM}-{org.name}-{days}.{fmt}')}"
    )
