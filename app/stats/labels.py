"""The Chinese words of the figures, the export and Open311, in one place."""

from __future__ import annotations

from app.wishes.machine import Status

STATUS_LABELS: dict[Status, str] = {
    Status.ordered: "待派单",
    Status.dispatched: "已派单",
    Status.accepted: "已接单",
    Status.done: "已办结",
    Status.rejected: "不予受理",
    Status.cancelled: "已撤销",
}

# The export's columns, in order (one row per wish).
EXPORT_HEADERS: list[str] = [
    "编号",
    "社区",
    "网格",
    "服务类别",
    "标题",
    "状态",
    "创建时间",
    "派单时间",
    "接单时间",
    "办结时间",
    "办结时限",
    "是否超时",
    "承办党员",
    "评分",
    "联系电话",
]
EXPORT_SHEET = "心愿明细"
EXPORT_FILE_STEM = "心愿明细"
YES, NO = "是", "否"

NO_GRID = "未分网格"
