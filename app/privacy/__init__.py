"""Residents' personal data (PIPL: the minimum necessary): masking here; the contact access log (access_log.py),
retention (retention.py), and a resident's export and account deletion (account.py, router.py) beside it."""

from __future__ import annotations

import re

_MAINLAND_MOBILE = re.compile(r"(?:86)?(1\d{10})")


def mask_phone(phone: str | None) -> str | None:
    """Most of the number hidden, whatever its length (the pattern allows 6 to 21 characters, separators included).

    A mainland mobile shows only its last four digits, the 尾号 by which banks and carriers let an owner recognise
    a number: "*******5678", seven of eleven digits hidden (the familiar 139****5678 shows seven and hides four).
    Any other number shows at most a quarter of its digits, split between the ends, and never its length's
    separators: "+852 9123 4567" is "8*********7", not a number one can nearly dial.
    """
    if not phone:
        return None
    digits = re.sub(r"\D", "", phone)
    mobile = _MAINLAND_MOBILE.fullmatch(digits)
    if mobile is not None:
        number = mobile.group(1)
        return "*" * 7 + number[-4:]
    shown = len(digits) // 4
    head = shown // 2
    tail = digits[len(digits) - (shown - head) :] if shown - head else ""
    return digits[:head] + "*" * (len(digits) - shown) + tail
