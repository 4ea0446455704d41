"""Each action's route takes the body ACTION_BODIES names for it (the routes spell their bodies out one by one), and
may be posted without one exactly when that body's fields are all optional."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from app.config import Settings
from app.main import create_app
from app.wishes.machine import Action
from app.wishes.schemas import ACTION_BODIES

OPENAPI: dict[str, Any] = create_app(Settings(_env_file=None)).openapi()  # type: ignore[call-arg]


def _may_be_empty(model: type[BaseModel]) -> bool:
    try:
        model()
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize("action", list(Action))
def test_the_route_takes_the_actions_body(action: Action) -> None:
    body = OPENAPI["paths"][f"/api/v1/wishes/{{wish_id}}/{action}"]["post"]["requestBody"]
    schema = body["content"]["application/json"]["schema"]
    refs = [s.get("$ref") for s in schema.get("anyOf", [schema])]
    model = ACTION_BODIES[action]
    # FastAPI names a schema by its module too where two modules have a model of that name.
    names = {model.__name__, f"{model.__module__.replace('.', '__')}__{model.__name__}"}
    assert {f"#/components/schemas/{name}" for name in names} & set(refs), refs
    assert body.get("required", False) is not _may_be_empty(model)
