"""The demo's joint building and star rating behind the console's screens: written once, and read back through the
API as the console reads it, every project and assessment with the actions its state allows."""

from __future__ import annotations

from fastapi import FastAPI

from app.db import create_sessionmaker, utcnow
from app.seed_history import seed_history
from app.seed_joint import seed_joint
from tests.helpers import Api


async def _seed(app: FastAPI) -> str:
    async with create_sessionmaker(app.state.engine)() as s, s.begin():
        await seed_history(s, utcnow())
        return await seed_joint(s, utcnow())


async def test_written_once_and_read_through_the_api(app: FastAPI, api: Api) -> None:
    assert await _seed(app) == "5 units, 7 needs, 7 joint projects, 4 star assessments"
    assert await _seed(app) == ""  # a second run finds the units and writes nothing
    jinyang = await api.org_id("金阳社区")
    projects = (await api.get("demo-secretary-jinyang", "/api/v1/joint/projects")).json()["items"]
    assert sorted(p["status"] for p in projects) == ["done", "in_progress", "proposed", "proposed"]
    done = next(p for p in projects if p["status"] == "done")
    detail = (await api.get("demo-secretary-jinyang", f"/api/v1/joint/projects/{done['id']}")).json()
    assert detail["events"][0]["action"] == "claim" and detail["rating"]["score"] == 5
    assert {e["actor_name"] for e in detail["events"]} == {"金阳社区书记", "供电公司赵工"}
    # The adoption the community proposed waits for the unit; the claim the unit proposed, for the community.
    waiting = {p["origin"]: p["allowed_actions"] for p in projects if p["status"] == "proposed"}
    assert waiting == {"adopt": ["drop"], "claim": ["confirm", "drop"]}
    needs = (await api.get("demo-secretary-jinyang", "/api/v1/joint/needs", params={"community_id": jinyang})).json()
    assert sorted(n["state"] for n in needs["items"]) == ["claimed", "claimed", "met", "open"]
    units = (await api.get("demo-admin", "/api/v1/joint/units")).json()["items"]
    assert len(units) == 5 and all(u["contacts"] for u in units)
    figures = await api.get("demo-admin", "/api/v1/joint/figures", params={"org_id": await api.org_id("榆阳区")})
    assert figures.json()["projects"] >= 4, figures.text  # the default window is the last 30 days

    district = {"district_id": await api.org_id("榆阳区")}
    sets = (await api.get("demo-admin", "/api/v1/stars/sets", params=district)).json()
    assert [s["year"] for s in sets] == [utcnow().year] and sets[0]["total_points"] == 100
    rows = (await api.get("demo-admin", f"/api/v1/stars/sets/{sets[0]['id']}/assessments")).json()
    states = {a["community"]["name"]: (a["status"], a["stars"], a["allowed_actions"]) for a in rows}
    assert states == {
        "金阳社区": ("published", 5, ["correct"]),
        "定慧寺社区": ("reviewed", None, ["approve"]),
        "万佛楼社区": ("submitted", None, ["send_back"]),  # the district may also act as a street; not yet reviewed
        "航宇路社区": ("draft", None, []),
    }
    # What each level may edit, for the console's inputs: the community in draft, the street once submitted.
    edits = {a["community"]["name"]: (a["can_score"], a["can_review"], a["can_answer"]) for a in rows}
    assert edits == {n: (False, n == "万佛楼社区", True) for n in states}
    wanfolou = next(a["id"] for a in rows if a["community"]["name"] == "万佛楼社区")
    street = (await api.get("demo-admin-xinminglou", f"/api/v1/stars/assessments/{wanfolou}")).json()
    assert (street["can_score"], street["can_review"], street["can_answer"]) == (False, True, False)
    hangyu = next(a["id"] for a in rows if a["community"]["name"] == "航宇路社区")
    own = (await api.get("demo-secretary-hangyulu", f"/api/v1/stars/assessments/{hangyu}")).json()
    assert (own["can_score"], own["can_review"], own["can_answer"]) == (True, False, False)
    page = (await api.get("demo-resident-jinyang-1", f"/api/v1/stars/communities/{jinyang}")).json()
    assert page["current"]["stars"] == 5
