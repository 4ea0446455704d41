"""Masking of residents' personal data for those who do not need it whole (PIPL: the minimum necessary)."""

from __future__ import annotations


def mask_phone(phone: str | None) -> str | None:
    if not phone:
        return None
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}****{phone[-4:]}"
