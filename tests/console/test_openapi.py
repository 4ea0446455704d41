"""The OpenAPI document is one a generator can read: the console's types are made from it (openapi-typescript)."""

from __future__ import annotations

import json

from app.config import Settings
from app.main import create_app


def test_every_ref_resolves_within_the_document() -> None:
    doc = create_app(Settings(_env_file=None)).openapi()  # type: ignore[call-arg]
    text = json.dumps(doc)
    assert "#/$defs/" not in text  # pydantic's local refs, which nothing resolves inside an OpenAPI document
    schemas = doc["components"]["schemas"]
    for ref in {part.split('"')[0] for part in text.split('"$ref": "#/components/schemas/')[1:]}:
        assert ref in schemas, ref
    assert {"/api/v1/console/tickets", "/api/v1/console/session", "/api/v1/console/today"} <= set(doc["paths"])
