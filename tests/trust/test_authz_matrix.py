"""The authorization matrix: every route of the app × every persona, with the answer the contract allows.

404 for what one may not see, 403 for what one may see but not do, success only where the contract allows. The
matrix is checked against the app's route table: a new endpoint without an entry here fails `test_every_route_...`.
"""

from __future__ import annotations

import inspect
import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi import FastAPI

from tests.helpers import PROBLEM, Api
from tests.photos import images
from tests.trust.matrix_joint import JOINT_MATRIX
from tests.trust.matrix_teams import TEAMS_MATRIX
from tests.trust.personas import PERSONAS, World, make_world
from tests.trust.volunteering import (
    activity_body,
    activity_in,
    adjustment_body,
    item_body,
    item_case,
    makeup_body,
    makeup_case,
    order_case,
    scan_body,
)

_n = itertools.count()


def this_quarter() -> dict[str, str]:
    local = datetime.now(ZoneInfo("Asia/Shanghai"))
    return {"year": str(local.year), "quarter": str((local.month + 2) // 3)}


SIGNED_IN = [p for p in PERSONAS if p != "anonymous"]
# Documentation routes are not part of the contract's matrix.
UNLISTED = {("GET", "/openapi.json"), ("GET", "/docs"), ("GET", "/docs/oauth2-redirect"), ("GET", "/redoc")}

Setup = Callable[[World, str], Awaitable[tuple[dict[str, Any], Any]]]


@dataclass
class Case:
    setup: Setup
    expect: dict[str, int]
    # Optional leak check: given the world, the persona and the answer, is what came back allowed?
    check: Callable[[str, httpx.Response, dict[str, Any]], bool] | None = None
    params: dict[str, str] = field(default_factory=dict)


def everyone(status: int, anonymous: int = 401, **overrides: int) -> dict[str, int]:
    return {p: overrides.get(p, anonymous if p == "anonymous" else status) for p in PERSONAS}


def only(allowed: dict[str, int], default: int, anonymous: int = 401) -> dict[str, int]:
    return {p: allowed.get(p, anonymous if p == "anonymous" else default) for p in PERSONAS}


def wish_in(status: str, body: Any = None) -> Setup:
    async def setup(world: World, persona: str) -> tuple[dict[str, Any], Any]:
        wish = await world.wish(status)
        return {"wish_id": wish["id"], "_wish": wish}, body

    return setup


def plain(body: Any = None, **path: Any) -> Setup:
    async def setup(world: World, persona: str) -> tuple[dict[str, Any], Any]:
        values = {k: (await v(world) if callable(v) else v) for k, v in path.items()}
        made = body(world, persona) if callable(body) else body
        return values, (await made if inspect.isawaitable(made) else made)

    return setup


def report_case() -> Setup:
    async def setup(world: World, persona: str) -> tuple[dict[str, Any], Any]:
        return {"report_id": await world.report()}, None

    return setup


async def _community(world: World) -> int:
    return world.community


async def _assignee(world: World) -> int:
    return await world.api.uid(PERSONAS["assignee"] or "")


async def _role_target(world: World, persona: str) -> dict[str, Any]:
    return {"user_id": await world.api.uid(f"role-target-{next(_n)}"), "role": "secretary"}


def role_to_revoke() -> Setup:
    async def setup(world: World, persona: str) -> tuple[dict[str, Any], Any]:
        target = await world.api.uid(f"role-target-{next(_n)}")
        resp = await world.api.post(
            "demo-admin", f"/api/v1/orgs/{world.community}/roles", {"user_id": target, "role": "secretary"}
        )
        assert resp.status_code == 201
        return {"org_id": world.community, "user_id": target, "role": "secretary"}, None

    return setup


def partner_key() -> Setup:
    async def setup(world: World, persona: str) -> tuple[dict[str, Any], Any]:
        body = {"org_id": world.community, "name": f"撤销{next(_n)}"}
        resp = await world.api.post("demo-admin", "/api/v1/open311/keys", body)
        assert resp.status_code == 201, resp.text
        return {"key_id": resp.json()["id"]}, None

    return setup


def category_case() -> Setup:
    async def setup(world: World, persona: str) -> tuple[dict[str, Any], Any]:
        return {"category_id": await world.api.category_id()}, {"description": f"改 {next(_n)}"}

    return setup


def notification_case() -> Setup:
    async def setup(world: World, persona: str) -> tuple[dict[str, Any], Any]:
        return {"notification_id": await world.notification_of_owner()}, None

    return setup


def console_ticket(poll: bool = False) -> Setup:
    """A fresh console sign-in code (per persona: each confirms once); `poll`: the console's poll body too."""

    async def setup(world: World, persona: str) -> tuple[dict[str, Any], Any]:
        resp = await world.api.client.post("/api/v1/console/tickets")
        assert resp.status_code == 201, resp.text
        ticket = resp.json()
        return {"ticket": ticket["ticket"]}, (ticket if poll else None) and {
            "ticket": ticket["ticket"],
            "poll_token": ticket["poll_token"],
        }

    return setup


def photo_case() -> Setup:
    """A photo the owner uploaded with a new wish, still awaiting WeChat's check: only its uploader sees it."""

    async def setup(world: World, persona: str) -> tuple[dict[str, Any], Any]:
        owner = PERSONAS["owner"] or ""
        files = {"file": ("tap.png", _PNG, "image/png")}
        resp = await world.api.client.post("/api/v1/uploads", files=files, headers=await world.api.login(owner))
        assert resp.status_code == 201, resp.text
        await world.api.order(owner, photo_ids=[resp.json()["id"]])
        return {"photo_id": resp.json()["id"]}, {"decision": "keep"}

    return setup


_PNG = images.encoded("PNG")


async def _dev_session_body(world: World, persona: str) -> dict[str, Any]:
    return {"user_id": await world.api.uid(PERSONAS["secretary"] or "")}


MANAGERS = {"secretary": 200, "district_admin": 200}
# The staff console is for anyone with a staff role, wherever in the tree.
STAFF = ("secretary", "secretary_elsewhere", "admin_elsewhere", "district_admin")
WISH_VIEWERS = {"owner": 200, "assignee": 200, **MANAGERS}
MANAGERS_NEW = {"secretary": 201, "district_admin": 201}
ACTIVITY_VIEWERS = {"assignee": 200, "member": 200, **MANAGERS}
ORGANISERS_403 = {"secretary": 403, "district_admin": 403}
VOLUNTEERS_403 = {"assignee": 403, "member": 403}
COMMUNITY_PEOPLE = dict.fromkeys(("owner", "resident", "assignee", "member", "secretary", "district_admin"), 200)
RESIDENTS_AND_MANAGERS = ("owner", "resident", "secretary", "district_admin")


def community_staff(status: int) -> dict[str, int]:
    return {
        "owner": 403,
        "resident": 403,
        "assignee": 403,
        "member": 403,
        "secretary": status,
        "district_admin": status,
    }


def _sees_wish(viewers: set[str]) -> Callable[[str, httpx.Response, dict[str, Any]], bool]:
    def check(persona: str, resp: httpx.Response, ctx: dict[str, Any]) -> bool:
        if resp.status_code != 200:
            return True
        ids = [w["id"] for w in resp.json()["items"]]
        return (ctx["_wish"]["id"] in ids) == (persona in viewers)

    return check


def _lists_key(persona: str, resp: httpx.Response, ctx: dict[str, Any]) -> bool:
    if resp.status_code != 200:
        return True
    ids = [k["id"] for k in resp.json()]
    return (ctx["key_id"] in ids) == (persona == "district_admin") and all("api_key" not in k for k in resp.json())


def _order_body(world: World, persona: str) -> dict[str, Any]:
    return {"category_id": 1, "title": "矩阵", "content": "矩阵测试", "community_id": world.community}


MATRIX: dict[tuple[str, str], Case] = {
    ("GET", "/healthz"): Case(plain(), everyone(200, anonymous=200)),
    ("GET", "/readyz"): Case(plain(), everyone(200, anonymous=200)),
    ("POST", "/api/v1/auth/login"): Case(plain(lambda w, p: {"code": f"dev:matrix-{next(_n)}:1"}), everyone(200, 200)),
    ("GET", "/api/v1/me"): Case(plain(), everyone(200)),
    ("PATCH", "/api/v1/me"): Case(plain({"nickname": "矩阵"}), everyone(200)),
    ("GET", "/api/v1/orgs"): Case(plain(), everyone(200)),
    ("POST", "/api/v1/orgs"): Case(
        plain(lambda w, p: {"name": f"网格{next(_n)}", "level": "grid", "parent_id": w.community}),
        only({"district_admin": 201}, 403),
    ),
    ("POST", "/api/v1/orgs/{org_id}/roles"): Case(
        plain(_role_target, org_id=_community), only({"district_admin": 201}, 403)
    ),
    ("DELETE", "/api/v1/orgs/{org_id}/roles/{user_id}/{role}"): Case(
        role_to_revoke(), only({"district_admin": 204}, 403)
    ),
    # Who holds an org's roles, and whom they could go to: its admins only (orgs are public: 403 for others).
    ("GET", "/api/v1/orgs/{org_id}/roles"): Case(plain(None, org_id=_community), only({"district_admin": 200}, 403)),
    ("GET", "/api/v1/orgs/{org_id}/people"): Case(plain(None, org_id=_community), only({"district_admin": 200}, 403)),
    ("GET", "/api/v1/categories"): Case(plain(), everyone(200)),
    # A district-wide entry (no org_id: the district's): only admins over the district, not a street's (issue 13).
    ("POST", "/api/v1/categories"): Case(
        plain(lambda w, p: {"code": f"matrix_{next(_n)}", "name": "矩阵", "time_limit_hours": 24}),
        only({"district_admin": 201}, 403),
    ),
    ("PATCH", "/api/v1/categories/{category_id}"): Case(category_case(), only({"district_admin": 200}, 403)),
    ("POST", "/api/v1/member-reports"): Case(
        plain(lambda w, p: {"community_id": w.community, "real_name": "报到"}),
        everyone(201, assignee=409, member=409),
    ),
    ("GET", "/api/v1/member-reports"): Case(report_case(), everyone(200)),
    ("POST", "/api/v1/member-reports/{report_id}/approve"): Case(report_case(), only(MANAGERS, 404)),
    ("POST", "/api/v1/member-reports/{report_id}/reject"): Case(
        report_case(), only(MANAGERS, 404), params={"reason": "矩阵"}
    ),
    ("GET", "/api/v1/members"): Case(plain(), only(MANAGERS, 403), params={"org_id": "@community"}),
    ("POST", "/api/v1/wishes"): Case(plain(_order_body), everyone(201)),
    ("GET", "/api/v1/wishes"): Case(
        wish_in("dispatched"),
        only({**MANAGERS, "secretary_elsewhere": 200, "admin_elsewhere": 200}, 403),
        check=_sees_wish({"secretary", "district_admin"}),
        params={"scope": "community"},
    ),
    ("GET", "/api/v1/wishes/{wish_id}"): Case(wish_in("dispatched"), only(WISH_VIEWERS, 404)),
    ("POST", "/api/v1/wishes/{wish_id}/dispatch"): Case(
        wish_in("ordered", {"pool": True}), only({**MANAGERS, "owner": 403}, 404)
    ),
    ("POST", "/api/v1/wishes/{wish_id}/recall"): Case(
        wish_in("dispatched"), only({**MANAGERS, "owner": 403, "assignee": 403}, 404)
    ),
    ("POST", "/api/v1/wishes/{wish_id}/accept"): Case(
        wish_in("dispatched"), only({"assignee": 200, "owner": 403, "secretary": 403, "district_admin": 403}, 404)
    ),
    ("POST", "/api/v1/wishes/{wish_id}/decline"): Case(
        wish_in("dispatched", {"reason": "没空"}),
        only({"assignee": 200, "owner": 403, "secretary": 403, "district_admin": 403}, 404),
    ),
    ("POST", "/api/v1/wishes/{wish_id}/complete"): Case(
        wish_in("accepted"), only({"assignee": 200, "owner": 403, "secretary": 403, "district_admin": 403}, 404)
    ),
    ("POST", "/api/v1/wishes/{wish_id}/reject"): Case(
        wish_in("ordered", {"reason": "不受理"}), only({**MANAGERS, "owner": 403}, 404)
    ),
    ("POST", "/api/v1/wishes/{wish_id}/cancel"): Case(
        wish_in("ordered"), only({"owner": 200, "secretary": 403, "district_admin": 403}, 404)
    ),
    ("POST", "/api/v1/wishes/{wish_id}/rate"): Case(
        wish_in("done", {"score": 5}),
        only({"owner": 200, "assignee": 403, "secretary": 403, "district_admin": 403}, 404),
    ),
    ("POST", "/api/v1/wishes/{wish_id}/reopen"): Case(
        wish_in("done", {"reason": "没修好"}),
        only({"owner": 200, "assignee": 403, "secretary": 403, "district_admin": 403}, 404),
    ),
    # Photos: an upload needs a multipart file (this JSON body is refused after sign-in); a wish's photos follow
    # the wish's standing; a pending photo is its uploader's alone (the review is 403 to them, 404 to the rest);
    # the bytes need a signed URL (without one, 422 for everyone).
    ("POST", "/api/v1/uploads"): Case(plain({"x": 1}), everyone(422)),
    ("GET", "/api/v1/wishes/{wish_id}/photos"): Case(wish_in("dispatched"), only(WISH_VIEWERS, 404)),
    ("POST", "/api/v1/photos/{photo_id}/review"): Case(photo_case(), only({"owner": 403}, 404)),
    ("GET", "/media/photos/{photo_id}/{variant}"): Case(
        plain(None, photo_id=1, variant="full"), everyone(422, anonymous=422)
    ),
    ("GET", "/api/v1/notifications"): Case(plain(), everyone(200)),
    # WeChat: consents, phone, service QR codes, the push callback (public; 404 until WECHAT_PUSH_TOKEN is set).
    ("GET", "/api/v1/client-config"): Case(plain(), everyone(200)),
    ("POST", "/api/v1/subscriptions"): Case(plain({"accepted": ["wish_status"]}), everyone(200)),
    ("POST", "/api/v1/me/phone"): Case(plain(lambda w, p: {"code": f"phone:1390000{next(_n):04d}"}), everyone(200)),
    ("GET", "/api/v1/members/{user_id}/qrcode"): Case(
        plain(None, user_id=_assignee), only({"assignee": 200, **MANAGERS}, 404)
    ),
    # 双报到反馈: the member's own, or the staff over their community's; the community's other people 403.
    ("GET", "/api/v1/members/{user_id}/service-card"): Case(
        plain(None, user_id=_assignee),
        only({"assignee": 200, **MANAGERS, **dict.fromkeys(("owner", "resident", "member"), 403)}, 404),
        params=this_quarter(),
    ),
    ("GET", "/wechat/push"): Case(plain(), everyone(404, anonymous=404)),
    ("POST", "/wechat/push"): Case(plain({"ToUserName": "gh_x"}), everyone(404, anonymous=404)),
    # District supervision: figures and exports of a subtree one supervises (else 404), ranking, Open311.
    ("GET", "/api/v1/stats/summary"): Case(plain(), only(MANAGERS, 404), params={"org_id": "@community"}),
    ("GET", "/api/v1/stats/breakdown"): Case(plain(), only(MANAGERS, 404), params={"org_id": "@community"}),
    ("GET", "/api/v1/stats/export"): Case(
        plain(), only(MANAGERS, 404), params={"org_id": "@community", "format": "csv"}
    ),
    ("GET", "/api/v1/members/ranking"): Case(plain(), only(MANAGERS, 404), params={"org_id": "@community"}),
    ("GET", "/api/v1/supervision/wishes"): Case(
        plain(), only(MANAGERS, 404), params={"org_id": "@community", "kind": "overdue"}
    ),
    ("POST", "/api/v1/open311/keys"): Case(
        plain(lambda w, p: {"org_id": w.community, "name": f"城市平台{next(_n)}"}), only({"district_admin": 201}, 403)
    ),
    ("DELETE", "/api/v1/open311/keys/{key_id}"): Case(partner_key(), only({"district_admin": 204}, 404)),
    # The keys of the communities one administers (another street's admin sees its own, none of 金阳社区's).
    ("GET", "/api/v1/open311/keys"): Case(
        partner_key(), only({"district_admin": 200, "admin_elsewhere": 200}, 403), check=_lists_key
    ),
    # Open311 authenticates partners by api_key, never by a person's token: without a key, 403 for everyone.
    ("GET", "/open311/v2/discovery.{fmt}"): Case(plain(None, fmt="json"), everyone(200, anonymous=200)),
    ("GET", "/open311/v2/services.{fmt}"): Case(plain(None, fmt="json"), everyone(200, anonymous=200)),
    ("GET", "/open311/v2/services/{service_code}.{fmt}"): Case(
        plain(None, service_code="errand", fmt="json"), everyone(200, anonymous=200)
    ),
    ("GET", "/open311/v2/requests.{fmt}"): Case(plain(None, fmt="json"), everyone(403, anonymous=403)),
    # (a JSON body is not the form Open311 posts: refused before the key is looked at)
    ("POST", "/open311/v2/requests.{fmt}"): Case(plain({"x": 1}, fmt="json"), everyone(400, anonymous=400)),
    ("GET", "/open311/v2/requests/{service_request_id}.{fmt}"): Case(
        plain(None, service_request_id="1", fmt="json"), everyone(403, anonymous=403)
    ),
    # Privacy: one's own data; deleting the account is refused to staff (they hold others' work).
    ("GET", "/api/v1/me/export"): Case(plain(), everyone(200)),
    ("DELETE", "/api/v1/me"): Case(
        plain(),
        everyone(204, secretary=409, secretary_elsewhere=409, admin_elsewhere=409, district_admin=409),
    ),
    ("POST", "/api/v1/notifications/{notification_id}/read"): Case(notification_case(), only({"owner": 204}, 404)),
    # The staff console's sign-in. Asking for a code and polling it need no sign-in (the poll secret is the key);
    # confirming needs a staff role; with a bearer token and no console cookie the session is `signed_out` (200).
    ("POST", "/api/v1/console/tickets"): Case(plain(), everyone(201, anonymous=201)),
    ("GET", "/api/v1/console/tickets/{ticket}"): Case(console_ticket(), everyone(200)),
    ("POST", "/api/v1/console/tickets/{ticket}/confirm"): Case(console_ticket(), only(dict.fromkeys(STAFF, 204), 403)),
    ("POST", "/api/v1/console/session"): Case(console_ticket(poll=True), everyone(202, anonymous=202)),
    ("GET", "/api/v1/console/session"): Case(plain(), everyone(200, anonymous=200)),
    ("DELETE", "/api/v1/console/session"): Case(plain(), everyone(204)),
    ("GET", "/api/v1/console/today"): Case(plain(), only(dict.fromkeys(STAFF, 200), 403)),
    # Live updates: anyone signed in; each hears only the wishes they may see (tests/console/test_live.py).
    ("GET", "/api/v1/console/events"): Case(plain(), everyone(200)),
    # Development only (the app under test is APP_ENV=dev; tests/console checks prod refuses both).
    ("GET", "/api/v1/console/dev-users"): Case(plain(), everyone(200, anonymous=200)),
    ("POST", "/api/v1/console/dev-session"): Case(plain(_dev_session_body), everyone(200, anonymous=200)),
    # Activities (issue 17): organised by 金阳社区's staff, open to its members; other communities' people: 404.
    ("POST", "/api/v1/activities"): Case(plain(activity_body), only(MANAGERS_NEW, 403)),
    ("GET", "/api/v1/activities"): Case(plain(), everyone(200)),
    ("GET", "/api/v1/activities/{activity_id}"): Case(activity_in("published"), only(ACTIVITY_VIEWERS, 404)),
    ("POST", "/api/v1/activities/{activity_id}/signup"): Case(
        activity_in("published"), only({"assignee": 200, "member": 200, **ORGANISERS_403}, 404)
    ),
    ("POST", "/api/v1/activities/{activity_id}/withdraw"): Case(
        activity_in("signed_up"), only({"assignee": 200, "member": 409, **ORGANISERS_403}, 404)
    ),
    ("POST", "/api/v1/activities/{activity_id}/check-in"): Case(
        activity_in("signed_up", scan_body), only({"assignee": 200, "member": 409, **ORGANISERS_403}, 404)
    ),
    ("POST", "/api/v1/activities/{activity_id}/check-out"): Case(
        activity_in("checked_in", scan_body), only({"assignee": 200, "member": 409, **ORGANISERS_403}, 404)
    ),
    ("POST", "/api/v1/activities/{activity_id}/makeups"): Case(
        activity_in("signed_up", makeup_body), only({"assignee": 201, "member": 409, **ORGANISERS_403}, 404)
    ),
    ("GET", "/api/v1/activities/{activity_id}/makeups"): Case(makeup_case(), only(ACTIVITY_VIEWERS, 404)),
    ("POST", "/api/v1/activities/{activity_id}/makeups/{makeup_id}/approve"): Case(
        makeup_case(), only({**MANAGERS, **VOLUNTEERS_403}, 404)
    ),
    ("POST", "/api/v1/activities/{activity_id}/makeups/{makeup_id}/refuse"): Case(
        makeup_case(), only({**MANAGERS, **VOLUNTEERS_403}, 404)
    ),
    ("GET", "/api/v1/activities/{activity_id}/checkin-code"): Case(
        activity_in("published"), only({**MANAGERS, **VOLUNTEERS_403}, 404)
    ),
    ("GET", "/api/v1/activities/{activity_id}/signups"): Case(
        activity_in("published"), only({**MANAGERS, **VOLUNTEERS_403}, 404)
    ),
    ("POST", "/api/v1/activities/{activity_id}/signups/{signup_id}/hours-corrections"): Case(
        activity_in("checked_out", {"minutes": 1, "reason": "矩阵"}), only({**MANAGERS, **VOLUNTEERS_403}, 404)
    ),
    ("POST", "/api/v1/activities/{activity_id}/signups/{signup_id}/refuse"): Case(
        activity_in("signed_up", {"reason": "矩阵"}), only({**MANAGERS, **VOLUNTEERS_403}, 404)
    ),
    ("POST", "/api/v1/activities/{activity_id}/finish"): Case(
        activity_in("published"), only({**MANAGERS, **VOLUNTEERS_403}, 404)
    ),
    ("POST", "/api/v1/activities/{activity_id}/cancel"): Case(
        activity_in("published", {"reason": "矩阵"}), only({**MANAGERS, **VOLUNTEERS_403}, 404)
    ),
    # 积分 and the 爱心超市: the community's people read, its staff manage, its members order; elsewhere: 404.
    ("GET", "/api/v1/points"): Case(plain(), everyone(200)),
    ("GET", "/api/v1/points/entries"): Case(plain(), everyone(200)),
    ("GET", "/api/v1/communities/{community_id}/points-rates"): Case(
        plain(None, community_id=_community), only(COMMUNITY_PEOPLE, 404)
    ),
    ("PUT", "/api/v1/communities/{community_id}/points-rates"): Case(
        plain({"per_hour": 1, "per_wish": 1}, community_id=_community), only(community_staff(200), 404)
    ),
    ("POST", "/api/v1/communities/{community_id}/points-adjustments"): Case(
        plain(adjustment_body, community_id=_community), only(community_staff(201), 404)
    ),
    ("GET", "/api/v1/communities/{community_id}/points-balances"): Case(
        plain(None, community_id=_community), only(community_staff(200), 404)
    ),
    ("GET", "/api/v1/communities/{community_id}/shop/items"): Case(
        plain(None, community_id=_community), only(COMMUNITY_PEOPLE, 404)
    ),
    ("POST", "/api/v1/communities/{community_id}/shop/items"): Case(
        plain(item_body, community_id=_community), only(community_staff(201), 404)
    ),
    ("PATCH", "/api/v1/shop/items/{item_id}"): Case(item_case({"add_stock": 1}), only(community_staff(200), 404)),
    ("POST", "/api/v1/shop/items/{item_id}/redeem"): Case(
        item_case(), only({"assignee": 201, "member": 201, **dict.fromkeys(RESIDENTS_AND_MANAGERS, 403)}, 404)
    ),
    ("GET", "/api/v1/shop/redemptions"): Case(plain(), everyone(200)),
    ("POST", "/api/v1/shop/redemptions/{redemption_id}/collect"): Case(
        order_case(), only({**MANAGERS, "assignee": 403}, 404)
    ),
    ("POST", "/api/v1/shop/redemptions/{redemption_id}/cancel"): Case(
        order_case(), only({**MANAGERS, "assignee": 200}, 404)
    ),
}


MATRIX.update({route: Case(setup, expect) for route, (setup, expect) in JOINT_MATRIX.items()})
MATRIX.update({route: Case(setup, expect) for route, (setup, expect) in TEAMS_MATRIX.items()})


def app_routes(app: FastAPI) -> set[tuple[str, str]]:
    """Every (method, path) the app documents: the OpenAPI document is FastAPI's public route table."""
    paths = app.openapi()["paths"]
    return {(m.upper(), path) for path, ops in paths.items() for m in ops} - UNLISTED


async def test_every_route_has_an_entry(app: FastAPI) -> None:
    missing = app_routes(app) - set(MATRIX)
    assert not missing, f"routes without an authorization matrix entry: {sorted(missing)}"
    assert not set(MATRIX) - app_routes(app), "matrix entries for routes that no longer exist"


@pytest.mark.parametrize("route", list(MATRIX), ids=[f"{m} {p}" for m, p in MATRIX])
async def test_route_answers_each_persona_as_the_contract_allows(api: Api, route: tuple[str, str]) -> None:
    world = await make_world(api)
    case = MATRIX[route]
    method, template = route
    for persona, openid in PERSONAS.items():
        ctx, body = await case.setup(world, persona)
        path = template.format(**{k: v for k, v in ctx.items() if not k.startswith(("_", "?"))})
        params = {k: (str(world.community) if v == "@community" else v) for k, v in case.params.items()}
        params.update({k[1:]: str(v) for k, v in ctx.items() if k.startswith("?")})
        json_body = body if body is not None else (params.pop("reason", None) and {"reason": case.params["reason"]})
        headers = await api.login(openid) if openid else {}
        resp = await api.client.request(method, path, json=json_body or None, params=params, headers=headers)
        want = case.expect[persona]
        assert resp.status_code == want, f"{method} {path} as {persona}: {resp.status_code} {resp.text[:200]}"
        if resp.status_code >= 400 and not path.startswith("/open311/"):  # Open311 answers in its spec's format
            assert resp.headers["content-type"].startswith(PROBLEM), f"{method} {path} as {persona}: not problem+json"
        if case.check is not None:
            assert case.check(persona, resp, ctx), f"{method} {path} as {persona}: shows what it should not"
