"""The value rules of subscribe-message keywords, and fitting our text to them.

A keyword's type is its name without the trailing number (`thing2` → `thing`). WeChat refuses a whole message
(errcode 47003) when one value breaks its type's rule, so the relay fits every value before sending: a long title
is cut with an ellipsis, a status loses what is not Chinese, and so on. The fake WeChat checks with `is_valid`.
Rules as WeChat documents them (subscribeMessage.send, 参数值内容限制).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

ELLIPSIS = "…"
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff"
_HAS_CJK = re.compile(f"[{_CJK}]")
_ASCII_SYMBOL = r"!-/:-@\[-`{-~"  # printable ASCII that is neither a letter nor a digit
_CLOCK = r"\d{1,2}:\d{2}"
_DAY = r"(?:\d{4}年\d{1,2}月\d{1,2}日|\d{4}-\d{1,2}-\d{1,2})"
_TIME_POINT = f"(?:{_DAY} )?{_CLOCK}"
_DATE_POINT = f"{_DAY}(?: {_CLOCK})?"


def _range(point: str) -> re.Pattern[str]:
    # Both types also take a span: two points joined by "~".
    return re.compile(f"^{point}(?:~{point})?$")


_PATTERNS: dict[str, re.Pattern[str]] = {
    "number": re.compile(r"^\d+(?:\.\d+)?$"),
    "letter": re.compile(r"^[A-Za-z]{1,32}$"),
    "symbol": re.compile(f"^[{_ASCII_SYMBOL}]{{1,5}}$"),
    "character_string": re.compile(r"^[\x21-\x7e]{1,32}$"),
    "time": _range(_TIME_POINT),
    "date": _range(_DATE_POINT),
    "amount": re.compile(r"^[¥$€£]\d{1,10}(?:\.\d{1,2})?元?$"),
    "phone_number": re.compile(r"^[\d+\-() ]{1,17}$"),
    "car_number": re.compile(f"^[{_CJK}]?[A-Z0-9]{{1,7}}[{_CJK}]?$"),
    "phrase": re.compile(f"^[{_CJK}]{{1,5}}$"),
}


def keyword_type(keyword: str) -> str:
    return keyword.rstrip("0123456789")


def is_valid(kind: str, value: str) -> bool:
    """Whether WeChat accepts `value` for a keyword of this type (unknown types: only non-empty)."""
    if not value:
        return False
    if kind == "thing":
        return len(value) <= 20
    if kind == "number":
        return len(value) <= 32 and bool(_PATTERNS["number"].match(value))
    if kind == "car_number":
        return len(value) <= 8 and bool(_PATTERNS["car_number"].match(value))
    if kind == "name":
        return _valid_name(value)
    pattern = _PATTERNS.get(kind)
    return pattern.match(value) is not None if pattern else True


def _valid_name(value: str) -> bool:
    # Ten characters when any is Chinese (mixed names count as Chinese); else twenty letters or symbols.
    if _HAS_CJK.search(value):
        return len(value) <= 10 and not re.search(r"[\d\s]", value)
    return len(value) <= 20 and re.fullmatch(f"[A-Za-z{_ASCII_SYMBOL}]+", value) is not None


def _cut(value: str, limit: int, ellipsis: str = ELLIPSIS) -> str:
    return value if len(value) <= limit else value[: limit - len(ellipsis)] + ellipsis


def _squash(value: str) -> str:
    return " ".join(value.split())


def _fit_thing(value: str) -> str:
    return _cut(_squash(value), 20) or "无"


def _fit_phrase(value: str) -> str:
    return "".join(re.findall(f"[{_CJK}]", value))[:5] or "无"


def _fit_name(value: str) -> str:
    if _HAS_CJK.search(value):
        return re.sub(r"[\d\s]", "", value)[:10]
    return re.sub(f"[^A-Za-z{_ASCII_SYMBOL}]", "", value)[:20] or "-"


def _fit_character_string(value: str) -> str:
    return _cut(re.sub(r"[^\x21-\x7e]", "", value), 32, "...") or "-"


def _fit_number(value: str) -> str:
    found = re.search(r"\d+(?:\.\d+)?", value)
    return found.group()[:32].rstrip(".") if found else "0"


def _fit_letter(value: str) -> str:
    return re.sub(r"[^A-Za-z]", "", value)[:32] or "NA"


def _fit_symbol(value: str) -> str:
    return re.sub(f"[^{_ASCII_SYMBOL}]", "", value)[:5] or "-"


def _fit_phone(value: str) -> str:
    return re.sub(r"[^\d+\-() ]", "", value).strip()[:17] or "-"


def _fit_amount(value: str) -> str:
    found = re.search(r"\d{1,10}(?:\.\d{1,2})?", value)
    return f"¥{found.group() if found else '0'}"


def _fit_clock(kind: str) -> Callable[[str], str]:
    def fit(value: str) -> str:
        if is_valid(kind, value):
            return value
        # Our own times reach here as ISO strings; anything else is a bug in the caller, not user text.
        return format_time(datetime.fromisoformat(value))

    return fit


def _fit_car_number(value: str) -> str:
    fitted = re.sub(r"\s", "", value).upper()[:8]
    if not is_valid("car_number", fitted):
        raise ValueError(f"{value!r} cannot be made a car number")
    return fitted


FITTERS: dict[str, Callable[[str], str]] = {
    "thing": _fit_thing,
    "phrase": _fit_phrase,
    "name": _fit_name,
    "character_string": _fit_character_string,
    "number": _fit_number,
    "letter": _fit_letter,
    "symbol": _fit_symbol,
    "phone_number": _fit_phone,
    "amount": _fit_amount,
    "time": _fit_clock("time"),
    "date": _fit_clock("date"),
    "car_number": _fit_car_number,
}


def fit(keyword: str, value: str) -> str:
    """`value` made acceptable for `keyword` (e.g. `thing2`); unknown types are only cut to 20 characters."""
    fitter = FITTERS.get(keyword_type(keyword), _fit_thing)
    return fitter(value)


def format_time(at: datetime) -> str:
    """A local time as both `time` and `date` keywords accept it: 2026年11月24日 16:30."""
    return f"{at.year}年{at.month}月{at.day}日 {at:%H:%M}"
