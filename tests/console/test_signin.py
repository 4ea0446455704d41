"""The staff console's sign-in: a mini-program code ticket (expiry, single use, staff only), the cookie session
(HttpOnly, expiring, revoked with the roles, CSRF-checked) and the development picker (refused in prod)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import jwt
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.console.models import ConsoleTicket
from app.console.session import CSRF_HEADER, SESSION_COOKIE
from app.db import utcnow
from tests.helpers import Api, assert_problem
from tests.limits.apps import serve
from tests.test_prod_guard import NO_WECHAT, _prod

SECRETARY = "demo-secretary-jinyang"


async def _ticket(client: httpx.AsyncClient) -> dict[str, Any]:
    resp = await client.post("/api/v1/console/tickets", headers={"Origin": "http://console.test"})
    assert resp.status_code == 201, resp.text
    return dict(resp.json())


async def _poll(client: httpx.AsyncClient, ticket: dict[str, Any]) -> httpx.Response:
    body = {"ticket": ticket["ticket"], "poll_token": ticket["poll_token"]}
    return await client.post("/api/v1/console/session", json=body)


async def _scan_in(api: Api, openid: str = SECRETARY) -> dict[str, Any]:
    """The whole scan path; returns the signed-in answer (the client now holds the cookie)."""
    ticket = await _ticket(api.client)
    assert (await api.post(openid, f"/api/v1/console/tickets/{ticket['ticket']}/confirm")).status_code == 204
    resp = await _poll(api.client, ticket)
    assert resp.status_code == 200, resp.text
    return dict(resp.json())


async def test_scan_confirm_and_poll_signs_the_console_in(api: Api) -> None:
    ticket = await _ticket(api.client)
    assert ticket["qrcode"].startswith("data:image/png;base64,") and len(ticket["ticket"]) <= 30
    pending = await _poll(api.client, ticket)
    assert pending.status_code == 202 and pending.json()["status"] == "pending"
    assert SESSION_COOKIE not in pending.cookies
    view = await api.get(SECRETARY, f"/api/v1/console/tickets/{ticket['ticket']}")
    assert view.json()["status"] == "pending" and view.json()["origin"] == "http://console.test"
    assert (await api.post(SECRETARY, f"/api/v1/console/tickets/{ticket['ticket']}/confirm")).status_code == 204
    signed = await _poll(api.client, ticket)
    assert signed.status_code == 200, signed.text
    assert signed.json()["user"]["id"] == await api.uid(SECRETARY) and signed.json()["csrf_token"]
    set_cookie = signed.headers["set-cookie"].lower()
    assert "httponly" in set_cookie and "samesite=strict" in set_cookie and "max-age=28800" in set_cookie
    me = await api.client.get("/api/v1/me")  # the cookie alone, no bearer token
    assert me.status_code == 200 and me.json()["roles"][0]["role"] == "secretary"


async def test_a_ticket_signs_in_once(api: Api) -> None:
    ticket = await _ticket(api.client)
    url = f"/api/v1/console/tickets/{ticket['ticket']}/confirm"
    assert (await api.post(SECRETARY, url)).status_code == 204
    assert_problem(await api.post("demo-secretary-wanfolou", url), 409, "ticket_used")
    assert (await _poll(api.client, ticket)).status_code == 200
    assert_problem(await _poll(api.client, ticket), 409, "ticket_used")


async def test_the_poll_secret_is_needed(api: Api) -> None:
    ticket = await _ticket(api.client)
    await api.post(SECRETARY, f"/api/v1/console/tickets/{ticket['ticket']}/confirm")
    stolen = {**ticket, "poll_token": "photographed-the-screen"}
    assert_problem(await _poll(api.client, stolen), 404, "not_found")


async def test_an_expired_ticket_is_refused(api: Api, session: AsyncSession) -> None:
    ticket = await _ticket(api.client)
    expires = (await session.get(ConsoleTicket, ticket["ticket"])).expires_at  # type: ignore[union-attr]
    assert timedelta(seconds=115) < expires - utcnow() <= timedelta(seconds=120)
    await session.execute(update(ConsoleTicket).where(ConsoleTicket.id == ticket["ticket"]).values(expires_at=utcnow()))
    await session.commit()
    url = f"/api/v1/console/tickets/{ticket['ticket']}/confirm"
    assert_problem(await api.post(SECRETARY, url), 410, "ticket_expired")
    assert_problem(await _poll(api.client, ticket), 410, "ticket_expired")
    assert (await api.get(SECRETARY, f"/api/v1/console/tickets/{ticket['ticket']}")).json()["status"] == "expired"


async def test_residents_and_members_are_refused_clearly(api: Api, session: AsyncSession) -> None:
    ticket = await _ticket(api.client)
    for openid in ("demo-resident-jinyang-1", "demo-member-jinyang-1"):
        body = assert_problem(
            await api.post(openid, f"/api/v1/console/tickets/{ticket['ticket']}/confirm"), 403, "not_staff"
        )
        assert "secretaries and admins" in body["detail"]
    row = await session.scalar(select(ConsoleTicket).where(ConsoleTicket.id == ticket["ticket"]))
    assert row is not None and row.confirmed_by is None  # the refusal changed nothing
    assert (await _poll(api.client, ticket)).status_code == 202


async def test_changes_need_the_csrf_header(api: Api) -> None:
    signed = await _scan_in(api)
    wish = await api.order()
    member = await api.uid("demo-member-jinyang-1")
    url = f"/api/v1/wishes/{wish['id']}/dispatch"
    assert_problem(await api.client.post(url, json={"assignee_id": member}), 403, "csrf_refused")
    wrong = {CSRF_HEADER: "guessed"}
    assert_problem(await api.client.post(url, json={"assignee_id": member}, headers=wrong), 403, "csrf_refused")
    assert (await api.client.get(f"/api/v1/wishes/{wish['id']}")).json()["status"] == "ordered"
    good = {CSRF_HEADER: signed["csrf_token"]}
    resp = await api.client.post(url, json={"assignee_id": member}, headers=good)
    assert resp.status_code == 200, resp.text
    assert resp.json()["status"] == "dispatched"


async def test_revoking_the_role_ends_the_session(api: Api) -> None:
    await _scan_in(api)
    assert (await api.client.get("/api/v1/console/session")).status_code == 200
    community = await api.org_id("金阳社区")
    secretary = await api.uid(SECRETARY)
    cookies = dict(api.client.cookies)
    api.client.cookies.clear()
    revoked = await api.client.delete(
        f"/api/v1/orgs/{community}/roles/{secretary}/secretary", headers=await api.login("demo-admin")
    )
    assert revoked.status_code == 204, revoked.text
    api.client.cookies.update(cookies)
    body = assert_problem(await api.client.get("/api/v1/me"), 401, "unauthorized")
    assert "revoked" in body["detail"]
    assert (await api.client.get("/api/v1/console/session")).json()["status"] == "signed_out"


async def test_an_expired_or_forged_session_is_refused(api: Api, settings: Settings) -> None:
    uid = await api.uid(SECRETARY)
    now = utcnow()
    old = {"sub": str(uid), "iat": now - timedelta(hours=9), "exp": now - timedelta(hours=1), "typ": "console"}
    for value in (
        jwt.encode({**old, "csrf": "x"}, settings.secret_key, "HS256"),
        jwt.encode({**old, "exp": now + timedelta(hours=1), "csrf": "x"}, "another-key-of-thirty-two-chars!", "HS256"),
        jwt.encode({**old, "exp": now + timedelta(hours=1), "csrf": "x", "typ": "access"}, settings.secret_key),
    ):
        api.client.cookies.set(SESSION_COOKIE, value)
        assert_problem(await api.client.get("/api/v1/me"), 401, "unauthorized")


async def test_sign_out_clears_the_cookie(api: Api) -> None:
    signed = await _scan_in(api)
    assert_problem(await api.client.delete("/api/v1/console/session"), 403, "csrf_refused")
    out = await api.client.delete("/api/v1/console/session", headers={CSRF_HEADER: signed["csrf_token"]})
    assert out.status_code == 204
    assert (await api.client.get("/api/v1/console/session")).json()["status"] == "signed_out"
    assert_problem(await api.client.get("/api/v1/me"), 401, "unauthorized")


async def test_dev_picker_signs_in_staff_only(api: Api) -> None:
    users = (await api.client.get("/api/v1/console/dev-users")).json()
    openids = {u["openid"] for u in users}
    assert {"demo-admin", SECRETARY} <= openids and not any("resident" in o for o in openids)
    resident = await api.uid("demo-resident-jinyang-1")
    assert_problem(await api.client.post("/api/v1/console/dev-session", json={"user_id": resident}), 403, "not_staff")
    admin = next(u["id"] for u in users if u["openid"] == "demo-admin")
    signed = await api.client.post("/api/v1/console/dev-session", json={"user_id": admin})
    assert signed.status_code == 200 and signed.json()["user"]["roles"][0]["role"] == "admin"
    assert (await api.client.get("/api/v1/console/session")).json()["csrf_token"] == signed.json()["csrf_token"]


async def test_prod_refuses_the_dev_picker(api: Api, settings: Settings) -> None:
    admin = await api.uid("demo-admin")
    async with serve(_prod(database_url=settings.database_url, wechat_api_base=NO_WECHAT)) as client:
        assert_problem(await client.get("/api/v1/console/dev-users"), 403, "forbidden")
        resp = await client.post("/api/v1/console/dev-session", json={"user_id": admin})
        assert_problem(resp, 403, "forbidden")
        assert SESSION_COOKIE not in resp.cookies


async def test_today_counts_the_managed_communities(api: Api) -> None:
    wish = await api.order()
    await api.order()
    member = await api.uid("demo-member-jinyang-1")
    await api.act(SECRETARY, wish["id"], "dispatch", {"assignee_id": member})
    counts = (await api.get(SECRETARY, "/api/v1/console/today")).json()
    assert counts == {
        "new_today": 2,
        "waiting_dispatch": 1,
        "overdue": 0,
        "awaiting_acceptance": 1,
        "done_this_week": 0,
    }
    assert (await api.get("demo-secretary-wanfolou", "/api/v1/console/today")).json()["new_today"] == 0
    assert_problem(await api.get("demo-resident-jinyang-1", "/api/v1/console/today"), 403, "forbidden")


async def test_the_root_leads_to_the_console(client: httpx.AsyncClient) -> None:
    resp = await client.get("/")
    assert resp.status_code == 307 and resp.headers["location"] == "/console/"
    console = await client.get("/console/")
    # Built (make console): the page; not built: a page that says how to build it.
    assert console.status_code in (200, 503) and "工作台" in console.text


async def test_asking_for_codes_counts_with_the_sign_ins(api: Api, settings: Settings) -> None:
    async with serve(settings.model_copy(update={"rate_limit_logins_per_minute": 2}), client_ip="10.9.8.7") as client:
        for _ in range(2):
            assert (await client.post("/api/v1/console/tickets")).status_code == 201
        assert_problem(await client.post("/api/v1/console/tickets"), 429, "rate_limited")
