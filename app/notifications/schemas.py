from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from app.notifications.models import WeChatStatus


class NotificationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    title: str
    body: str
    wish_id: int | None
    created_at: datetime
    read_at: datetime | None
    wechat_status: WeChatStatus
