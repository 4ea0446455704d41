"""Our words in GeoReport v2's: categories are services, wishes are service requests (api-contract.md)."""

from __future__ import annotations

from typing import Any

from app.catalog.models import Category
from app.stats.labels import STATUS_LABELS
from app.wishes.machine import OPEN_STATUSES, Status
from app.wishes.models import Wish

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CONTACT = "榆阳区心愿平台 (xinyuan): 合作方 api_key 由区或街道管理员签发"
KEY_SERVICE = "api_key 由管理员通过 POST /api/v1/open311/keys 签发,每个合作系统一个,对应一个社区"
SERVICE_NOTICE = "已受理,限时{hours}小时办结"
CONTACT_LINE = "联系人:{name}"


def open311_status(status: str) -> str:
    return "open" if Status(status) in OPEN_STATUSES else "closed"


def service_of(category: Category) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        "metadata": False,  # no extra attributes: a service definition lists none
        "type": "realtime",  # the service_request_id comes back at once
        "keywords": "",
        "group": "",
    }


def request_of(wish: Wish, category_code: str, category_name: str, community: str) -> dict[str, Any]:
    return {
        "service_request_id": wish.number,
        "status": open311_status(wish.status),
        "status_notes": STATUS_LABELS[Status(wish.status)],
        "service_name": category_name,
        "service_code": category_code,
        "description": wish.content,
        "agency_responsible": community,
        "service_notice": None,
        "requested_datetime": wish.created_at,
        "updated_datetime": wish.updated_at,
        "expected_datetime": wish.due_at,
        "address": wish.address,
        "address_id": None,
        "zipcode": None,
        "lat": wish.lat,  # numbers, as posted (null when the request came with an address only)
        "long": wish.long,
        "media_url": None,
    }
