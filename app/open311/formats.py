"""GeoReport v2's two formats: the same documents as JSON or XML, and its own error list.

Errors are `[{"code": 403, "description": "..."}]` (XML: `<errors><error>...`), not problem+json: Open311 clients
parse this shape. `Open311Route` renders every error of an Open311 route so, and only those routes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any
from xml.etree import ElementTree as ET

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from app.errors import AppError
from app.text import scrub

# No charset parameter: JSON is UTF-8 by definition (RFC 8259 defines none), and the XML declaration names its
# encoding. Clients such as SeeClickFix's validator compare the media type exactly.
JSON_TYPE = "application/json"
XML_TYPE = "text/xml"
# Child element names of the XML lists (JSON has plain arrays).
XML_ITEMS = {"endpoints": "endpoint", "formats": "format", "attributes": "attribute", "values": "value"}


class Fmt(StrEnum):
    json = "json"
    xml = "xml"


class Open311Error(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def _documented(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ERRORS_SCHEMA}, "text/xml": {}}}


ERRORS_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
        "required": ["code", "description"],
    },
}
# For the OpenAPI: what GeoReport routes answer, in either format.
OPEN311_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _documented("bad or missing parameter; GeoReport's error list"),
    403: _documented("api_key missing, invalid or revoked"),
    404: _documented("no such service or request (for this api_key)"),
}
DOCUMENTS: dict[str, Any] = {"content": {"application/json": {}, "text/xml": {}}}


def timestamp(value: datetime) -> str:
    """GeoReport's date-times: whole seconds and an explicit offset (`2026-11-24T08:30:00+00:00`).

    Common clients parse fractional seconds, or a time without a zone, as null.
    """
    if value.tzinfo is None:
        raise ValueError("a GeoReport date-time needs a zone")  # every stored time is UTC-aware (app.db.UTCDateTime)
    return value.astimezone(UTC).replace(microsecond=0).isoformat()


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return timestamp(value)
    return scrub(str(value))  # whatever was stored, the document stays well-formed XML


def _xml_value(parent: ET.Element, tag: str, value: Any) -> None:
    element = ET.SubElement(parent, tag)
    if isinstance(value, dict):
        for key, item in value.items():
            _xml_value(element, key, item)
    elif isinstance(value, list):
        for item in value:
            _xml_value(element, XML_ITEMS.get(tag, "item"), item)
    else:
        element.text = _text(value)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, str):
        return scrub(value)
    return timestamp(value) if isinstance(value, datetime) else value


def respond(fmt: Fmt, root: str, item: str | None, body: Any, status: int = 200) -> Response:
    """`body` is a list of `item` documents under `root` (XML), or, with item None, one document named `root`."""
    if fmt is Fmt.json:
        return Response(json.dumps(_jsonable(body), ensure_ascii=False), status, headers={"content-type": JSON_TYPE})
    top = ET.Element(root)
    if item is None:
        for key, value in body.items():
            _xml_value(top, key, value)
    else:
        for document in body:
            _xml_value(top, item, document)
    xml = ET.tostring(top, encoding="unicode", xml_declaration=False)
    # As a header, not media_type: Starlette appends "; charset=utf-8" to every text/* media_type.
    return Response(f'<?xml version="1.0" encoding="utf-8"?>\n{xml}', status, headers={"content-type": XML_TYPE})


def error_response(fmt: Fmt, status: int, description: str) -> Response:
    return respond(fmt, "errors", "error", [{"code": status, "description": description}], status)


def _describe(exc: RequestValidationError) -> str:
    first = exc.errors()[0] if exc.errors() else {}
    where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("query", "path"))
    return f"{where}: {first.get('msg', 'invalid request')}"


class Open311Route(APIRoute):
    """Renders the errors of its endpoint in GeoReport's format (and the format the path asked for)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            raw = str(request.path_params.get("fmt", "json"))
            fmt = Fmt(raw) if raw in Fmt.__members__ else Fmt.json
            try:
                return await handler(request)
            except Open311Error as exc:
                return error_response(fmt, exc.status, exc.description)
            except RequestValidationError as exc:
                return error_response(fmt, 400, _describe(exc))
            except AppError as exc:  # a domain refusal from the wish service: GeoReport knows 400, not 422
                return error_response(fmt, 400 if exc.status == 422 else exc.status, exc.detail)

        return guarded
