"""mask_phone hides most of any number it is given, whatever its length or separators."""

from __future__ import annotations

import re

import pytest

from app.privacy import mask_phone
from app.wishes.schemas import PHONE


def _shown_digits(masked: str) -> int:
    return sum(c.isdigit() for c in masked)


@pytest.mark.parametrize("length", range(1, 41))
@pytest.mark.parametrize("shape", ["digits", "plus", "spaced", "dashed"])
def test_every_length_hides_most_of_the_digits(length: int, shape: str) -> None:
    digits = "".join(str((7 * i + 3) % 10) for i in range(length))  # never a mainland mobile: starts with 3
    phone = {
        "digits": digits,
        "plus": "+" + digits,
        "spaced": " ".join(digits[i : i + 4] for i in range(0, length, 4)),
        "dashed": "-".join(digits[i : i + 3] for i in range(0, length, 3)),
    }[shape]
    masked = mask_phone(phone)
    assert masked is not None
    assert _shown_digits(masked) * 4 <= length, (phone, masked)
    assert len(masked) == length  # one character per digit: no separator tells where the number splits
    if re.fullmatch(PHONE, phone):
        assert masked != phone


@pytest.mark.parametrize("phone", ["13912345678", "139 1234 5678", "+86 139-1234-5678", "8613912345678"])
def test_a_mainland_mobile_shows_only_its_last_four(phone: str) -> None:
    masked = mask_phone(phone)
    assert masked == "*******5678"
    assert _shown_digits(masked) * 2 < 11  # most of it hidden, as for any other number


def test_nothing_to_mask() -> None:
    assert mask_phone(None) is None and mask_phone("") is None
