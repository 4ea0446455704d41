"""The stars an assessment stands at are its last decision, read by one function (app/stars/decided.py) wherever
they count: the quota, the community page and the assessment itself agree after a correction."""

from __future__ import annotations

from tests.helpers import Api, assert_problem
from tests.stars.conftest import ADMIN, call, indicator_set, reviewed, street_admins

RESIDENT = "demo-resident-jinyang-1"


async def test_a_correction_moves_the_quota_the_page_and_the_assessment_together(api: Api) -> None:
    await street_admins(api)
    set_ = await indicator_set(api, {"5": 25})  # 4 communities: one five-star place
    first, second = await reviewed(api, set_, "金阳社区"), await reviewed(api, set_, "万佛楼社区")
    for action, body in (("approve", {"stars": 5}), ("publicize", None), ("publish", None)):
        await call(api, "POST", ADMIN, f"/assessments/{first['id']}/{action}", body)
    refused = await api.post(ADMIN, f"/api/v1/stars/assessments/{second['id']}/approve", {"stars": 5})
    assert_problem(refused, 409, "quota_exceeded")

    corrected = await call(api, "POST", ADMIN, f"/assessments/{first['id']}/correct", {"stars": 4, "reason": "复核"})
    assert corrected["stars"] == 4
    page = await call(api, "GET", RESIDENT, f"/communities/{first['community']['id']}")
    assert (page["current"]["stars"], page["current"]["corrected"]) == (4, True)
    # The five-star place the correction gave up is free again; the four-star one it took now counts.
    assert (await call(api, "POST", ADMIN, f"/assessments/{second['id']}/approve", {"stars": 5}))["stars"] == 5
    back = await api.post(ADMIN, f"/api/v1/stars/assessments/{first['id']}/correct", {"stars": 5, "reason": "再议"})
    assert_problem(back, 409, "quota_exceeded")
    assert (await call(api, "GET", ADMIN, f"/assessments/{first['id']}"))["stars"] == 4
