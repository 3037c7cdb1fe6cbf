"""The API's entities are plain pydantic models (hearth.api.schemas.common.Out), not ninja's
Schema, whose every construction wraps its values for reading ORM objects: a Status cost three
times as much to build that way."""

import importlib
import pkgutil

import ninja
from pydantic import BaseModel

import hearth.api
from hearth.api.schemas.common import Out


def _entities() -> list[type[BaseModel]]:
    found: dict[str, type[BaseModel]] = {}
    for module in pkgutil.walk_packages(hearth.api.__path__, "hearth.api."):
        if ".tests" in module.name or module.name.endswith(".tests"):
            continue
        for name, value in vars(importlib.import_module(module.name)).items():
            if name.endswith("Out") and isinstance(value, type) and issubclass(value, BaseModel):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return list(found.values())


def test_every_entity_is_a_plain_model() -> None:
    entities = _entities()
    assert len(entities) > 30  # Status, Account, Notification... all found
    schemas = [entity.__qualname__ for entity in entities if issubclass(entity, ninja.Schema)]
    assert schemas == []
    assert all(issubclass(entity, Out) for entity in entities)
