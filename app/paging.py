"""Cursor paging, as the contract says: `?limit=20&cursor=...` → `{"items": [...], "next_cursor": ... | null}`.

The cursor is opaque to clients; inside it is the last id seen (lists are newest first, by id).
"""

from __future__ import annotations

import base64
from typing import Annotated, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel

from app.errors import ValidationFailed
from app.ids import MAX_ID

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int | None:
    if cursor is None or cursor == "":
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, value = raw.partition(":")
        if kind == "id" and value.isascii() and value.isdigit() and len(value) <= 10 and int(value) <= MAX_ID:
            return int(value)  # an id PostgreSQL's integer holds: a bigger one is a forged cursor, not a 500
    except (ValueError, UnicodeDecodeError):
        pass
    raise ValidationFailed(["query", "cursor"], "invalid cursor")


Limit = Annotated[int, Query(ge=1, le=100, description="page size")]
Cursor = Annotated[str | None, Query(max_length=200, description="next_cursor of the previous page")]


def next_cursor(ids: list[int], limit: int) -> str | None:
    """Given the ids of up to limit+1 rows fetched, the cursor for the next page (None on the last page)."""
    return encode_cursor(ids[limit - 1]) if len(ids) > limit else None
