"""Open311 GeoReport v2 under /open311/v2: discovery, services, and service requests (list, one, post).

Services and discovery are public. Requests need a partner `api_key`: a key posts wishes into its community and
reads back the requests it posted (residents' own wishes from the mini-program are not a partner's to read).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import parse_qsl

from annotated_types import MaxLen
from fastapi import APIRouter, Header, Query, Request, Response
from pydantic import ValidationError
from sqlalchemy import Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.deps import SettingsDep
from app.auth.models import User
from app.auth.principal import Principal
from app.bounds import out_of_service
from app.catalog.models import Category
from app.catalog.service import catalog_query, offered_category, path_of
from app.config import Settings
from app.db import SessionDep, utcnow
from app.open311.formats import DOCUMENTS, OPEN311_RESPONSES, Fmt, Open311Error, Open311Route, respond
from app.open311.keys import authenticate
from app.open311.mapping import (
    CONTACT,
    CONTACT_LINE,
    KEY_SERVICE,
    SERVICE_NOTICE,
    SPECIFICATION,
    request_of,
    service_of,
)
from app.open311.models import PartnerKey
from app.orgs.models import Org
from app.photos.service import keep_link, media_urls
from app.privacy.access_log import log_partner_views
from app.wechat.content import ContentScreenDep
from app.wishes.machine import OPEN_STATUSES
from app.wishes.models import Wish, id_from_number
from app.wishes.schemas import WishIn
from app.wishes.service import create_wish

router = APIRouter(prefix="/open311/v2", tags=["open311"], route_class=Open311Route, responses=OPEN311_RESPONSES)
OK: dict[int | str, dict[str, Any]] = {
    200: {"description": "the document, as JSON or XML (by the path's extension)", **DOCUMENTS}
}

WINDOW_DAYS = 90  # GeoReport's default window for GET requests, and the longest we serve
MAX_ROWS = 1000
MAX_FORM_BYTES = 64 * 1024
MAX_MEDIA_URL = 500  # photo_links.url
# When this interface last changed (GeoReport's discovery `changeset`): whole seconds with an offset, as every time.
CHANGESET = datetime(2026, 12, 7, tzinfo=UTC)
# The wish's content holds the description whole (plus the contact's name): longer is refused, never cut.
MAX_CONTENT = next(m.max_length for m in WishIn.model_fields["content"].metadata if isinstance(m, MaxLen))
# The spec's query/form parameter, or this header, so that the key need not sit in URLs that proxies log.
KEY_HEADER = "X-Api-Key"
# Our field names → GeoReport's, so that a refused POST names the field the client sent.
FIELD_NAMES = {"contact_phone": "phone", "address": "address_string", "content": "description", "title": "description"}
Param = Annotated[str | None, Query(max_length=2000)]
KeyHeader = Annotated[
    str | None, Header(alias=KEY_HEADER, max_length=200, description="the api_key, instead of the query parameter")
]
AnySelect = Select[*tuple[Any, ...]]  # a SELECT of several columns


@router.get("/discovery.{fmt}", response_class=Response, responses=OK, summary="GeoReport discovery document")
async def discovery(fmt: Fmt, request: Request) -> Response:
    endpoint = {
        "specification": SPECIFICATION,
        # The configured public address, never the request's Host header (which any client sets).
        "url": request.app.state.settings.resolved_public_base_url + router.prefix,
        "changeset": CHANGESET,
        "type": "production",
        "formats": ["application/json", "text/xml"],
    }
    document = {"changeset": CHANGESET, "contact": CONTACT, "key_service": KEY_SERVICE, "endpoints": [endpoint]}
    return respond(fmt, "discovery", None, document)


@router.get(
    "/services.{fmt}",
    response_class=Response,
    responses=OK,
    summary="services: the district-wide categories; with an api_key, all its community offers",
)
async def services(fmt: Fmt, session: SessionDep, api_key: Param = None, api_key_header: KeyHeader = None) -> Response:
    path = await _scope(session, api_key_header, api_key)
    categories = await session.scalars(catalog_query(path))
    return respond(fmt, "services", "service", [service_of(c) for c in categories])


@router.get(
    "/services/{service_code}.{fmt}",
    response_class=Response,
    responses=OK,
    summary="service definition (no extra attributes)",
)
async def service_definition(
    service_code: str, fmt: Fmt, session: SessionDep, api_key: Param = None, api_key_header: KeyHeader = None
) -> Response:
    category = await offered_category(session, await _scope(session, api_key_header, api_key), code=service_code)
    if category is None:
        raise Open311Error(404, f"service_code {service_code!r} not found")
    return respond(fmt, "service_definition", None, {"service_code": category.code, "attributes": []})


@router.get("/requests.{fmt}", response_class=Response, responses=OK, summary="the requests this api_key posted")
async def list_requests(
    fmt: Fmt,
    session: SessionDep,
    settings: SettingsDep,
    api_key: Param = None,
    api_key_header: KeyHeader = None,
    service_request_id: Param = None,
    service_code: Param = None,
    start_date: Param = None,
    end_date: Param = None,
    status: Param = None,
    jurisdiction_id: Param = None,
) -> Response:
    key = await _partner(session, api_key_header, api_key)
    query = _requests_of(key)
    wanted: set[str] | None = None
    if service_request_id:  # the spec: ids override every other filter
        wanted = set(_split(service_request_id))
        query = query.where(Wish.id.in_([i for i in map(id_from_number, wanted) if i is not None]))
    else:
        query = _filtered(query, service_code, start_date, end_date, status)
    rows = await session.execute(query.order_by(Wish.id.desc()).limit(MAX_ROWS))
    shown = [row for row in rows if wanted is None or row[0].number in wanted]
    await log_partner_views(session, key.user_id, [row[0] for row in shown], "open311_list")
    return respond(fmt, "service_requests", "request", await _with_media(session, settings, shown))


@router.get(
    "/requests/{service_request_id}.{fmt}",
    response_class=Response,
    responses=OK,
    summary="one request this api_key posted",
)
async def get_request(
    service_request_id: str,
    fmt: Fmt,
    session: SessionDep,
    settings: SettingsDep,
    api_key: Param = None,
    api_key_header: KeyHeader = None,
) -> Response:
    key = await _partner(session, api_key_header, api_key)
    wish_id = id_from_number(service_request_id)
    row = (await session.execute(_requests_of(key).where(Wish.id == wish_id))).first() if wish_id else None
    if row is None or row[0].number != service_request_id:
        raise Open311Error(404, f"service request {service_request_id} not found")
    await log_partner_views(session, key.user_id, [row[0]], "open311_detail")
    return respond(fmt, "service_requests", "request", await _with_media(session, settings, [row]))


async def _with_media(session: AsyncSession, settings: Settings, rows: Sequence[Any]) -> list[dict[str, Any]]:
    """The requests, each with `media_url`: a photo that passed WeChat's check, or the link the partner posted."""
    urls = await media_urls(session, [row[0].id for row in rows], settings)
    return [request_of(*row) | {"media_url": urls.get(row[0].id)} for row in rows]


