"""Every setting is documented in .env.example (the newcomer's list of what can be configured)."""

from __future__ import annotations

from pathlib import Path

from app.config import Settings


def test_every_setting_is_in_env_example() -> None:
    text = (Path(__file__).resolve().parent.parent / ".env.example").read_text(encoding="utf-8")
    documented = {line.lstrip("# ").split("=", 1)[0] for line in text.splitlines() if "=" in line}
    missing = sorted(name.upper() for name in Settings.model_fields if name.upper() not in documented)
    assert not missing, f"settings missing from .env.example: {missing}"
