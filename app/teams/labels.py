"""The teams' Chinese text in one place: the figures' sentence, the export's headers, the service's own reasons."""

from __future__ import annotations

# Why a claim ended without anyone releasing it: its period was over when the next team claimed the project.
CLAIM_LAPSED = "认领期满"
# Why a membership ended when its person closed their account.
ACCOUNT_CLOSED = "账号注销"

# The district's way of writing the figures ("15942名在职党员到社区报到,组建志愿服务队267支,开展活动695场").
SENTENCE = "{members}名党员到社区报到,组建志愿服务队{teams}支,开展志愿服务活动{activities}场"

EXPORT_SHEET = "志愿服务统计"
EXPORT_FILE_STEM = "志愿服务统计"
BY_HEADERS = {"team": "志愿服务队", "community": "社区", "street": "街道", "month": "月份"}
EXPORT_HEADERS = ["编号", "志愿服务队(支)", "活动(场)", "参与(人次)", "服务时长(小时)"]
