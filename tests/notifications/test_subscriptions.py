"""What the mini-program asks consent for, and the consents it reports."""

from __future__ import annotations

from app.wechat.fake_state import FakeWeChatState
from tests.helpers import Api, assert_problem

M = "demo-member-jinyang-1"


async def test_client_config_gives_the_template_ids_in_asking_order(api: Api) -> None:
    resp = await api.get(M, "/api/v1/client-config")
    assert resp.status_code == 200
    assert list(resp.json()["subscribe_templates"].items()) == [
        ("wish_status", "dev-tmpl-wish-status"),
        ("task_status", "dev-tmpl-task-status"),
        ("report_result", "dev-tmpl-report-result"),
    ]
    assert resp.json()["wechat_mode"] == "fake"
    assert_problem(await api.client.get("/api/v1/client-config"), 401, "unauthorized")


async def test_each_reported_consent_adds_one(api: Api, fake: FakeWeChatState) -> None:
    first = await api.post(M, "/api/v1/subscriptions", {"accepted": ["wish_status", "task_status"]})
    second = await api.post(M, "/api/v1/subscriptions", {"accepted": ["task_status"]})
    assert first.json() == {"quota": {"wish_status": 1, "task_status": 1, "report_result": 0}, "counted": True}
    assert second.json()["quota"] == {"wish_status": 1, "task_status": 2, "report_result": 0}
    other = await api.post("demo-member-jinyang-2", "/api/v1/subscriptions", {"accepted": []})
    assert other.json()["quota"] == {"wish_status": 0, "task_status": 0, "report_result": 0}


async def test_unknown_repeated_or_too_many_keys_are_refused(api: Api) -> None:
    for accepted in (["nope"], ["task_status", "task_status"], ["wish_status", "task_status", "report_result", "x"]):
        assert_problem(await api.post(M, "/api/v1/subscriptions", {"accepted": accepted}), 422, "validation_error")
    quota = (await api.post(M, "/api/v1/subscriptions", {"accepted": []})).json()["quota"]
    assert quota == {"wish_status": 0, "task_status": 0, "report_result": 0}
