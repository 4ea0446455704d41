"""The figures' export: one row per team, community, street or month, as CSV (UTF-8 with BOM, for Excel) or XLSX.
A breakdown has at most a few hundred rows: the file is made in memory, openpyxl in a thread."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import timedelta
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from app.orgs.models import Org
from app.stats.export import FORMULA_STARTS, MEDIA_TYPES, UTF8_BOM
from app.stats.schemas import ExportFormat
from app.stats.window import Window
from app.teams.labels import BY_HEADERS, EXPORT_FILE_STEM, EXPORT_HEADERS, EXPORT_SHEET
from app.teams.schemas import FiguresBy, FiguresRow
from app.text import scrub

__all__ = ["MEDIA_TYPES", "content_disposition", "make_file"]


def _table(by: FiguresBy, rows: list[FiguresRow]) -> list[list[Any]]:
    header = [EXPORT_HEADERS[0], BY_HEADERS[by], *EXPORT_HEADERS[1:]]
    body = [[r.key, r.label, r.teams, r.activities, r.attendances, round(r.minutes / 60, 1)] for r in rows]
    return [header, *body]


def _csv_cell(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    value = scrub(value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value  # a name is never a formula (CSV injection)


def _csv(table: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([[_csv_cell(v) for v in row] for row in table])
    return (UTF8_BOM + buffer.getvalue()).encode()


def _xlsx(table: list[list[Any]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(EXPORT_SHEET)
    for row in table:
        cells = []
        for value in row:
            if isinstance(value, str):
                cell = WriteOnlyCell(sheet, scrub(value))
                cell.data_type = "s"  # text stays text, even when it starts with "=" (never a formula)
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


async def make_file(by: FiguresBy, rows: list[FiguresRow], fmt: ExportFormat) -> bytes:
    table = _table(by, rows)
    return _csv(table) if fmt is ExportFormat.csv else await asyncio.to_thread(_xlsx, table)


def content_disposition(org: Org, window: Window, by: FiguresBy, fmt: ExportFormat, tz: ZoneInfo) -> str:
    first = window.since.astimezone(tz)
    last = (window.until - timedelta(microseconds=1)).astimezone(tz)
    days = f"{first:%Y%m%d}-{last:%Y%m%d}"
    fallback = f"volunteering-{org.id}-{by}-{days}.{fmt}"
    named = quote(f"{EXPORT_FILE_STEM}-{org.name}-{BY_HEADERS[by]}-{days}.{fmt}")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{named}"
