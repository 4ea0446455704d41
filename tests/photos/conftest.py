from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.photos.models import Photo


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    """Photos kept in this test's own directory."""
    return settings.model_copy(update={"storage_url": f"file:{tmp_path / 'store'}"})


def stored_files(settings: Settings) -> list[Path]:
    root = Path(settings.storage_url.removeprefix("file:"))
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


async def photo_count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Photo)) or 0)
