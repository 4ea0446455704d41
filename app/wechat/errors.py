"""WeChat's errcodes as typed errors, so callers say `except NoConsent` instead of comparing numbers."""

from __future__ import annotations

from typing import ClassVar


class WeChatError(Exception):
    """WeChat answered with a non-zero errcode. `WeChatError.of` picks the subclass that names the errcode."""

    codes: ClassVar[frozenset[int]] = frozenset()
    # Worth trying again later: the same request may well succeed.
    retryable: ClassVar[bool] = False

    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(f"errcode {errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg

    @staticmethod
    def of(errcode: int, errmsg: str) -> WeChatError:
        for cls in _KNOWN:
            if errcode in cls.codes:
                return cls(errcode, errmsg)
        return WeChatError(errcode, errmsg)


class WeChatUnreachable(Exception):
    """No usable answer: connection error, timeout, or an HTTP 5xx. Always worth trying again later."""

    retryable: ClassVar[bool] = True


class Busy(WeChatError):
    codes = frozenset({-1})
    retryable = True


class ApiLimited(WeChatError):
    """45009: the daily call limit of this API is reached (resets at midnight); 45011: calls too frequent."""

    codes = frozenset({45009, 45011})
    retryable = True


class TokenRejected(WeChatError):
    """40001 invalid, 42001 expired, 40014 malformed access_token: fetch a new one and try once more."""

    codes = frozenset({40001, 40014, 42001})


class CodeRejected(WeChatError):
    """40029 unknown code, 40163 code already used: a wx.login or getPhoneNumber code is single-use."""

    codes = frozenset({40029, 40163})


class NoConsent(WeChatError):
    """43101: the user has no consent left for this template (or refused it)."""

    codes = frozenset({43101})


class BadArgument(WeChatError):
    """47003: a data value breaks its keyword rule. keywords.fit should have prevented it: our bug."""

    codes = frozenset({47003})


class BadOpenid(WeChatError):
    codes = frozenset({40003})


class BadTemplate(WeChatError):
    codes = frozenset({40037})


class BadPage(WeChatError):
    """41030: the page is not in the released mini-program (or has a leading slash / query for a QR code)."""

    codes = frozenset({41030})


class BadScene(WeChatError):
    """40169: a QR code scene longer than 32 characters or with characters outside the allowed set."""

    codes = frozenset({40169})


_KNOWN: tuple[type[WeChatError], ...] = (
    Busy,
    ApiLimited,
    TokenRejected,
    CodeRejected,
    NoConsent,
    BadArgument,
    BadOpenid,
    BadTemplate,
    BadPage,
    BadScene,
)
