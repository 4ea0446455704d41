"""Every kind `notify()` can write becomes a subscribe message WeChat accepts (no 47003), whatever its text."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.config import Settings
from app.notifications.delivery import build_message, template_for
from app.notifications.models import Notification
from app.notifications.templates import SUBSCRIBE_KEYS, TEMPLATES, render
from app.wechat.fake import check_send
from app.wechat.fake_state import FakeWeChatState

LONG = {
    "number": "XY-20261124-123456",
    "title": "帮忙买一袋大米和两桶食用油再送到三号楼二单元五零二室",
    "reason": "不在本社区服务范围内,请联系所在社区的网格员或拨打12345热线",
    "name": "欧阳张建国李红梅王志强",
}


@pytest.mark.parametrize("kind", sorted(TEMPLATES))
@pytest.mark.parametrize("fields", [LONG, {}], ids=["long", "empty"])
def test_every_kind_fits_its_template(kind: str, fields: dict[str, str], settings: Settings) -> None:
    title, body = render(kind, **fields)
    wish_id = None if kind.startswith("report_") else 7
    note = Notification(
        id=42, kind=kind, title=title, body=body, wish_id=wish_id, params=fields, created_at=datetime.now(UTC)
    )
    key, template = template_for(kind, settings)
    assert key in SUBSCRIBE_KEYS and template is not None
    message = build_message(note, "openid-1", template, settings)

    fake = FakeWeChatState()
    fake.grant("openid-1", [template.id])
    assert check_send(fake, message) is None, message
    assert message["page"].endswith("nid=42")
