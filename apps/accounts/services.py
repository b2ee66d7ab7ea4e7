"""Writes of the accounts app."""

from django.db import models

from apps.accounts.models import AccessLog


def log_access(request, obj: models.Model, *, slsp_id: int | None = None, reason: str = "") -> None:
    """Record that the request's user read a personal record (called by every such view)."""
    match = getattr(request, "resolver_match", None)
    AccessLog.objects.create(
        user=request.user if request.user.is_authenticated else None,
        slsp_id=slsp_id if slsp_id is not None else getattr(obj, "slsp_id", None),
        object_type=obj._meta.label_lower,
        object_id=str(getattr(obj, "uuid", obj.pk)),
        view_name=match.view_name if match else "",
        path=request.path[:500],
        reason=reason[:300],
    )
