"""Which characters a stored text may hold: the one rule for every entry point, and the scrub for every output.

C0 controls other than tab and newline, U+FFFE/U+FFFF and lone surrogates cannot appear in XML 1.0, openpyxl
refuses them in a cell, and a terminal or CSV reader may act on them. No person types them. They are refused at the
edge (`refuse_control_characters`, an application-wide dependency, and `check` for bodies read by hand such as the
WeChat push), and scrubbed on the way out (`scrub`) for whatever was stored before the rule existed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Annotated, Any
from urllib.parse import parse_qsl

from fastapi import Request
from pydantic import AfterValidator

from app.errors import ValidationFailed

# \ud800-\udfff matches only lone surrogates: a decoded str holds a valid pair as one code point.
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff\ud800-\udfff]")
_FORM = "application/x-www-form-urlencoded"


class ControlCharacters(ValidationFailed):
    """A text holding a character no stored text may hold."""


def check(value: str, loc: list[str | int]) -> None:
    found = FORBIDDEN.search(value)
    if found is not None:
        raise ControlCharacters(loc, f"control character U+{ord(found.group()):04X} is not allowed in text")


def scrub(value: str) -> str:
    """The text without its forbidden characters, for output that must stay well-formed (XML, XLSX, CSV)."""
    return FORBIDDEN.sub("", value)


def walk(value: Any, loc: list[str | int]) -> Iterator[tuple[str, list[str | int]]]:
    """Every string in a decoded JSON value (keys too), with where it sits."""
    if isinstance(value, str):
        yield value, loc
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key), loc
            yield from walk(item, [*loc, str(key)])
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from walk(item, [*loc, i])


def check_all(value: Any, loc: list[str | int]) -> None:
    for text, where in walk(value, loc):
        check(text, where)


async def refuse_control_characters(request: Request) -> None:
    """Every path parameter, query parameter, form field and JSON string of every request, before any handler.

    An application-wide dependency rather than a validator per field: a field added tomorrow cannot escape it.
    """
    for key, value in request.path_params.items():
        check(str(value), ["path", key])
    for key, value in request.query_params.multi_items():
        check(key, ["query", key])
        check(value, ["query", key])
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(_FORM):
        # Parsed as Open311 parses it (no multipart: no endpoint takes one); the body stays on the request.
        form = (await request.body()).decode("utf-8", errors="replace")
        for key, value in parse_qsl(form, keep_blank_values=True):
            check(key, ["body", key])
            check(value, ["body", key])
    elif "json" in content_type:
        await _check_json(request)


async def _check_json(request: Request) -> None:
    body = await request.body()
    if not body:
        return
    try:
        decoded = json.loads(body)
    except (ValueError, RecursionError):
        return  # not JSON: the handler's own parsing answers that
    check_all(decoded, ["body"])


def _not_blank(value: str) -> str:
    stripped = value.strip()
    if not stripped:
        raise ValueError("must not be blank")
    return stripped


# A name a person reads (an org, a category, a member's 报到 name, a nickname): spaces alone are no name, and the
# spaces around one are not part of it. Length limits stay on each field (Field(min_length, max_length)).
NotBlank = Annotated[str, AfterValidator(_not_blank)]
