"""The schema migrations beside this code (migrations/, run by Alembic): the config, upgrade to head, the head.

Its own module so the web layer (readiness) and the command line (`xinyuan migrate`) share it without either
importing the other. Alembic is imported inside the functions: the API process only needs it for the first
readiness probe, and not at all to start."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config

ROOT = Path(__file__).resolve().parent.parent


def alembic_config(url: str | None = None) -> Config:
    """Alembic's config for migrations/; `url` (else DATABASE_URL, read by migrations/env.py) is the database."""
    from alembic.config import Config

    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    if url:
        config.attributes["url"] = url
    return config


def upgrade_to_head(url: str | None = None) -> None:
    """Bring the database at `url` to the newest migration."""
    from alembic import command

    command.upgrade(alembic_config(url), "head")


@cache
def code_heads() -> frozenset[str]:
    """The head revision(s) of migrations/ beside this code (read once per process)."""
    from alembic.script import ScriptDirectory

    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())
