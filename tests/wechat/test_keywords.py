"""Fitting values to subscribe-message keyword rules, for every keyword type WeChat documents."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.wechat.keywords import FITTERS, fit, format_time, is_valid, keyword_type

LONG_TITLE = "帮忙买一袋大米和两桶食用油再送到三号楼二单元"  # 23 characters


@pytest.mark.parametrize(
    ("keyword", "given", "fitted"),
    [
        ("thing2", "帮忙买米", "帮忙买米"),
        ("thing2", LONG_TITLE, LONG_TITLE[:19] + "…"),
        ("thing2", "  两个   空格 ", "两个 空格"),
        ("thing2", "", "无"),
        ("phrase3", "已接单", "已接单"),
        ("phrase3", "未予受理了吧", "未予受理了"),
        ("phrase3", "OK已办结!", "已办结"),
        ("phrase3", "done", "无"),
        ("name4", "张建国", "张建国"),
        ("name4", "欧阳张建国李红梅王志强", "欧阳张建国李红梅王志"),
        ("name4", "张 建国2", "张建国"),
        ("name4", "John Smith 3", "JohnSmith"),
        ("name4", "", "-"),
        ("character_string1", "XY-20261124-0007", "XY-20261124-0007"),
        ("character_string1", "XY 单号 0007", "XY0007"),
        ("character_string1", "A" * 40, "A" * 29 + "..."),
        ("character_string1", "全中文", "-"),
        ("number5", "服务45分钟", "45"),
        ("number5", "3.50元", "3.50"),
        ("number5", "1" * 40, "1" * 32),
        ("number5", "无", "0"),
        ("letter6", "ab-1c", "abc"),
        ("letter6", "中文", "NA"),
        ("symbol7", "a-b+c*d/e%f", "-+*/%"),
        ("symbol7", "abc", "-"),
        ("phone_number8", "电话 138-0000-1234", "138-0000-1234"),
        ("phone_number8", "+86 0766 66888866 ext 99", "+86 0766 66888866"),
        ("amount9", "共12.5元", "¥12.5"),
        ("amount9", "免费", "¥0"),
        ("car_number10", "陕k 12345", "陕K12345"),
        ("time4", "2026年11月24日 16:30", "2026年11月24日 16:30"),
        ("time4", "16:30", "16:30"),
        ("time4", "2026-11-24T16:30:00", "2026年11月24日 16:30"),
        ("date3", "2026年11月24日", "2026年11月24日"),
        ("date3", "2026年11月24日 16:30", "2026年11月24日 16:30"),
        ("date3", "2026-11-24T08:05:00", "2026年11月24日 08:05"),
    ],
)
def test_fit(keyword: str, given: str, fitted: str) -> None:
    value = fit(keyword, given)
    assert value == fitted
    assert is_valid(keyword_type(keyword), value), f"{keyword}: {value!r} breaks its own rule"


def test_every_documented_type_has_a_fitter() -> None:
    documented = {
        "thing", "number", "letter", "symbol", "character_string", "time", "date", "amount", "phone_number",
        "car_number", "name", "phrase",
    }  # fmt: skip
    assert set(FITTERS) == documented


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("thing", "一" * 21),
        ("phrase", "已接单了吗啊"),
        ("phrase", "ok"),
        ("name", "张建国1"),
        ("name", "a" * 21),
        ("character_string", "中文"),
        ("character_string", "a" * 33),
        ("number", "12a"),
        ("number", "1" * 33),
        ("time", "下午四点"),
        ("time", "2026/11/24 16:30"),
        ("date", "11月24日"),
        ("amount", "12元"),
        ("car_number", "陕K123456789"),
        ("symbol", "abc"),
        ("letter", "a1"),
        ("phone_number", "1" * 18),
    ],
)
def test_rules_refuse(kind: str, value: str) -> None:
    assert not is_valid(kind, value)
    assert not is_valid(kind, "")


def test_a_car_number_that_cannot_be_one_is_our_bug() -> None:
    with pytest.raises(ValueError, match="car number"):
        fit("car_number1", "不是车牌号码的一段话")


def test_format_time_is_valid_for_time_and_date() -> None:
    value = format_time(datetime(2026, 1, 5, 7, 3))
    assert value == "2026年1月5日 07:03"
    assert is_valid("time", value) and is_valid("date", value)