FORM_FIELDS = (
    "api_key", "jurisdiction_id", "service_code", "lat", "long", "address_string", "address_id", "email",
    "device_id", "account_id", "first_name", "last_name", "phone", "description", "media_url",
)  # fmt: skip


@router.post(
    "/requests.{fmt}",
    status_code=201,
    response_class=Response,
    responses={201: {"description": "the new request's id, as JSON or XML", **DOCUMENTS}},
    summary="post a request (form-encoded): it becomes a wish of the key's community",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "required": ["api_key", "service_code"],
                        # GeoReport v2's POST fields, so clients and the input checks see each one.
                        "properties": {name: {"type": "string"} for name in FORM_FIELDS},
                    }
                }
            },
        }
    },
)
async def post_request(
    fmt: Fmt, request: Request, session: SessionDep, checker: ContentScreenDep, api_key_header: KeyHeader = None
) -> Response:
    form = await _form(request)
    key = await _partner(session, api_key_header, form.get("api_key"))
    code = form.get("service_code")
    if not code:
        raise Open311Error(400, "service_code is required")
    category = await offered_category(session, await path_of(session, key.org_id), code=code)
    if category is None:  # GeoReport: an unknown service_code is 404 (so is one its community does not offer)
        raise Open311Error(404, f"service_code {code!r} is not a service (see services.{fmt})")
    point = _point(form)
    partner = await session.get(User, key.user_id)
    assert partner is not None  # the key's user row is created with the key and never deleted
    principal = Principal(user=partner)
    wish, _ = await create_wish(session, checker, principal, _wish_in(form, category, key.org_id, point), None)
    if point is not None:
        await session.execute(update(Wish).where(Wish.id == wish.id).values(lat=point.lat, long=point.long))
    if media := _media_link(form):
        await keep_link(session, wish.id, media)
    notice = SERVICE_NOTICE.format(hours=category.time_limit_hours)
    body = [{"service_request_id": wish.number, "service_notice": notice, "account_id": None}]
    return respond(fmt, "service_requests", "request", body, status=201)


async def _partner(session: AsyncSession, from_header: str | None, from_request: str | None) -> PartnerKey:
    if from_header and from_request and from_header != from_request:
        raise Open311Error(400, f"two different api_keys: the {KEY_HEADER} header and the api_key parameter")
    key = await authenticate(session, from_header or from_request)
    if key is None:
        raise Open311Error(403, "api_key is missing, invalid or revoked")
    return key


async def _scope(session: AsyncSession, from_header: str | None, from_request: str | None) -> str | None:
    """Whose catalog: without a key the district-wide entries; with one, all its community offers (一社一特色)."""
    if not (from_header or from_request):
        return None
    key = await _partner(session, from_header, from_request)
    return await path_of(session, key.org_id)


def _requests_of(key: PartnerKey) -> AnySelect:
    return (
        select(Wish, Category.code, Category.name, Org.name)
        .join(Category, Category.id == Wish.category_id)
        .join(Org, Org.id == Wish.community_id)
        .where(Wish.resident_id == key.user_id)
    )


