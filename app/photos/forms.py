"""The one file of a multipart upload (`wx.uploadFile`, the console's upload): its OpenAPI body and its reading.

The form is read by hand rather than declared (`File`): the app-wide text check reads a url-encoded body first, and
a form FastAPI had already parsed would leave it nothing to read.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Request
from starlette.datastructures import UploadFile

from app.errors import ValidationFailed


def multipart_file(description: str) -> dict[str, Any]:
    """The OpenAPI request body of an upload: one binary field `file`."""
    return {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary", "description": description}},
                }
            }
        },
    }


@asynccontextmanager
async def one_file(request: Request, what: str) -> AsyncIterator[UploadFile]:
    """The upload's field `file` (422 without one), its spooled temporary file closed afterwards."""
    form = await request.form(max_files=1, max_fields=20)
    try:
        file = form.get("file")
        if not isinstance(file, UploadFile):
            raise ValidationFailed(["body", "file"], f"send multipart/form-data with {what} in the field 'file'")
        yield file
    finally:
        await form.close()
