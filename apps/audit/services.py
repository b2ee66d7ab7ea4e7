"""The one way history rows may leave the append-only tables: the retention job."""

from __future__ import annotations

from collections.abc import Iterable

import pgtrigger
from django.apps import apps
from django.db import transaction


def history_model(model):
    return apps.get_model("audit", f"{model.__name__}History")


@transaction.atomic
def erase_history(model, object_ids: Iterable[int]) -> int:
    """Delete the history of these rows of `model` (erasure of a household's personal
    data reaches its copies in the history). Returns the number of history rows deleted."""
    history = history_model(model)
    with pgtrigger.ignore(f"{history._meta.label}:append_only"):
        deleted, _ = history.objects.filter(pgh_obj_id__in=list(object_ids)).delete()
    return deleted