def _split(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(",") if part.strip()]


def _instant(raw: str, name: str) -> datetime:
    try:
        value = datetime.fromisoformat(raw.strip().replace(" ", "+"))
    except ValueError:
        raise Open311Error(400, f"{name} must be ISO 8601 with an offset, e.g. 2026-11-24T08:00:00+08:00") from None
    if value.tzinfo is None:
        raise Open311Error(400, f"{name} needs a time zone offset")
    why = out_of_service(value)
    if why is not None:
        raise Open311Error(400, f"{name} {why}")
    return value


def _filtered(
    query: AnySelect, codes: str | None, start_date: str | None, end_date: str | None, status: str | None
) -> AnySelect:
    end = _instant(end_date, "end_date") if end_date else utcnow()
    start = _instant(start_date, "start_date") if start_date else end - timedelta(days=WINDOW_DAYS)
    if start > end:
        raise Open311Error(400, "start_date is after end_date")
    if end - start > timedelta(days=WINDOW_DAYS):
        raise Open311Error(400, f"the date window may span at most {WINDOW_DAYS} days")
    query = query.where(Wish.created_at >= start, Wish.created_at <= end)
    if codes:
        query = query.where(Category.code.in_(_split(codes)))
    if status:
        wanted = set(_split(status))
        if not wanted <= {"open", "closed"}:
            raise Open311Error(400, "status is open, closed, or both separated by a comma")
        if wanted == {"open"}:
            query = query.where(Wish.status.in_(OPEN_STATUSES))
        elif wanted == {"closed"}:
            query = query.where(Wish.status.not_in(OPEN_STATUSES))
    return query


async def _form(request: Request) -> dict[str, str]:
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        raise Open311Error(400, "POST a form: Content-Type application/x-www-form-urlencoded")
    raw = await request.body()
    if len(raw) > MAX_FORM_BYTES:
        raise Open311Error(400, "the form is too large")
    try:
        return dict(parse_qsl(raw.decode("utf-8"), max_num_fields=100, strict_parsing=False))
    except (UnicodeDecodeError, ValueError):
        raise Open311Error(400, "the form is not UTF-8 form encoding") from None


@dataclass(frozen=True)
class Point:
    lat: float
    long: float


def _point(form: dict[str, str]) -> Point | None:
    """GeoReport's lat and long (WGS-84 decimal degrees), both or neither."""
    lat, long = form.get("lat", "").strip(), form.get("long", "").strip()
    if not lat and not long:
        return None
    try:
        point = Point(float(lat), float(long))
    except ValueError:
        point = Point(float("nan"), float("nan"))
    # NaN fails both comparisons; "inf" too: neither is a place.
    if not (abs(point.lat) <= 90 and abs(point.long) <= 180):
        raise Open311Error(400, "lat and long must be decimal degrees, both given")
    return point


def _media_link(form: dict[str, str]) -> str | None:
    """GeoReport's `media_url`: a link to the partner's own copy of an image, kept as text and never fetched."""
    url = form.get("media_url", "").strip()
    if not url:
        return None
    if len(url) > MAX_MEDIA_URL or not url.startswith(("https://", "http://")) or any(c.isspace() for c in url):
        raise Open311Error(400, f"media_url must be an http(s) URL of at most {MAX_MEDIA_URL} characters")
    return url


def _location(form: dict[str, str], point: Point | None) -> str | None:
    """GeoReport requires a location: lat and long, address_string or address_id.

    The address is what people read (the secretary, the member who goes there): the address_string, else the point
    or the address_id written out. The point is also kept as numbers (`Wish.lat`, `Wish.long`).
    """
    if form.get("address_string", "").strip():
        return form["address_string"].strip()
    if point is not None:
        return f"{form['lat'].strip()},{form['long'].strip()}"
    if form.get("address_id", "").strip():
        return f"address_id {form['address_id'].strip()}"
    raise Open311Error(400, "a location is required: lat and long, address_string or address_id")


def _wish_in(form: dict[str, str], category: Category, community_id: int, point: Point | None) -> WishIn:
    description = form.get("description", "").strip()
    name = f"{form.get('last_name', '').strip()}{form.get('first_name', '').strip()}"
    contact = f"\n{CONTACT_LINE.format(name=name)}" if name else ""
    if len(description) + len(contact) > MAX_CONTENT:  # kept whole or refused: a cut request misleads whoever reads it
        room = MAX_CONTENT - len(contact)
        raise Open311Error(400, f"description: at most {room} characters are kept; this one has {len(description)}")
    title = (description.splitlines()[0] if description else category.name)[:40]
    try:
        return WishIn(
            category_id=category.id,
            title=title,
            content=(description or category.name) + contact,
            address=_location(form, point),
            contact_phone=form.get("phone", "").strip() or None,
            community_id=community_id,
        )
    except ValidationError as exc:
        error = exc.errors()[0]
        field = FIELD_NAMES.get(str(error["loc"][0]), str(error["loc"][0])) if error["loc"] else "request"
        raise Open311Error(400, f"{field}: {error['msg']}") from None
