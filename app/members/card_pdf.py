"""The service card (服务记录卡) as a PDF, laid out with reportlab's platypus: A4, one or more pages.

Chinese is set in STSong-Light, one of the CID fonts every PDF reader carries (Adobe's Asian font set): no font
file is shipped or embedded, and the file stays small. The words are here, in one place.
"""

from __future__ import annotations

import io
from datetime import date
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.pdfmetrics import registerFontFamily
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from app.members.service_card import CardLine, ServiceCard

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
# The CID font has no bold face: <b> is set in the same face (headings stand out by size and colour instead).
registerFontFamily(FONT, normal=FONT, bold=FONT, italic=FONT, boldItalic=FONT)

TITLE = "在职党员进社区服务记录卡"
SUBTITLE = "（“双报到”服务情况反馈）"
INTRO = (
    "兹证明 <b>{name}</b> 同志（工作单位：{workplace}）已到{place}报到。"
    "{year}年第{quarter}季度（{first}至{last}），该同志在社区参加志愿服务情况如下："
)
FIGURES = ("完成微心愿", "参加志愿活动", "志愿服务时长")
WISHES_HEAD = ("一、完成的微心愿", ("序号", "办结日期", "服务项目", "服务时长"))
ACTIVITIES_HEAD = ("二、参加的志愿服务活动", ("序号", "活动日期", "活动名称", "服务时长"))
NONE_LINE = "本季度无记录。"
ISSUER = "出具单位：{community}党组织（盖章）"
ISSUED_ON = "出具日期：{day}"
VERIFY = (
    "核验码：{code}。本卡由“心愿”社区服务平台依据社区志愿服务时长记录生成。如需核实，请联系{community}；"
    "社区可在平台重新生成该季度的记录卡，核验码一致即记录未经改动。"
)
PAGE = "第 {n} 页"
QUARTER_NAMES = {1: "一", 2: "二", 3: "三", 4: "四"}
RED = colors.HexColor("#B22222")
GREY = colors.HexColor("#666666")
LINE = colors.HexColor("#999999")
ZEBRA = colors.HexColor("#F5F5F5")


def _style(
    size: float, *, align: int = 0, leading: float | None = None, color: colors.Color = colors.black
) -> ParagraphStyle:
    return ParagraphStyle(
        f"s{size}{align}",
        fontName=FONT,
        fontSize=size,
        leading=leading or size * 1.5,
        alignment=align,
        textColor=color,
        wordWrap="CJK",
    )


BODY, SMALL, CELL = _style(11, leading=19), _style(8.5, color=GREY, leading=13), _style(10, leading=14)


def day_text(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def hours_text(minutes: int) -> str:
    h, m = divmod(minutes, 60)
    if not m:
        return f"{h}小时"
    return f"{h}小时{m}分钟" if h else f"{m}分钟"


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(text, style)


def _rule() -> Table:
    t = Table([[""]], colWidths=[170 * mm], rowHeights=[1.2 * mm])
    t.setStyle(TableStyle([("LINEABOVE", (0, 0), (-1, 0), 1.5, RED), ("LINEBELOW", (0, 0), (-1, 0), 0.5, RED)]))
    return t


def _info(card: ServiceCard) -> Table:
    rows = [
        ["姓名", card.name, "所在单位", card.workplace or "—"],
        ["所在党组织", card.party_org or "—", "报到社区", f"{card.street}{card.community}"],
        ["统计期间", f"{day_text(card.first_day)}至{day_text(card.last_day)}", "出具日期", day_text(card.issued_on)],
    ]
    data = [[_p(escape(c), CELL) for c in row] for row in rows]
    t = Table(data, colWidths=[24 * mm, 61 * mm, 24 * mm, 61 * mm])
    t.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, LINE),
                ("BACKGROUND", (0, 0), (0, -1), ZEBRA),
                ("BACKGROUND", (2, 0), (2, -1), ZEBRA),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return t


