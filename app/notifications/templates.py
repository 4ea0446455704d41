"""Every notice's Chinese text, in one place. Keys are the notification `kind`s.

Each kind also says which subscribe-message template carries it to WeChat (`key`, one of SUBSCRIBE_KEYS; the
template ids and keyword names are settings, WECHAT_TEMPLATES), the short status shown in the message (`status`,
at most five Chinese characters: a `phrase` keyword) and its one-line note (`note`, cut to 20 characters).
"""

from __future__ import annotations

from dataclasses import dataclass

# The templates the mini-program asks consent for, in the order it asks (at most three per prompt):
# a resident hears about their wish, members and secretaries about work to do, members about their 报到.
SUBSCRIBE_KEYS = ("wish_status", "task_status", "report_result")
DEFAULT_KEY = "task_status"


@dataclass(frozen=True)
class Template:
    title: str
    body: str  # str.format fields: number, title, reason, name, when, place
    key: str = DEFAULT_KEY
    status: str = "待处理"
    note: str = "{title}"


TEMPLATES: dict[str, Template] = {
    "wish_ordered": Template(
        "新心愿待派单", "居民提交了心愿「{title}」({number}),请及时派单。", status="待派单", note="请及时派单"
    ),
    "wish_dispatched": Template(
        "您有新的心愿任务", "心愿「{title}」({number})已派给您,请及时接单。", status="待接单", note="请及时接单"
    ),
    "wish_opened": Template(
        "有心愿等待认领", "心愿「{title}」({number})已开放认领,先到先得。", status="待认领", note="先到先得"
    ),
    "wish_accepted": Template(
        "心愿已被接单",
        "您的心愿「{title}」({number})已由党员{name}接单。",
        key="wish_status",
        status="已接单",
        note="党员{name}已接单",
    ),
    "wish_done": Template(
        "心愿已办结",
        "您的心愿「{title}」({number})已办结,欢迎评价。",
        key="wish_status",
        status="已办结",
        note="欢迎评价",
    ),
    "wish_rejected": Template(
        "心愿未予受理",
        "您的心愿「{title}」({number})未予受理:{reason}",
        key="wish_status",
        status="未予受理",
        note="{reason}",
    ),
    "wish_declined": Template(
        "心愿被退单", "心愿「{title}」({number})被退单:{reason},请重新派单。", status="被退单", note="{reason}"
    ),
    "wish_cancelled": Template(
        "心愿已撤销", "居民已撤销心愿「{title}」({number}),无需再办理。", status="已撤销", note="无需再办理"
    ),
    "wish_recalled": Template(
        "心愿已收回", "心愿「{title}」({number})已由社区收回,无需再办理。", status="已收回", note="无需再办理"
    ),
    "wish_reopened": Template(
        "心愿被要求重办",
        "居民对心愿「{title}」({number})不满意,要求重办:{reason}",
        status="要求重办",
        note="{reason}",
    ),
    "wish_overdue": Template(
        "心愿已超时", "心愿「{title}」({number})已超过办结时限,请督办。", status="已超时", note="请督办"
    ),
    "wish_escalated": Template(
        "心愿超时督办",
        "{name}的心愿「{title}」({number})已超过办结时限两倍仍未办结,请督办。",
        status="超时督办",
        note="{name}超时两倍未办结",
    ),
    "content_review": Template(
        "内容待复核",
        "心愿「{title}」({number})中有文字需要人工复核({reason})。",
        status="待复核",
        note="有文字需要人工复核",
    ),
    "photo_removed": Template(
        "照片已删除",
        "您上传的一张照片{reason}未通过内容安全检查,已删除,其他人看不到它。",
        key="wish_status",
        status="已删除",
        note="照片未通过内容安全检查",
    ),
    "photo_review": Template(
        "照片待复核",
        "心愿「{title}」({number})的一张照片需要人工复核,复核前只有上传者和社区能看到。",
        status="待复核",
        note="有照片需要人工复核",
    ),
    "report_approved": Template(
        "报到已通过",
        "您在{name}的党员报到已通过,欢迎参与志愿服务。",
        key="report_result",
        status="已通过",
        note="欢迎参与志愿服务",
    ),
    "report_rejected": Template(
        "报到未通过", "您在{name}的党员报到未通过:{reason}", key="report_result", status="未通过", note="{reason}"
    ),
    "activity_cancelled": Template(
        "活动已取消", "您报名的活动「{title}」已取消:{reason}", status="已取消", note="{reason}"
    ),
    "activity_reminder": Template(
        "活动明天开始",
        "您报名的活动「{title}」将于{when}开始,地点:{place}。",
        status="即将开始",
        note="{when}开始",
    ),
    "signup_refused": Template(
        "报名未通过", "您报名的活动「{title}」未通过:{reason}", status="未通过", note="{reason}"
    ),
    "makeup_approved": Template(
        "补卡已通过", "您在活动「{title}」的补卡申请已通过。", status="已通过", note="补卡申请已通过"
    ),
    "makeup_refused": Template(
        "补卡未通过", "您在活动「{title}」的补卡申请未通过。{reason}", status="未通过", note="补卡申请未通过"
    ),
    "team_join_asked": Template(
        "新的入队申请", "{name}申请加入志愿服务队「{title}」,请审核。", status="待审核", note="请审核入队申请"
    ),
    "team_join_approved": Template(
        "入队申请已通过", "您已加入志愿服务队「{title}」。", status="已通过", note="欢迎加入志愿服务队"
    ),
    "team_join_refused": Template(
        "入队申请未通过", "您加入志愿服务队「{title}」的申请未通过。{reason}", status="未通过", note="入队申请未通过"
    ),
    "team_leaderless": Template(
        "志愿服务队待指定队长",
        "志愿服务队「{title}」的队长已注销账号,请指定新队长。",
        status="待处理",
        note="请指定新队长",
    ),
    "project_claimed": Template(
        "志愿服务项目已被认领", "志愿服务项目「{title}」已由「{name}」认领。", status="已认领", note="{name}已认领"
    ),
    "project_released": Template(
        "志愿服务项目认领已解除", "志愿服务项目「{title}」的认领已解除。{reason}", status="已解除", note="认领已解除"
    ),
    # 共驻共建: each side of a joint project hears what the other did ({name}: the unit or the community acting).
    "joint_claimed": Template(
        "需求被认领", "{name}认领了需求「{title}」,请确认共建项目。", status="待确认", note="{name}认领,请确认"
    ),
    "joint_adopted": Template(
        "资源被认领",
        "{name}认领了贵单位的资源,拟共建项目「{title}」,请确认。",
        status="待确认",
        note="{name}认领,请确认",
    ),
    "joint_confirmed": Template(
        "共建项目已确认", "{name}已确认共建项目「{title}」。", status="已确认", note="{name}已确认"
    ),
    "joint_dropped": Template(
        "共建项目已终止", "{name}终止了共建项目「{title}」:{reason}", status="已终止", note="{reason}"
    ),
    "joint_progress": Template(
        "共建项目有新进展", "{name}记录了共建项目「{title}」的进展:{reason}", status="有进展", note="{reason}"
    ),
    "joint_completed": Template(
        "共建项目已完成", "{name}已将共建项目「{title}」标记为完成。", status="已完成", note="{name}标记完成"
    ),
    "joint_rated": Template(
        "共建项目已评价", "{name}评价了共建项目「{title}」:{reason}", status="已评价", note="{reason}"
    ),
    "joint_photo_review": Template(
        "照片待复核",
        "共建项目「{title}」进展中的一张照片需要人工复核,复核前只有上传者和社区能看到。",
        status="待复核",
        note="有照片需要人工复核",
    ),
    # 评星定级: the community hears each decision on its assessment ({title}: its year's 评星定级).
    "stars_sent_back": Template(
        "评星自评被退回", "{title}被街道退回,请修改后重新提交:{reason}", status="被退回", note="{reason}"
    ),
    "stars_reviewed": Template(
        "评星已通过街道审核", "{title}已通过街道审核,待区级审定。", status="已审核", note="待区级审定"
    ),
    "stars_published": Template("评星结果已发布", "{title}结果已发布:{name}。", status="已发布", note="{name}"),
}

# The subscribe message's values that are not plain render fields: what the report templates show as title.
REPORT_TITLE = "{name}党员报到"
# Why text on a wish waits for the secretary's look (`content_review`'s reason), by the content check's verdict.
CONTENT_REVIEW_REASONS = {"review": "内容安全检查建议人工复核", "unchecked": "内容安全检查未能完成"}


def render(kind: str, **fields: str) -> tuple[str, str]:
    template = TEMPLATES[kind]
    return template.title, template.body.format(**_values(fields))


def render_note(kind: str, **fields: str) -> str:
    return TEMPLATES[kind].note.format(**_values(fields))


def _values(fields: dict[str, str]) -> dict[str, str]:
    return {"number": "", "title": "", "reason": "", "name": "", "when": "", "place": "", **fields}
