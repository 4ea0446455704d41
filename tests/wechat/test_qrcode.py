"""服务二维码: a member's mini-program code, made by WeChat once and then served from our copy."""

from __future__ import annotations

from app.wechat.fake import qr_png
from app.wechat.fake_state import FakeWeChatState
from tests.helpers import Api, assert_problem

M, S = "demo-member-jinyang-1", "demo-secretary-jinyang"


def _made(fake: FakeWeChatState) -> int:
    return sum(1 for c in fake.calls if c["api"] == "getwxacodeunlimit" and c["errcode"] == 0)


async def test_member_gets_their_code_and_it_is_fetched_from_wechat_once(api: Api, fake: FakeWeChatState) -> None:
    member = await api.uid(M)
    path = f"/api/v1/members/{member}/qrcode"

    first = await api.get(M, path)
    again = await api.get(S, path)

    assert first.status_code == again.status_code == 200, first.text
    assert first.headers["content-type"] == "image/png"
    assert first.content == again.content == qr_png(f"m={member}")
    assert _made(fake) == 1


async def test_others_do_not_see_a_members_code(api: Api, fake: FakeWeChatState) -> None:
    member = await api.uid(M)
    assert_problem(await api.get("demo-resident-jinyang-1", f"/api/v1/members/{member}/qrcode"), 404, "not_found")
    assert_problem(await api.get("demo-secretary-wanfolou", f"/api/v1/members/{member}/qrcode"), 404, "not_found")
    resident = await api.uid("demo-resident-jinyang-1")
    assert_problem(await api.get("demo-resident-jinyang-1", f"/api/v1/members/{resident}/qrcode"), 404, "not_found")
    assert _made(fake) == 0


async def test_wechat_down_is_503_and_nothing_is_kept(api: Api, fake: FakeWeChatState) -> None:
    member = await api.uid(M)
    fake.fail_next("getwxacodeunlimit", 503)
    assert_problem(await api.get(M, f"/api/v1/members/{member}/qrcode"), 503, "wechat_unavailable")
    assert (await api.get(M, f"/api/v1/members/{member}/qrcode")).status_code == 200
