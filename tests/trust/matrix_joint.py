"""The authorization matrix's rows for joint building (/api/v1/joint) and star rating (/api/v1/stars).

Each setup makes what the route acts on afresh for each persona (a unit of 金阳社区, a need, a project, an
assessment at the step the route needs) and returns its ids; `?name` entries are query parameters."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from typing import Any

from tests.trust.personas import PERSONAS, World

Setup = Callable[[World, str], Awaitable[tuple[dict[str, Any], Any]]]
_n = itertools.count()
ADMIN, SECRETARY = "demo-admin", PERSONAS["secretary"] or ""


def expect(allowed: dict[str, int], default: int) -> dict[str, int]:
    return {p: allowed.get(p, 401 if p == "anonymous" else default) for p in PERSONAS}


async def _ok(world: World, who: str, method: str, path: str, body: Any = None) -> dict[str, Any]:
    headers = await world.api.login(who)
    resp = await world.api.client.request(method, path, json=body, headers=headers)
    assert resp.status_code in (200, 201), resp.text
    return dict(resp.json())


async def _unit(world: World) -> int:
    body = {"name": f"矩阵单位{next(_n)}", "kind": "school", "org_id": world.community}
    return int((await _ok(world, ADMIN, "POST", "/api/v1/joint/units", body))["id"])


async def _need(world: World) -> int:
    body = {"community_id": world.community, "title": "矩阵需求", "content": "矩阵"}
    return int((await _ok(world, SECRETARY, "POST", "/api/v1/joint/needs", body))["id"])


async def _resource(world: World, unit: int) -> int:
    body = {"unit_id": unit, "kind": "venue", "title": "矩阵场地", "content": "矩阵"}
    return int((await _ok(world, ADMIN, "POST", "/api/v1/joint/resources", body))["id"])


async def _project(world: World) -> int:
    resource = await _resource(world, await _unit(world))
    body = {"community_id": world.community}
    return int((await _ok(world, SECRETARY, "POST", f"/api/v1/joint/resources/{resource}/adopt", body))["id"])


async def _district(world: World) -> int:
    return await world.api.org_id("榆阳区")


async def _set(world: World, people: bool = True) -> dict[str, Any]:
    items = [{"name": "响应率", "max_points": 10, "measure": "response_rate"}]
    if people:
        items.append({"name": "组织生活", "max_points": 10})
    body = {"district_id": await _district(world), "year": 2030 + next(_n) % 70, "indicators": items}
    return await _ok(world, ADMIN, "POST", "/api/v1/stars/sets", body)


async def _assessment(world: World, upto: str) -> dict[str, Any]:
    """An assessment of 金阳社区 in `draft` (nothing scored by people), `submitted` or `publicity`."""
    set_ = await _set(world, people=upto == "draft")
    path = f"/api/v1/stars/sets/{set_['id']}/assessments"
    a = await _ok(world, SECRETARY, "POST", path, {"community_id": world.community})
    base = f"/api/v1/stars/assessments/{a['id']}"
    if upto == "draft":
        return a
    a = await _ok(world, SECRETARY, "POST", f"{base}/submit")
    if upto == "submitted":
        return a
    item = a["scores"][0]
    await _ok(world, ADMIN, "PUT", f"{base}/reviews/{item['indicator_id']}", {"points": item["self_points"]})
    for step, body in (("review", None), ("approve", {"stars": 3}), ("publicize", None)):
        a = await _ok(world, ADMIN, "POST", f"{base}/{step}", body)
    return a


def setup(make: Callable[[World], Awaitable[tuple[dict[str, Any], Any]]]) -> Setup:
    async def run(world: World, persona: str) -> tuple[dict[str, Any], Any]:
        return await make(world)

    return run


async def _nothing(world: World) -> tuple[dict[str, Any], Any]:
    return {}, None


async def _new_unit(world: World) -> tuple[dict[str, Any], Any]:
    return {}, {"name": f"矩阵单位{next(_n)}", "kind": "school", "org_id": world.community}


async def _a_unit(world: World) -> tuple[dict[str, Any], Any]:
    return {"unit_id": await _unit(world)}, None


async def _contact(world: World) -> tuple[dict[str, Any], Any]:
    user = await world.api.uid(f"matrix-contact-{next(_n)}")
    return {"unit_id": await _unit(world)}, {"user_id": user}


async def _seat(world: World) -> tuple[dict[str, Any], Any]:
    return {"unit_id": await _unit(world)}, {"council_org_id": world.community, "committee_members": ["矩阵"]}


async def _with_contact(world: World) -> tuple[dict[str, Any], Any]:
    unit = await _unit(world)
    user = await world.api.uid(f"matrix-contact-{next(_n)}")
    await _ok(world, ADMIN, "POST", f"/api/v1/joint/units/{unit}/contacts", {"user_id": user})
    return {"unit_id": unit, "user_id": user}, None


async def _seated(world: World) -> tuple[dict[str, Any], Any]:
    unit = await _unit(world)
    body = {"council_org_id": world.community, "committee_members": ["矩阵"]}
    await _ok(world, ADMIN, "POST", f"/api/v1/joint/units/{unit}/council", body)
    return {"unit_id": unit, "council_org_id": world.community}, None


async def _seat_edit(world: World) -> tuple[dict[str, Any], Any]:
    ctx, _ = await _seated(world)
    return ctx, {"committee_members": ["矩阵委员"]}


async def _unit_edit(world: World) -> tuple[dict[str, Any], Any]:
    return {"unit_id": await _unit(world)}, {"kind": "other"}


async def _new_need(world: World) -> tuple[dict[str, Any], Any]:
    return {}, {"community_id": world.community, "title": "矩阵需求", "content": "矩阵"}


async def _needs(world: World) -> tuple[dict[str, Any], Any]:
    return {"?community_id": world.community}, None


async def _claim(world: World) -> tuple[dict[str, Any], Any]:
    return {"need_id": await _need(world)}, {"unit_id": await _unit(world)}


async def _new_resource(world: World) -> tuple[dict[str, Any], Any]:
    return {}, {"unit_id": await _unit(world), "kind": "venue", "title": "矩阵场地", "content": "矩阵"}


async def _resources(world: World) -> tuple[dict[str, Any], Any]:
    return {"?unit_id": await _unit(world)}, None


async def _adopt(world: World) -> tuple[dict[str, Any], Any]:
    return {"resource_id": await _resource(world, await _unit(world))}, {"community_id": world.community}


async def _a_project(world: World) -> tuple[dict[str, Any], Any]:
    return {"project_id": await _project(world)}, None


async def _drop(world: World) -> tuple[dict[str, Any], Any]:
    return {"project_id": await _project(world), "action": "drop"}, {"reason": "矩阵"}


async def _figures(world: World) -> tuple[dict[str, Any], Any]:
    return {"?org_id": world.community}, None


async def _new_set(world: World) -> tuple[dict[str, Any], Any]:
    items = [{"name": "组织生活", "max_points": 10}]
    return {}, {"district_id": await _district(world), "year": 2030 + next(_n) % 70, "indicators": items}


async def _sets(world: World) -> tuple[dict[str, Any], Any]:
    return {"?district_id": await _district(world)}, None


async def _open(world: World) -> tuple[dict[str, Any], Any]:
    return {"set_id": (await _set(world))["id"]}, {"community_id": world.community}


async def _draft(world: World) -> tuple[dict[str, Any], Any]:
    a = await _assessment(world, "draft")
    return {"assessment_id": a["id"], "set_id": a["set_id"]}, None


async def _score(world: World) -> tuple[dict[str, Any], Any]:
    a = await _assessment(world, "draft")
    people = next(s for s in a["scores"] if s["measure"] is None)
    return {"assessment_id": a["id"], "indicator_id": people["indicator_id"]}, {"points": 8, "evidence": "矩阵"}


async def _review(world: World) -> tuple[dict[str, Any], Any]:
    a = await _assessment(world, "submitted")
    ctx = {"assessment_id": a["id"], "indicator_id": a["scores"][0]["indicator_id"]}
    return ctx, {"points": 1, "reason": "矩阵"}


async def _object(world: World) -> tuple[dict[str, Any], Any]:
    return {"assessment_id": (await _assessment(world, "publicity"))["id"]}, {"content": "矩阵异议"}


async def _answer(world: World) -> tuple[dict[str, Any], Any]:
    a = await _assessment(world, "publicity")
    path = f"/api/v1/stars/assessments/{a['id']}/objections"
    objection = await _ok(world, PERSONAS["owner"] or "", "POST", path, {"content": "矩阵异议"})
    return {"objection_id": objection["id"]}, {"answer": "矩阵答复"}


async def _submit(world: World) -> tuple[dict[str, Any], Any]:
    a = await _assessment(world, "draft")
    people = next(s for s in a["scores"] if s["measure"] is None)
    body = {"points": 8, "evidence": "矩阵"}
    await _ok(world, SECRETARY, "PUT", f"/api/v1/stars/assessments/{a['id']}/scores/{people['indicator_id']}", body)
    return {"assessment_id": a["id"], "action": "submit"}, None


async def _document_id(world: World) -> tuple[dict[str, Any], Any]:
    return {"document_id": 1}, None


async def _community(world: World) -> tuple[dict[str, Any], Any]:
    return {"community_id": world.community}, None


SEES = {"secretary": 200, "district_admin": 200}
SIGNED_IN = {p: 200 for p in PERSONAS if p != "anonymous"}
J, ST = "/api/v1/joint", "/api/v1/stars"
JOINT_MATRIX: dict[tuple[str, str], tuple[Setup, dict[str, int]]] = {
    ("POST", f"{J}/units"): (setup(_new_unit), expect({"district_admin": 201}, 403)),
    ("GET", f"{J}/units"): (setup(_nothing), expect(SIGNED_IN, 200)),
    ("GET", f"{J}/units/{{unit_id}}"): (setup(_a_unit), expect(SEES, 404)),
    ("POST", f"{J}/units/{{unit_id}}/contacts"): (
        setup(_contact),
        expect({"district_admin": 201, "secretary": 403}, 404),
    ),
    ("POST", f"{J}/units/{{unit_id}}/council"): (setup(_seat), expect({"district_admin": 201, "secretary": 403}, 404)),
    ("PATCH", f"{J}/units/{{unit_id}}"): (setup(_unit_edit), expect({"district_admin": 200, "secretary": 403}, 404)),
    ("DELETE", f"{J}/units/{{unit_id}}/contacts/{{user_id}}"): (
        setup(_with_contact),
        expect({"district_admin": 200, "secretary": 403}, 404),
    ),
    ("PATCH", f"{J}/units/{{unit_id}}/council/{{council_org_id}}"): (
        setup(_seat_edit),
        expect({"district_admin": 200, "secretary": 403}, 404),
    ),
    ("DELETE", f"{J}/units/{{unit_id}}/council/{{council_org_id}}"): (
        setup(_seated),
        expect({"district_admin": 200, "secretary": 403}, 404),
    ),
    ("POST", f"{J}/needs"): (setup(_new_need), expect({"district_admin": 201, "secretary": 201}, 403)),
    ("GET", f"{J}/needs"): (setup(_needs), expect(SEES, 404)),
    ("POST", f"{J}/needs/{{need_id}}/claim"): (setup(_claim), expect({"district_admin": 403, "secretary": 403}, 404)),
    ("POST", f"{J}/resources"): (setup(_new_resource), expect({"district_admin": 201, "secretary": 403}, 404)),
    ("GET", f"{J}/resources"): (setup(_resources), expect(SEES, 404)),
    ("POST", f"{J}/resources/{{resource_id}}/adopt"): (
        setup(_adopt),
        expect({"district_admin": 201, "secretary": 201}, 404),
    ),
    ("GET", f"{J}/projects"): (setup(_nothing), expect(SIGNED_IN, 200)),
    ("GET", f"{J}/projects/{{project_id}}"): (setup(_a_project), expect(SEES, 404)),
    ("POST", f"{J}/projects/{{project_id}}/{{action}}"): (setup(_drop), expect(SEES, 404)),
    ("GET", f"{J}/projects/{{project_id}}/photos"): (setup(_a_project), expect(SEES, 404)),
    ("GET", f"{J}/figures"): (setup(_figures), expect(SEES, 404)),
    ("POST", f"{ST}/sets"): (setup(_new_set), expect({"district_admin": 201}, 403)),
    ("GET", f"{ST}/sets"): (setup(_sets), expect(SIGNED_IN, 200)),
    ("POST", f"{ST}/sets/{{set_id}}/assessments"): (setup(_open), expect({"secretary": 201}, 403)),
    ("GET", f"{ST}/sets/{{set_id}}/assessments"): (setup(_draft), expect(SIGNED_IN, 200)),
    ("GET", f"{ST}/assessments/{{assessment_id}}"): (setup(_draft), expect(SEES, 404)),
    ("PUT", f"{ST}/assessments/{{assessment_id}}/scores/{{indicator_id}}"): (
        setup(_score),
        expect({"secretary": 200, "district_admin": 403}, 404),
    ),
    # Evidence files: the community and its reviewers (the district admin is both street and district here).
    ("GET", f"{ST}/assessments/{{assessment_id}}/scores/{{indicator_id}}/files"): (setup(_score), expect(SEES, 404)),
    # A PDF upload needs a multipart file (this JSON body is refused once the caller may upload at all: 422); the
    # bytes need a signed URL (without one, 422 for everyone).
    ("POST", f"{ST}/documents"): (
        setup(_nothing),
        expect({"secretary": 422, "secretary_elsewhere": 422, "admin_elsewhere": 422, "district_admin": 422}, 403),
    ),
    ("GET", "/media/documents/{document_id}"): (setup(_document_id), expect({"anonymous": 422}, 422)),
    ("PUT", f"{ST}/assessments/{{assessment_id}}/reviews/{{indicator_id}}"): (
        setup(_review),
        expect({"secretary": 403, "district_admin": 200}, 404),
    ),
    ("POST", f"{ST}/assessments/{{assessment_id}}/objections"): (setup(_object), expect({}, 201)),
    ("POST", f"{ST}/objections/{{objection_id}}/answer"): (setup(_answer), expect({"district_admin": 200}, 403)),
    ("POST", f"{ST}/assessments/{{assessment_id}}/{{action}}"): (
        setup(_submit),
        expect({"secretary": 200, "district_admin": 403}, 404),
    ),
    ("GET", f"{ST}/communities/{{community_id}}"): (setup(_community), expect(SIGNED_IN, 200)),
}
