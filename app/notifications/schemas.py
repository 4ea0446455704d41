from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

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


class ClientConfigOut(BaseModel):
    subscribe_templates: dict[str, str] = Field(
        description="template key → WeChat template id, in the order to ask (wx.requestSubscribeMessage: 3 at most)"
    )
    wechat_mode: str = Field(description="fake: development, codes dev:<openid> sign in; real: WeChat itself")


class SubscriptionsIn(BaseModel):
    accepted: list[str] = Field(max_length=3, description="the template keys the user allowed in this prompt")


class SubscriptionsOut(BaseModel):
    quota: dict[str, int] = Field(description="subscribe messages left per template key")
    counted: bool = Field(
        description="false when message push is configured: WeChat's popup event counts the consents instead"
    )
