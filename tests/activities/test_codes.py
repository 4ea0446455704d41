"""The rotating check-in code and the geofence distance, as pure functions."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import segno

from app.activities.codes import CodeProblem, check_code, distance_m, make_code, qr_svg, signing_key

KEY = signing_key("", "test-secret-key")
T0 = datetime(2026, 12, 7, 9, 0, 0, tzinfo=UTC)


def test_a_code_is_good_in_its_window_and_the_next_only() -> None:
    code = make_code(KEY, 7, T0, 30).text
    assert check_code(KEY, code, 7, T0, 30) is None
    assert check_code(KEY, code, 7, T0 + timedelta(seconds=45), 30) is None  # scanned just after it changed
    assert check_code(KEY, code, 7, T0 + timedelta(seconds=60), 30) is CodeProblem.expired
    assert check_code(KEY, code, 7, T0 - timedelta(seconds=30), 30) is CodeProblem.from_future


def test_the_code_changes_every_window() -> None:
    assert make_code(KEY, 7, T0, 30).text != make_code(KEY, 7, T0 + timedelta(seconds=30), 30).text
    assert make_code(KEY, 7, T0, 30).text == make_code(KEY, 7, T0 + timedelta(seconds=29), 30).text


def dark_cells(svg: str) -> set[tuple[int, int]]:
    """The modules an SVG QR code paints, read back from its path (`M x y`, `m dx dy`, `h n`), border included."""
    path = re.search(r' d="([^"]+)"', svg)
    assert path is not None, svg
    cells: set[tuple[int, int]] = set()
    x = y = 0.0
    for op, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", path.group(1)):
        if op == "M":
            x, y = float(a), float(b)
        elif op == "m":
            x, y = x + float(a), y + float(b)
        else:
            cells.update((int(x) + i, int(y)) for i in range(int(a)))
            x += float(a)
    return cells


def qr_cells(text: str, border: int = 4) -> set[tuple[int, int]]:
    matrix = segno.make(text, error="m").matrix
    return {(c + border, r + border) for r, row in enumerate(matrix) for c, dark in enumerate(row) if dark}


def test_the_svg_draws_the_code_scalable() -> None:
    text = make_code(KEY, 7, T0, 30).text
    svg = qr_svg(text)
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" viewBox=') and "width=" not in svg
    assert dark_cells(svg) == qr_cells(text)
    assert dark_cells(svg) != qr_cells(make_code(KEY, 7, T0 + timedelta(seconds=30), 30).text)


def test_another_activity_a_forgery_and_garbage_are_refused() -> None:
    other = make_code(KEY, 8, T0, 30).text
    assert check_code(KEY, other, 7, T0, 30) is CodeProblem.other_activity
    relabelled = other.replace(".8.", ".7.", 1)  # someone edits the id in the text: the signature no longer fits
    assert check_code(KEY, relabelled, 7, T0, 30) is CodeProblem.forged
    foreign = make_code(signing_key("another-deployment", ""), 7, T0, 30).text
    assert check_code(KEY, foreign, 7, T0, 30) is CodeProblem.forged
    for junk in ["", "hello", "xy1.7.x.y", "xy1.7", "xy2.7.1.abc", "xy1.99999999999.1.a", "xy1.７.1.a"]:
        assert check_code(KEY, junk, 7, T0, 30) is CodeProblem.malformed, junk


def test_the_derived_key_is_not_the_secret_key_and_a_set_secret_wins() -> None:
    assert signing_key("", "s") != b"s"
    assert signing_key("own", "s") == b"own"


@pytest.mark.parametrize(
    ("lat2", "lng2", "metres"),
    [(38.2850, 109.7330, 0), (38.2859, 109.7330, 100), (38.2850, 109.7341, 96)],
)
def test_distance_at_a_geofence_scale(lat2: float, lng2: float, metres: float) -> None:
    assert distance_m(38.2850, 109.7330, lat2, lng2) == pytest.approx(metres, abs=2)
