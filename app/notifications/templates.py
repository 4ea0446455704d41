"""Every notice's Chinese text, in one place. Keys are the notification `kind`s."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Template:
    title: str
    body: str  # str.format fields: number, title, reason, name


TEMPLATES: dict[str, Template] = {
    "wish_ordered": Template("新心愿待派单", "居民提交了心愿「{title}」({number}),请及时派单。"),
    "wish_dispatched": Template("您有新的心愿任务", "心愿「{title}」({number})已派给您,请及时接单。"),
    "wish_opened": Template("有心愿等待认领", "心愿「{title}」({number})已开放认领,先到先得。"),
    "wish_accepted": Template("心愿已被接单", "您的心愿「{title}」({number})已由党员{name}接单。"),
    "wish_done": Template("心愿已办结", "您的心愿「{title}」({number})已办结,欢迎评价。"),
    "wish_rejected": Template("心愿未予受理", "您的心愿「{title}」({number})未予受理:{reason}"),
    "wish_declined": Template("心愿被退单", "心愿「{title}」({number})被退单:{reason},请重新派单。"),
    "wish_cancelled": Template("心愿已撤销", "居民已撤销心愿「{title}」({number}),无需再办理。"),
    "wish_recalled": Template("心愿已收回", "心愿「{title}」({number})已由社区收回,无需再办理。"),
    "wish_reopened": Template("心愿被要求重办", "居民对心愿「{title}」({number})不满意,要求重办:{reason}"),
    "wish_overdue": Template("心愿已超时", "心愿「{title}」({number})已超过办结时限,请督办。"),
    "report_approved": Template("报到已通过", "您在{name}的党员报到已通过,欢迎参与志愿服务。"),
    "report_rejected": Template("报到未通过", "您在{name}的党员报到未通过:{reason}"),
}


def render(kind: str, **fields: str) -> tuple[str, str]:
    template = TEMPLATES[kind]
    values = {"number": "", "title": "", "reason": "", "name": "", **fields}
    return template.title, template.body.format(**values)
