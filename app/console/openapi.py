"""`python -m app.console.openapi`: the app's OpenAPI document on stdout, from which the console's TypeScript types
are generated (`make console-types`); needs no database or server."""

from __future__ import annotations

import json

from app.config import Settings
from app.main import create_app


def document() -> str:
    settings = Settings(app_env="dev", docs_enabled=True, _env_file=None)
    return json.dumps(create_app(settings).openapi(), ensure_ascii=False, indent=1)


if __name__ == "__main__":
    print(document())
