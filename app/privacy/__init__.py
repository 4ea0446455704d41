"""Residents' personal data (PIPL: the minimum necessary): masking here; the contact access log (access_log.py),
retention (retention.py), and a resident's export and account deletion (account.py, router.py) beside it."""

from __future__ import annotations


def mask_phone(phone: str | None) -> str | None:
    if not phone:
        return None
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}****{phone[-4:]}"