def _figures(card: ServiceCard) -> Table:
    values = [f"{len(card.wishes)} 件", f"{len(card.activities)} 次", hours_text(card.minutes)]
    big, label = _style(18, align=TA_CENTER, color=RED), _style(10, align=TA_CENTER, color=GREY)
    t = Table([[_p(v, big) for v in values], [_p(f, label) for f in FIGURES]], colWidths=[170 * mm / 3] * 3)
    t.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.8, RED),
                ("LINEAFTER", (0, 0), (1, -1), 0.5, LINE),
                ("TOPPADDING", (0, 0), (-1, 0), 8),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 8),
            ]
        )
    )
    return t


def _lines(head: tuple[str, tuple[str, ...]], lines: list[CardLine]) -> list[Flowable]:
    title, columns = head
    out: list[Flowable] = [_p(f"<b>{title}</b>", _style(12.5, leading=20)), Spacer(1, 1.5 * mm)]
    if not lines:
        return [*out, _p(NONE_LINE, BODY)]
    header = [_p(f"<b>{c}</b>", CELL) for c in columns]
    rows = [
        [_p(str(i), CELL), _p(day_text(x.day), CELL), _p(escape(x.what), CELL), _p(hours_text(x.minutes), CELL)]
        for i, x in enumerate(lines, 1)
    ]
    t = Table([header, *rows], colWidths=[14 * mm, 36 * mm, 90 * mm, 30 * mm], repeatRows=1)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, LINE),
        ("BACKGROUND", (0, 0), (-1, 0), ZEBRA),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    t.setStyle(TableStyle(style))
    return [*out, t]


def _signature(card: ServiceCard) -> Flowable:
    right = _style(11.5, align=TA_RIGHT, leading=22)
    return KeepTogether(
        [
            Spacer(1, 10 * mm),
            _p(escape(ISSUER.format(community=card.community)), right),
            _p(ISSUED_ON.format(day=day_text(card.issued_on)), right),
            Spacer(1, 8 * mm),
            _p(escape(VERIFY.format(code=card.code, community=card.community)), SMALL),
        ]
    )


def _page_number(canvas: Canvas, doc: SimpleDocTemplate) -> None:
    canvas.saveState()
    canvas.setFont(FONT, 8.5)
    canvas.setFillColor(GREY)
    canvas.drawCentredString(A4[0] / 2, 12 * mm, PAGE.format(n=doc.page))
    canvas.drawRightString(A4[0] - 20 * mm, 12 * mm, f"核验码 {doc.title}")
    canvas.restoreState()


def render_card(card: ServiceCard) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=20 * mm,
        title=card.code,
        subject=f"{TITLE} {card.year}Q{card.quarter}",
        author=card.community,
        creator="xinyuan",
    )
    place = f"{card.street}{card.community}"
    intro = INTRO.format(
        name=escape(card.name),
        workplace=escape(card.workplace or "—"),
        place=escape(place),
        year=card.year,
        quarter=QUARTER_NAMES[card.quarter],
        first=day_text(card.first_day),
        last=day_text(card.last_day),
    )
    story: list[Flowable] = [
        _p(f"<b>{TITLE}</b>", _style(21, align=TA_CENTER, leading=30, color=RED)),
        _p(SUBTITLE, _style(11, align=TA_CENTER, color=GREY)),
        Spacer(1, 3 * mm),
        _rule(),
        Spacer(1, 5 * mm),
        _p(intro, BODY),
        Spacer(1, 4 * mm),
        _info(card),
        Spacer(1, 5 * mm),
        _figures(card),
        Spacer(1, 7 * mm),
        *_lines(WISHES_HEAD, card.wishes),
        Spacer(1, 6 * mm),
        *_lines(ACTIVITIES_HEAD, card.activities),
        _signature(card),
    ]
    doc.build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    return buffer.getvalue()
