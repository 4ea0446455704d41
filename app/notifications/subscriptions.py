"""What the mini-program needs to ask for consent (`GET /api/v1/client-config`), and the consents it reports
(`POST /api/v1/subscriptions`).

Each consent is counted once. Without message push, the mini-program's report is all we hear of it. With push
configured (WECHAT_PUSH_TOKEN), WeChat's own subscribe_msg_popup_event counts it (app/wechat/push.py) and the
report only reads the quota back: counting both would give one send too many, which WeChat refuses (43101).
"""

from __future__ import annotations

from fastapi import APIRouter

from app.auth.deps import CurrentUser, SettingsDep
from app.db import SessionDep
from app.errors import PROBLEM_RESPONSES, ValidationFailed
from app.notifications import quota
from app.notifications.schemas import ClientConfigOut, SubscriptionsIn, SubscriptionsOut
from app.notifications.templates import SUBSCRIBE_KEYS

router = APIRouter(prefix="/api/v1", tags=["notifications"], responses=PROBLEM_RESPONSES)


@router.get("/client-config", response_model=ClientConfigOut)
async def client_config(principal: CurrentUser, settings: SettingsDep) -> ClientConfigOut:
    templates = {key: settings.wechat_templates[key].id for key in SUBSCRIBE_KEYS if key in settings.wechat_templates}
    return ClientConfigOut(subscribe_templates=templates, wechat_mode=str(settings.wechat_mode))


@router.post("/subscriptions", response_model=SubscriptionsOut)
async def report_consents(
    body: SubscriptionsIn, session: SessionDep, principal: CurrentUser, settings: SettingsDep
) -> SubscriptionsOut:
    for i, key in enumerate(body.accepted):
        if key not in settings.wechat_templates or key in body.accepted[:i]:
            raise ValidationFailed(["body", "accepted", i], f"{key!r} is not a subscribe template key, or repeated")
    counted = not settings.wechat_push_token
    if counted:
        template_ids = [settings.wechat_templates[key].id for key in body.accepted]
        await quota.add_consents(session, principal.id, template_ids)
    return SubscriptionsOut(quota=await quota.quota_by_key(session, principal.id, settings), counted=counted)
