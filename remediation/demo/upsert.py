"""Write a demo row only when it differs: loading twice changes nothing."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def _same(obj: models.Model, name: str, value: Any) -> bool:
    field = obj._meta.get_field(name)
    if field.is_relation:
        return getattr(obj, field.attname) == (value.pk if value is not None else None)
    return getattr(obj, name) == value


def upsert(model: type[M], lookup: dict[str, Any], values: dict[str, Any], **create_only: Any) -> M:
    """``update_or_create``, skipped when the row already holds ``values``."""
    existing = model._default_manager.filter(**lookup).first()
    if existing is not None and all(_same(existing, k, v) for k, v in values.items()):
        return existing
    obj, _created = model._default_manager.update_or_create(
        defaults=values, create_defaults={**values, **create_only}, **lookup
    )
    return obj
