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


def test_every_schema_has_a_name_of_its_own() -> None:
    """Two models or enums of one name (a second `Status`, `Action` or `EventOut`) make FastAPI fall back to module
    paths (`app__wishes__machine__Status`) for all of them, which renames the contract's types under every client."""
    schemas = create_app(Settings(_env_file=None)).openapi()["components"]["schemas"]  # type: ignore[call-arg]
    assert [name for name in schemas if name.startswith("app__")] == []
    assert {"Status", "Action", "EventOut", "WishOut"} <= set(schemas)
