"""The one way history rows may leave the append-only tables: the retention job."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pgtrigger
from django.apps import apps
from django.db import models, transaction


def history_model(model: type[models.Model]) -> Any:
    return apps.get_model("audit", f"{model.__name__}History")


@transaction.atomic
def erase_history(model: type[models.Model], object_ids: Iterable[int]) -> int:
    """Delete the history of these rows of `model` (erasure of a household's personal
    data reaches its copies in the history). Returns the number of history rows deleted."""
    history = history_model(model)
    with pgtrigger.ignore(f"{history._meta.label}:append_only"):
        deleted, _ = history.objects.filter(pgh_obj_id__in=list(object_ids)).delete()
    return deleted
