"""Residents' personal data (PIPL: the minimum necessary): masking here; the contact access log (access_log.py),
retention (retention.py), and a resident's export and account deletion (account.py, router.py) beside it."""

from __future__ import annotations

import re

_MAINLAND_MOBILE = re.compile(r"(?:86)?(1\d{10})")


def mask_phone(phone: str | None) -> str | None:
    """Most of the number hidden, whatever its length (the pattern allows 6 to 21 characters, separators included).

    A mainland mobile keeps the national display convention 139****5678: its first three digits name only the
    carrier. Any other number shows at most a quarter of its digits, split between the ends, and never its length's
    separators: "+852 9123 4567" is "8*********7", not a number one can nearly dial.
    """
    if not phone:
        return None
    digits = re.sub(r"\D", "", phone)
    mobile = _MAINLAND_MOBILE.fullmatch(digits)
    if mobile is not None:
        number = mobile.group(1)
        return f"{number[:3]}****{number[-4:]}"
    shown = len(digits) // 4
    head = shown // 2
    tail = digits[len(digits) - (shown - head) :] if shown - head else ""
    return digits[:head] + "*" * (len(digits) - shown) + tail
